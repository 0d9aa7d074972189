"""The roles now live with the permissions in `yanglao.core.permissions` (issue 20); this name stays
for the migrations that reference it."""

from yanglao.core.permissions import ROLE_NAMES, Role

__all__ = ["ROLE_NAMES", "Role"]
