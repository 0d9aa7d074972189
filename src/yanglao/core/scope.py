"""Region scope: every read is filtered to the acting user's area (ARCHITECTURE "Scope").

A user acts within a region subtree (civil-affairs staff and leaders), a facility or a provider.
Regions carry a materialised path ("36/3602/360202/"), so a subtree is a prefix match.
"""

from __future__ import annotations

from django.db.models import Q


def sees_everything(user) -> bool:
    return bool(
        getattr(user, "is_superuser", False) or getattr(user, "role", "") == "admin"
    )


def region_q(user, region_field: str) -> Q:
    """Q restricting `region_field` (a FK to regions.Region) to the user's subtree."""
    if sees_everything(user):
        return Q()
    path = getattr(getattr(user, "region", None), "path", None)
    if not path:
        return Q(pk__in=[])
    return Q(**{f"{region_field}__path__startswith": path})


def region_path_allowed(user, path: str) -> bool:
    """Whether a region (given by its path) lies in the user's subtree."""
    if sees_everything(user):
        return True
    own = getattr(getattr(user, "region", None), "path", None)
    return bool(own) and path.startswith(own)


def region_code_q(code: str, region_field: str) -> Q:
    """A filter for 'that region and everything below it', given a division code."""
    path = f"{region_field}__path"
    return Q(**{f"{path}__startswith": f"{code}/"}) | Q(
        **{f"{path}__contains": f"/{code}/"}
    )
