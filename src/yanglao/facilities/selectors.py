from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from yanglao.core import permissions, pii
from yanglao.core.errors import NotInScope
from yanglao.core.idnumber import mask
from yanglao.core.phone import mask_phone
from yanglao.core.scope import sees_everything
from yanglao.core.search import name_prefix_q
from yanglao.facilities.models import (
    INSTITUTION_TYPES,
    Admission,
    Ban,
    Bed,
    Facility,
    FacilityType,
    Provider,
    Staff,
    StaffRole,
)
from yanglao.regions.selectors import in_region_code_q, in_scope_q


def residents_of_users_facility(user) -> QuerySet:
    """Ids of the people living now in the facility the user administers (elders' scope rule
    for 机构管理员, registered in facilities.apps)."""
    return Admission.objects.filter(
        discharged_on__isnull=True, bed__facility__staff__user=user
    ).values("elder_id")


def facility_scope_q(by) -> Q:
    """Facilities a user may see: in their region subtree, or the one they manage."""
    if sees_everything(by):
        return Q()
    if permissions.acts_for_facility(by):
        return Q(
            pk__in=Staff.objects.filter(user=by, facility__isnull=False).values(
                "facility_id"
            )
        )
    if permissions.acts_for_provider(by):
        return Q(pk__in=[])
    return in_scope_q(by, "region")


@dataclass
class FacilityFilter:
    q: str = ""
    region: str = ""
    type: str = ""
    ownership: str = ""


def facility_list(*, by, filters: FacilityFilter | None = None) -> QuerySet[Facility]:
    f = filters or FacilityFilter()
    qs = Facility.objects.filter(facility_scope_q(by)).select_related("region")
    if f.q:
        qs = qs.filter(
            Q(name__contains=f.q) | Q(operator__contains=f.q) | Q(licence_no=f.q)
        )
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "region"))
    if f.type:
        qs = qs.filter(type=f.type)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    open_beds = Q(beds__state=Bed.State.IN_SERVICE)
    return qs.annotate(
        bed_count=Count("beds", filter=open_beds, distinct=True),
        nursing_bed_count=Count(
            "beds", filter=open_beds & Q(beds__kind=Bed.Kind.NURSING), distinct=True
        ),
        resident_count=Count(
            "beds__admissions",
            filter=Q(beds__admissions__discharged_on__isnull=True),
            distinct=True,
        ),
    ).order_by("region__code", "name")


def facility_get(*, by, pk: int) -> Facility:
    facility = (
        Facility.objects.filter(facility_scope_q(by), pk=pk)
        .select_related("region")
        .first()
    )
    if facility is None:
        raise NotInScope(pk)
    return facility


def bed_list(*, by, facility: Facility) -> QuerySet[Bed]:
    occupied = Admission.objects.filter(bed=OuterRef("pk"), discharged_on__isnull=True)
    return (
        Bed.objects.filter(
            facility=facility,
            facility__in=Facility.objects.filter(facility_scope_q(by)),
        )
        .annotate(occupied=Exists(occupied))
        .order_by("code")
    )


def bed_get(*, by, pk: int) -> Bed:
    bed = (
        Bed.objects.filter(
            pk=pk, facility__in=Facility.objects.filter(facility_scope_q(by))
        )
        .select_related("facility")
        .first()
    )
    if bed is None:
        raise NotInScope(pk)
    return bed


def admission_list(
    *, by, facility: Facility | None = None, current: bool = True
) -> QuerySet[Admission]:
    qs = Admission.objects.filter(
        bed__facility__in=Facility.objects.filter(facility_scope_q(by))
    )
    if facility is not None:
        qs = qs.filter(bed__facility=facility)
    if current:
        qs = qs.filter(discharged_on__isnull=True)
    return qs.select_related("elder", "bed", "bed__facility").order_by("bed__code")


def admission_get(*, by, pk: int) -> Admission:
    adm = admission_list(by=by, current=False).filter(pk=pk).first()
    if adm is None:
        raise NotInScope(pk)
    return adm


def provider_scope_q(by) -> Q:
    if sees_everything(by):
        return Q()
    if permissions.acts_for_provider(by):
        return Q(staff__user=by)
    if permissions.acts_for_facility(by):
        return Q(pk__in=[])
    return in_scope_q(by, "region")


def provider_list(*, by) -> QuerySet[Provider]:
    return (
        Provider.objects.filter(provider_scope_q(by))
        .select_related("region")
        .order_by("name")
    )


def staff_scope_q(by) -> Q:
    if sees_everything(by):
        return Q()
    return Q(facility__in=Facility.objects.filter(facility_scope_q(by))) | Q(
        provider__in=Provider.objects.filter(provider_scope_q(by))
    )


@dataclass
class StaffFilter:
    q: str = ""
    role: str = ""
    facility: str = ""
    current: bool = True


