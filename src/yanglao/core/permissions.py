"""Who may do what: the roles (角色) and every permission as a named predicate (issue 20).

Views, API handlers, services, selectors and templates ask these predicates; no role string is
compared anywhere else (`core/tests/test_no_role_literals.py` fails on one). Each predicate takes
the acting user and answers from the role, the superuser flag and per-account grants; *where* a
user may act (their region, facility, provider, team or linked family) is the selectors' scope
rule, not decided here.

Pure: no Django import (it reads attributes of the user object it is given).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CIVIL_AFFAIRS = "civil_affairs"
    STREET = "street"
    COMMUNITY = "community"
    FACILITY_ADMIN = "facility_admin"
    PROVIDER_ADMIN = "provider_admin"
    LEADER = "leader"
    ASSESSOR = "assessor"
    OPERATOR = "operator"
    DISPATCH_LEAD = "dispatch_lead"
    CARER = "carer"
    FAMILY = "family"
    ELDER = "elder"
    MEDICAL_LIAISON = "medical_liaison"


ROLE_NAMES = {
    Role.ADMIN: "系统管理员",
    Role.CIVIL_AFFAIRS: "民政局工作人员",
    Role.STREET: "街道/乡镇工作人员",
    Role.COMMUNITY: "社区/村工作人员",
    Role.FACILITY_ADMIN: "机构管理员",
    Role.PROVIDER_ADMIN: "服务商管理员",
    Role.LEADER: "领导（只读）",
    Role.ASSESSOR: "评估员",
    Role.OPERATOR: "接警员（坐席）",
    Role.DISPATCH_LEAD: "接警值班长",
    Role.CARER: "护理员/服务人员",
    Role.FAMILY: "家属",
    Role.ELDER: "老年人本人",
    Role.MEDICAL_LIAISON: "医疗机构联络员",
}

# Roles whose scope is a region subtree. Every other account is scoped to a facility, a provider,
# an assessment team or linked older people, and never by a region it happens to carry.
REGION_ROLES = frozenset(
    {
        Role.CIVIL_AFFAIRS,
        Role.STREET,
        Role.COMMUNITY,
        Role.LEADER,
        Role.OPERATOR,
        Role.DISPATCH_LEAD,
    }
)
_BUREAU = frozenset({Role.ADMIN, Role.CIVIL_AFFAIRS})
_REGISTRY_WRITERS = frozenset(
    {Role.ADMIN, Role.CIVIL_AFFAIRS, Role.STREET, Role.COMMUNITY}
)
_FACILITY_WRITERS = frozenset({Role.ADMIN, Role.CIVIL_AFFAIRS, Role.FACILITY_ADMIN})
_ASSESSMENT_APPLICANTS = _REGISTRY_WRITERS | {Role.FACILITY_ADMIN}
_ALARM_HANDLERS = frozenset({Role.ADMIN, Role.OPERATOR, Role.DISPATCH_LEAD})
_ALARM_SUPERVISORS = frozenset({Role.ADMIN, Role.DISPATCH_LEAD, Role.CIVIL_AFFAIRS})
_DEVICE_MANAGERS = _REGISTRY_WRITERS | {Role.DISPATCH_LEAD}
_LINKED = frozenset({Role.FAMILY, Role.ELDER})
# Who works with subsidies: the bureau, the street and community offices that take applications,
# and the read-only leader. Operators, facilities, providers and assessors have no business there.
_BENEFIT_READERS = _REGISTRY_WRITERS | {Role.LEADER}


def scoped_by_region(role: str) -> bool:
    """Whether an account of this role needs a region to act in."""
    return role in REGION_ROLES


def _role(user) -> str:
    return getattr(user, "role", "") or ""


def _is(user, roles) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _role(user) in roles


# --- what kind of account: decides which scope rule applies ---------------------------------------


def sees_everything(user) -> bool:
    """系统管理员: every region, facility and provider."""
    return bool(getattr(user, "is_superuser", False)) or _role(user) == Role.ADMIN


def acts_for_region(user) -> bool:
    """Staff whose scope is their region subtree (民政局, 街道, 社区, 领导, 接警)."""
    return _role(user) in REGION_ROLES and not sees_everything(user)


def works_by_region(user) -> bool:
    """The administrator or staff scoped by region: the ones region-wide pages (探访率, 行政区划, the
    region dashboard) are for."""
    return sees_everything(user) or acts_for_region(user)


def is_operator(user) -> bool:
    """接警员 (the shift lead is `is_dispatch_lead`)."""
    return _role(user) == Role.OPERATOR


def acts_for_facility(user) -> bool:
    return _role(user) == Role.FACILITY_ADMIN


def acts_for_provider(user) -> bool:
    return _role(user) == Role.PROVIDER_ADMIN


def is_assessor(user) -> bool:
    return _role(user) == Role.ASSESSOR


def is_carer(user) -> bool:
    return _role(user) == Role.CARER


def is_family(user) -> bool:
    return _role(user) == Role.FAMILY


def is_elder_self(user) -> bool:
    return _role(user) == Role.ELDER


def acts_for_linked_elders(user) -> bool:
    """家属 and the older person themself: only the people they are linked to."""
    return _role(user) in _LINKED


def is_read_only(user) -> bool:
    """领导: sees the figures and records of their area, changes nothing."""
    return _role(user) == Role.LEADER


def is_community_worker(user) -> bool:
    """社区/村工作人员: the visitors of 探访关爱 and the first step of applications."""
    return _role(user) == Role.COMMUNITY


def is_dispatch_lead(user) -> bool:
    return _role(user) == Role.DISPATCH_LEAD


def reads_large_text_by_default(user) -> bool:
    """适老化: the older person and their family see 大字 until they choose another 字号."""
    return acts_for_linked_elders(user)


def works_on_phone_only(user) -> bool:
    """Carers, families and older people have the phone pages of home services and nothing else."""
    return is_carer(user) or acts_for_linked_elders(user)


# --- what they may do ------------------------------------------------------------------------------


def may_view_full_pii(user) -> bool:
    """Full identity, phone and bank numbers (each view still audited): 系统管理员, 民政局, or an
    account granted it one by one."""
    return _is(user, _BUREAU) or bool(getattr(user, "can_view_full_pii", False))


def may_supervise(user) -> bool:
    """综合监管: plan random inspections, commit and draw them — the bureau."""
    return is_bureau(user)


def may_handle_complaints(user) -> bool:
    """投诉举报: the bureau, street and community staff of the complaint's region take and answer
    it (not the read-only leader)."""
    return sees_everything(user) or (
        acts_for_region(user)
        and not is_read_only(user)
        and not is_operator(user)
        and not is_dispatch_lead(user)
    )


def may_answer_rectification(user) -> bool:
    """整改: the institution answers its own rectification orders (its 机构管理员)."""
    return acts_for_facility(user)


def may_view_supervision(user) -> bool:
    """See the plans and draws of an area (read-only for the leader)."""
    return works_by_region(user)


def may_see_supervision_records(user) -> bool:
    """Open supervision's records of institutions: the area's staff (may_view_supervision), or an
    institution's own 机构管理员 for its inspections, rectification, custody account, grading,
    emergency plans and credit (each read through its scoped selector)."""
    return may_view_supervision(user) or may_answer_rectification(user)


def may_view_indicators(user) -> bool:
    """指标与规划目标, 领导驾驶舱: the administrator, and staff and leaders who see by region."""
    return works_by_region(user)


def may_report_indicators(user) -> bool:
    """填报 a figure the platform does not hold, and approve another clerk's: the bureau."""
    return is_bureau(user)


