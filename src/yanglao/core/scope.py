"""Region scope: every read is filtered to the acting user's area (ARCHITECTURE "Scope").

A user acts within a region subtree (civil-affairs staff, leaders, operators), a facility, a
provider, an assessment team or the older people linked to them. Only the first kind is scoped by
region: a facility, provider or assessor account may carry a region (where it works), but it never
widens what that account sees — `user_region_path` is None for it, so every region filter built on
it (regions.selectors.in_scope_q, region_path_allowed) yields nothing. Regions carry a
materialised path ("36/3602/360202/"), so a subtree is a prefix match; the filter itself lives in
regions.selectors (it needs the Region table).
"""

from __future__ import annotations

from yanglao.core.permissions import acts_for_region, sees_everything

__all__ = ["region_path_allowed", "sees_everything", "user_region_path"]


def user_region_path(user) -> str | None:
    """The path of the region subtree the user acts in; None for accounts not scoped by region."""
    if not acts_for_region(user):
        return None
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    return getattr(region, "path", None)


def region_path_allowed(user, path: str) -> bool:
    """Whether a region (given by its path) lies in the user's subtree."""
    if sees_everything(user):
        return True
    own = user_region_path(user)
    return bool(own) and path.startswith(own)