def staff_list(*, by, filters: StaffFilter | None = None) -> QuerySet[Staff]:
    f = filters or StaffFilter()
    qs = Staff.objects.filter(staff_scope_q(by)).select_related("facility", "provider")
    if f.q:
        qs = qs.filter(name_prefix_q("name", f.q))
    if f.role:
        qs = qs.filter(role=f.role)
    if f.facility:
        qs = qs.filter(facility_id=f.facility)
    if f.current:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("name", "pk")


def staff_trainings(staff: Staff) -> QuerySet:
    return staff.trainings.order_by("-completed_on", "-pk")


def staff_get(*, by, pk: int) -> Staff:
    staff = (
        Staff.objects.filter(staff_scope_q(by), pk=pk)
        .select_related("facility", "provider")
        .first()
    )
    if staff is None:
        raise NotInScope(pk)
    return staff


def ban_active_for(id_hash: str, on) -> Ban | None:
    return (
        Ban.objects.filter(id_number_hash=id_hash, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .first()
    )


def ban_list(*, by) -> QuerySet[Ban]:
    """The ban list holds identity numbers: civil-affairs staff and administrators only."""
    if not permissions.may_keep_ban_list(by):
        return Ban.objects.none()
    return Ban.objects.order_by("-start_date", "-pk")


def facility_counts(*, by) -> dict:
    """Home-page figures: facilities by type, beds, occupancy and 护理型床位占比 (institutions)."""
    facilities = Facility.objects.filter(facility_scope_q(by), closed_on__isnull=True)
    by_type = dict(
        facilities.values_list("type").annotate(n=Count("pk")).values_list("type", "n")
    )
    beds = Bed.objects.filter(
        facility__in=facilities.filter(type__in=INSTITUTION_TYPES),
        state=Bed.State.IN_SERVICE,
    )
    today = timezone.localdate()
    agg = beds.aggregate(
        total=Count("pk"),
        nursing=Count("pk", filter=Q(kind=Bed.Kind.NURSING)),
        occupied=Count(
            "pk",
            filter=Q(
                admissions__discharged_on__isnull=True,
                admissions__admitted_on__lte=today,
            ),
        ),
    )
    total = agg["total"] or 0
    return {
        "by_type": [
            (label, by_type.get(value, 0)) for value, label in FacilityType.choices
        ],
        "institutions": sum(by_type.get(t, 0) for t in INSTITUTION_TYPES),
        "beds": total,
        "nursing_beds": agg["nursing"],
        "occupied_beds": agg["occupied"],
        "nursing_share": (agg["nursing"] / total) if total else None,
        "occupancy": (agg["occupied"] / total) if total else None,
    }


# --- export ----------------------------------------------------------------------------------

FACILITY_EXPORT_HEADER = [
    "名称",
    "类型",
    "性质",
    "运营方",
    "所在区划",
    "区划代码",
    "地址",
    "设立许可/备案号",
    "内设医疗机构",
    "签约医疗机构",
    "消防",
    "床位数",
    "护理型床位",
    "在住人数",
    "开业日期",
]
STAFF_EXPORT_HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "岗位",
    "护理员技能等级",
    "所在机构/服务商",
    "联系电话",
    "入职日期",
    "离职日期",
]


def facility_export_rows(*, by, filters: FacilityFilter | None = None):
    qs = facility_list(by=by, filters=filters).annotate(
        n_beds=Count("beds", distinct=True),
        n_nursing=Count("beds", filter=Q(beds__kind="nursing"), distinct=True),
        n_residents=Count(
            "beds__admissions",
            filter=Q(beds__admissions__discharged_on__isnull=True),
            distinct=True,
        ),
    )
    for f in qs.order_by("region__code", "name").iterator(chunk_size=2000):
        yield [
            f.name,
            f.get_type_display(),
            f.get_ownership_display(),
            f.operator,
            f.region.name,
            f.region.code,
            f.address,
            f.licence_no,
            "是" if f.has_medical_unit else "否",
            f.contracted_hospital,
            f.get_fire_safety_display(),
            f.n_beds,
            f.n_nursing,
            f.n_residents,
            f.opened_on,
        ]


def staff_export_rows(
    *, by, filters: StaffFilter | None = None, full_pii: bool = False
):
    for s in staff_list(by=by, filters=filters).iterator(chunk_size=2000):
        number = pii.decrypt(s.id_number_enc)
        phone = pii.decrypt(s.phone_enc) if s.phone_enc else ""
        yield [
            s.name,
            number if full_pii else mask(number),
            s.get_sex_display(),
            s.birth_date,
            s.get_role_display(),
            s.get_skill_level_display(),
            s.employer.name if s.employer else "",
            phone if full_pii else (mask_phone(phone) if phone else ""),
            s.hired_on,
            s.left_on,
        ]


BED_EXPORT_HEADER = ["机构名称", "床位号", "床位类型", "状态", "是否在住", "入住日期"]