def may_keep_targets(user) -> bool:
    """Set the plan targets and recompute indicators: the bureau."""
    return is_bureau(user)


def is_bureau(user) -> bool:
    """民政局: runs and approves cycles, edits programmes, keeps catalogues and registers."""
    return _is(user, _BUREAU)


def may_run_cycles(user) -> bool:
    return is_bureau(user)


def may_download_bank_file(user) -> bool:
    """The banks' disbursement files carry full account numbers: only the bureau that pays
    (the batch must also lie within the user's scope: benefits.selectors.batch_get)."""
    return is_bureau(user)


def may_view_benefits(user) -> bool:
    return _is(user, _BENEFIT_READERS)


def decides_step(user, step: str) -> bool:
    """An application's approval step ("community", "street", "civil_affairs":
    benefits.models.STEP_NAMES) is decided by staff of the role of that name."""
    return _role(user) == step


# benefits.models.STEP_NAMES: 社区受理, 街道审核, 县民政审批 (core cannot name benefits).
APPLICATION_STEPS = ("community", "street", "civil_affairs")


def decides_applications(user) -> bool:
    """Decides some step of benefit applications."""
    return any(decides_step(user, step) for step in APPLICATION_STEPS)


def may_write_registry(user) -> bool:
    """Create and change older people's records (and file their applications)."""
    return _is(user, _REGISTRY_WRITERS)


