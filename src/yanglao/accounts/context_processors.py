from __future__ import annotations

from yanglao.accounts.roles import FACILITY_WRITERS, REGISTRY_WRITERS


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_write_registry": user.is_superuser or user.role in REGISTRY_WRITERS,
        "can_write_facilities": user.is_superuser or user.role in FACILITY_WRITERS,
    }