def bed_export_rows(*, by, filters: FacilityFilter | None = None):
    """Beds of the facilities in the filtered list (the columns of the bed import template first,
    so the export imports back unchanged). Who lies in a bed is not exported, only whether."""
    facilities = facility_list(by=by, filters=filters).values("pk")
    open_stays = Admission.objects.filter(
        bed=OuterRef("pk"), discharged_on__isnull=True
    )
    beds = (
        Bed.objects.filter(facility__in=facilities)
        .select_related("facility")
        .annotate(
            occupied=Exists(open_stays),
            since=open_stays.values("admitted_on")[:1],
        )
        .order_by("facility__name", "code")
    )
    for b in beds.iterator(chunk_size=2000):
        yield [
            b.facility.name,
            b.code,
            b.get_kind_display(),
            b.get_state_display(),
            "是" if b.occupied else "否",
            b.since,
        ]


def facilities_located(
    facilities: QuerySet[Facility], *, limit: int
) -> QuerySet[Facility]:
    """Those of a (scoped, filtered) facility list that have coordinates: the list's map."""
    return facilities.exclude(lat=None).exclude(lng=None)[:limit]


def institutions_open_in(region_path: str, on) -> QuerySet[Facility]:
    """The 养老机构 open on a date in a region's subtree (the 双随机 object register)."""
    return (
        Facility.objects.filter(
            type__in=INSTITUTION_TYPES, region__path__startswith=region_path
        )
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .order_by("pk")
    )


def facilities_worked_at(id_hashes: list[str]) -> dict[str, set[int]]:
    """For people by identity hash, the facilities they have worked at (any time): an inspector
    must not inspect those."""
    worked: dict[str, set[int]] = {}
    rows = Staff.objects.filter(
        id_number_hash__in=[h for h in id_hashes if h], facility__isnull=False
    ).values_list("id_number_hash", "facility_id")
    for id_hash, facility_id in rows:
        worked.setdefault(id_hash, set()).add(facility_id)
    return worked


def facility_ids_in_scope(by) -> QuerySet:
    """The ids of the facilities a user may see (for another app's rows about facilities)."""
    return Facility.objects.filter(facility_scope_q(by)).values("pk")


def facility_names(ids) -> dict[int, str]:
    """Facilities' names by id (names are public: 一公开 pages show them)."""
    return dict(Facility.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def staff_trained_in(start, end, *, facility=None, provider=None) -> tuple[int, int]:
    """(staff of the facility or provider employed at some time in [start, end], those of them
    trained in it): the yearly evaluation's 员工年度培训率."""
    employed = Staff.objects.filter(
        facility=facility, provider=provider, hired_on__lte=end
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    trained = employed.filter(trainings__completed_on__range=(start, end)).distinct()
    return employed.count(), trained.count()


def responsible_people(
    *, facility=None, provider=None, on=None
) -> list[tuple[str, str]]:
    """(name, identity hash) of the directors (院长/负责人) employed at the facility or provider
    on the day: whose credit record a penalty also goes on."""
    on = on or timezone.localdate()
    rows = (
        Staff.objects.filter(
            facility=facility,
            provider=provider,
            role=StaffRole.DIRECTOR,
            hired_on__lte=on,
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .order_by("name")
        .values_list("name", "id_number_hash")
    )
    return [(name, h) for name, h in rows if h]


def banned_staff(*, facility=None, provider=None, on=None) -> list[tuple[str, str]]:
    """(staff name, the ban's reason) of people employed now who are on the 从业禁止 list."""
    on = on or timezone.localdate()
    employed = Staff.objects.filter(facility=facility, provider=provider).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on)
    )
    active = Ban.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    reasons = dict(active.values_list("id_number_hash", "reason"))
    return [
        (name, reasons[h])
        for name, h in employed.filter(id_number_hash__in=list(reasons)).values_list(
            "name", "id_number_hash"
        )
    ]


def facility_resident_count(facility_id: int) -> int:
    """在住老人: admissions to the institution's beds not yet discharged."""
    return Admission.objects.filter(
        bed__facility_id=facility_id, discharged_on__isnull=True
    ).count()


def open_on(day, prefix: str = "") -> Q:
    """Facilities (or rows whose `prefix` is a facility) open on the day: opened by then (or no
    date) and not closed by then."""
    return (
        Q(**{f"{prefix}opened_on__isnull": True})
        | Q(**{f"{prefix}opened_on__lte": day})
    ) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def in_care_q(end) -> Q:
    """People living in an institution at the end of the day `end` (an admission not yet ended)."""
    return Q(
        pk__in=Admission.objects.filter(
            Q(discharged_on__isnull=True) | Q(discharged_on__gt=end),
            admitted_on__lte=end,
        ).values("elder_id")
    )


def residence_facility(elder_id: int) -> Facility | None:
    """The institution a person lives in now (their open admission), or None."""
    admission = (
        Admission.objects.filter(elder_id=elder_id, discharged_on__isnull=True)
        .select_related("bed__facility")
        .first()
    )
    return admission.bed.facility if admission else None