def may_write_facilities(user) -> bool:
    return _is(user, _FACILITY_WRITERS)


def may_create_facilities(user) -> bool:
    """A facility's own administrator edits it but does not register new institutions."""
    return may_write_facilities(user) and not acts_for_facility(user)


def may_keep_ban_list(user) -> bool:
    """从业禁止名单: the bureau."""
    return is_bureau(user)


def may_hire_provider_staff(user) -> bool:
    """入职登记 of a service provider's staff: the bureau or the provider itself."""
    return is_bureau(user) or acts_for_provider(user)


def may_become_assessor(user) -> bool:
    """A log-in that may be registered as an agency's 评估员 (a new account or an assessor's)."""
    return bool(getattr(user, "is_superuser", False)) or _role(user) in (
        Role.ASSESSOR,
        Role.COMMUNITY,
    )


def may_apply_assessment(user) -> bool:
    return _is(user, _ASSESSMENT_APPLICANTS)


def may_manage_assessments(user) -> bool:
    """Assign teams and keep the agencies' registers."""
    return is_bureau(user)


def may_handle_alarms(user) -> bool:
    return _is(user, _ALARM_HANDLERS)


def may_supervise_alarms(user) -> bool:
    return _is(user, _ALARM_SUPERVISORS)


def may_manage_devices(user) -> bool:
    return _is(user, _DEVICE_MANAGERS)


def may_place_orders(user) -> bool:
    """代下单 for the older people of their area."""
    return _is(user, _REGISTRY_WRITERS)


def may_manage_services(user) -> bool:
    """Approve settlements, keep the service catalogue and quotas."""
    return is_bureau(user)


def may_keep_care_plans(user) -> bool:
    """家庭养老床位的照护计划: civil-affairs staff of the area, or the bed's provider (which bed:
    homecare.services.care_plan_add)."""
    return may_place_orders(user) or acts_for_provider(user)


def may_withdraw_assessment(user, assessment) -> bool:
    """撤回评估申请: the one who filed it, or the bureau."""
    return may_manage_assessments(user) or user.pk == assessment.applied_by_id


def may_see_home_services(user) -> bool:
    return (
        may_place_orders(user)
        or is_read_only(user)
        or acts_for_provider(user)
        or works_on_phone_only(user)
    )


def may_upload_imports(user) -> bool:
    """Rosters change the registry: only those who may write it (checked at upload, before
    anything is stored)."""
    return may_write_registry(user) or may_write_facilities(user)


def may_build_visit_roster(user) -> bool:
    return is_bureau(user)


def may_visit(user) -> bool:
    return is_community_worker(user)


def may_record_visits(user) -> bool:
    """记录探访: the visitor, or registry staff of the area recording for a person nobody has been
    given (visits.services.visit_record checks which person)."""
    return may_visit(user) or may_write_registry(user)


# --- 医养结合 (medical) -------------------------------------------------------------------------------


def may_view_medical(user) -> bool:
    """The medical institutions and contracts of an area (read-only for the leader)."""
    return works_by_region(user)


def may_manage_medical_institutions(user) -> bool:
    """Register and correct medical institutions (医疗机构名录): the bureau."""
    return _is(user, _BUREAU)


def may_record_medical_contracts(user) -> bool:
    """签约服务, 巡诊 and 内设医疗机构 of an institution: the bureau, or the institution's own
    administrator for its own (scope: the facility)."""
    return _is(user, _FACILITY_WRITERS)


def may_record_willingness(user) -> bool:
    """集中供养意愿登记 of the 特困 persons of an area: community, street and bureau staff."""
    return _is(user, _REGISTRY_WRITERS)


def is_medical_liaison(user) -> bool:
    """医疗机构联络员: answers the referrals sent to their medical institution, sees only those."""
    return _role(user) == Role.MEDICAL_LIAISON


def may_view_referrals(user) -> bool:
    """双向转诊 lists: region staff (their area), an institution's administrator (its residents),
    a liaison (referrals to their medical institution), and whoever may send one."""
    return (
        works_by_region(user)
        or acts_for_facility(user)
        or is_medical_liaison(user)
        or may_refer(user)
    )


def may_refer(user) -> bool:
    """发起转诊 (and confirm a 拟转诊 the alarm centre proposed): an institution's administrator for
    its residents, community/street/bureau staff, assessors, and the operators who answer alarms."""
    return _is(user, _ASSESSMENT_APPLICANTS | _ALARM_HANDLERS | {Role.ASSESSOR})


