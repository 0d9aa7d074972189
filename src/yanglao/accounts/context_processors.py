"""What the navigation and templates may show: the answers of core.permissions, by name."""

from __future__ import annotations

from yanglao.core import permissions

# Predicates a template can ask as {{ may.<name> }} (no role string in any template).
TEMPLATE_PREDICATES = (
    "sees_everything",
    "works_by_region",
    "acts_for_facility",
    "acts_for_provider",
    "is_medical_liaison",
    "may_view_referrals",
    "may_refer",
    "may_answer_referrals",
    "may_appoint_liaisons",
    "may_offer_beds",
    "may_import_health_rosters",
    "may_view_health_coverage",
    "may_record_home_beds",
    "may_record_family_doctors",
    "may_view_aid_lending",
    "may_lend_aids",
    "may_view_modifications",
    "may_file_modifications",
    "may_assess_homes",
    "may_plan_modifications",
    "may_complete_modifications",
    "may_accept_modifications",
    "may_set_modification_quota",
    "may_book_respite",
    "may_run_respite_stays",
    "may_view_respite",
    "may_run_carer_training",
    "may_view_carer_training",
    "may_accept_new_beds",
    "is_assessor",
    "is_carer",
    "is_family",
    "is_read_only",
    "is_community_worker",
    "is_dispatch_lead",
    "works_on_phone_only",
    "may_view_full_pii",
    "is_bureau",
    "may_view_benefits",
    "decides_applications",
    "may_write_registry",
    "may_write_facilities",
    "may_create_facilities",
    "may_keep_ban_list",
    "may_apply_assessment",
    "may_manage_assessments",
    "may_handle_alarms",
    "may_supervise_alarms",
    "may_manage_devices",
    "may_place_orders",
    "may_keep_care_plans",
    "may_manage_services",
    "may_see_home_services",
    "may_upload_imports",
    "may_build_visit_roster",
    "may_view_indicators",
    "may_report_indicators",
    "may_keep_targets",
    "may_supervise",
    "may_view_supervision",
    "may_handle_complaints",
    "may_answer_rectification",
    "may_view_medical",
    "may_manage_medical_institutions",
    "may_record_medical_contracts",
    "may_record_willingness",
)


class _May:
    """Lazy: each predicate is asked only when a template reads it."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name: str) -> bool:
        if name not in TEMPLATE_PREDICATES:
            raise AttributeError(name)
        return getattr(permissions, name)(self._user)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may": _May(user),
        "can_write_registry": permissions.may_write_registry(user),
        "can_write_facilities": permissions.may_write_facilities(user),
        "can_apply_assessment": permissions.may_apply_assessment(user),
        "can_manage_assessments": permissions.may_manage_assessments(user),
        "is_assessor": permissions.is_assessor(user),
        "home_service_only": permissions.works_on_phone_only(user),
    }
