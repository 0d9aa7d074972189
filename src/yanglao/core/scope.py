"""Region scope: every read is filtered to the acting user's area (ARCHITECTURE "Scope").

A user acts within a region subtree (civil-affairs staff and leaders), a facility or a provider.
Regions carry a materialised path ("36/3602/360202/"), so a subtree is a prefix match; the filter
itself lives in regions.selectors (it needs the Region table).
"""

from __future__ import annotations


def sees_everything(user) -> bool:
    return bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") == "admin"
    )


def user_region_path(user) -> str | None:
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    return getattr(region, "path", None)


def region_path_allowed(user, path: str) -> bool:
    """Whether a region (given by its path) lies in the user's subtree."""
    if sees_everything(user):
        return True
    own = user_region_path(user)
    return bool(own) and path.startswith(own)