def may_answer_referrals(user) -> bool:
    """接收、预约、就诊、回转: the medical institution's liaison, or the bureau recording for one
    that has no account yet."""
    return is_medical_liaison(user) or _is(user, _BUREAU)


def may_appoint_liaisons(user) -> bool:
    """Create a liaison account for a medical institution: the administrator (who alone creates
    accounts)."""
    return sees_everything(user)


def may_offer_beds(user) -> bool:
    """集中供养 床位安排: offer a free bed of the county's network to a person in the queue, record
    their answer (admission on acceptance) and transfers within the network — the bureau, which
    runs the "1+N" network."""
    return _is(user, _BUREAU)


def may_import_health_rosters(user) -> bool:
    """The health system's rosters (家庭医生签约、健康档案、体检、中医药健康管理) for the people of the
    area, and the coverage pages built on them: the bureau."""
    return _is(user, _BUREAU)


def may_view_health_coverage(user) -> bool:
    """建立健康档案率 and 中医药健康管理率 by region, with the lists of those not covered: region staff
    (the leader read-only)."""
    return works_by_region(user)


def may_record_home_beds(user) -> bool:
    """家庭病床 of a person at home: the medical institution's liaison is not given people's pages,
    so the bureau and the street/community staff record what the institution reports."""
    return _is(user, _REGISTRY_WRITERS)


def may_record_family_doctors(user) -> bool:
    """家庭医生签约 of a person, recorded by hand when the roster has not come yet: street,
    community and bureau staff (the roster import is the bureau's)."""
    return _is(user, _REGISTRY_WRITERS)


# --- 家庭支持 (homesupport) ---------------------------------------------------------------------------


def may_view_aid_lending(user) -> bool:
    """康复辅具借用点, their devices and loans in an area (read-only for the leader)."""
    return works_by_region(user)


def may_lend_aids(user) -> bool:
    """Register lending points and devices, lend, take back, clean, repair and write off: the
    street, community and bureau staff who run the points."""
    return _is(user, _REGISTRY_WRITERS)


# --- 居家适老化改造 (issue 25 §1): homesupport.selectors.project_list scopes what each one sees ---


def may_view_modifications(user) -> bool:
    """Region staff (their area; the leader read-only), the assessor sent to the home, the
    contractor's provider administrator (the projects it builds)."""
    return works_by_region(user) or is_assessor(user) or acts_for_provider(user)


def may_file_modifications(user) -> bool:
    """File an application for a household (the person, family or a community worker's own)."""
    return _is(user, _REGISTRY_WRITERS)


def may_assess_homes(user) -> bool:
    """入户评估: the assessor sent to the home, or street/community staff of the area."""
    return _is(user, _REGISTRY_WRITERS | {Role.ASSESSOR})


def may_plan_modifications(user) -> bool:
    """改造方案 with prices, subsidy and contractor: the street office or the bureau."""
    return _is(user, _BUREAU | {Role.STREET})


def may_complete_modifications(user) -> bool:
    """施工完成 with photos after: the contractor's provider administrator."""
    return acts_for_provider(user)


def may_accept_modifications(user) -> bool:
    """验收 with the household's confirmation: street, community or bureau staff."""
    return _is(user, _REGISTRY_WRITERS)


def may_set_modification_quota(user) -> bool:
    """年度任务 and the price list: the bureau."""
    return is_bureau(user)


# --- 喘息服务 and 家庭照护者培训 (issue 25 §3–4) ----------------------------------------------------


def may_book_respite(user) -> bool:
    """Book respite days: street/community/bureau staff for a person of their area, or a family
    member for the person they are linked to (homesupport.services.respite checks which)."""
    return _is(user, _REGISTRY_WRITERS) or is_family(user)


def may_run_respite_stays(user) -> bool:
    """Check a respite stay in and out: the institution's administrator, or area staff."""
    return _is(user, _REGISTRY_WRITERS) or acts_for_facility(user)


def may_view_respite(user) -> bool:
    """Region staff (their area), the institution's administrator (stays in it), the family
    (their person's stays)."""
    return works_by_region(user) or acts_for_facility(user) or is_family(user)


def may_run_carer_training(user) -> bool:
    """Courses, sessions, attendance and certificates of family-carer training."""
    return _is(user, _REGISTRY_WRITERS)


def may_view_carer_training(user) -> bool:
    return works_by_region(user)


def may_accept_new_beds(user) -> bool:
    """验收 of a new bed (from which the construction subsidy is paid): the bureau."""
    return is_bureau(user)
