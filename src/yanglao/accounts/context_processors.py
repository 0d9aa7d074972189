from __future__ import annotations

from yanglao.accounts.roles import (
    ASSESSMENT_APPLICANTS,
    ASSESSMENT_MANAGERS,
    FACILITY_WRITERS,
    REGISTRY_WRITERS,
)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_write_registry": user.is_superuser or user.role in REGISTRY_WRITERS,
        "can_write_facilities": user.is_superuser or user.role in FACILITY_WRITERS,
        "can_apply_assessment": user.is_superuser or user.role in ASSESSMENT_APPLICANTS,
        "can_manage_assessments": user.is_superuser or user.role in ASSESSMENT_MANAGERS,
        "is_assessor": user.role == "assessor",
        "home_service_only": user.role in ("carer", "family", "elder"),
    }
