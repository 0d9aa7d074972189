"""What can be counted over facilities, beds, residents and staff (core.measures), as the records
stood at the end of a period: a facility counts from its 开业日期 until its 停业日期, a resident
from admission until discharge, staff from hiring until leaving."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from yanglao.core.measures import Measure, Member
from yanglao.elders.models import Category
from yanglao.elders.selectors import (
    active_category_q,
    on_register_q,
    people_counted_by_region,
    people_matching,
)
from yanglao.facilities.models import (
    INSTITUTION_TYPES,
    Admission,
    Bed,
    Facility,
    FacilityType,
    FireSafety,
    Ownership,
    Staff,
    StaffRole,
    Training,
)
from yanglao.facilities.selectors import in_care_q, open_on
from yanglao.regions.models import Region

PUBLIC = (Ownership.PUBLIC, Ownership.PUBLIC_PRIVATE)
# 生活不能自理: GB/T 42195-2022 level 2 (中度失能) or worse (TARGETS.md JDZ-2)
DEPENDENT_FROM_LEVEL = 2


def _per_region(
    qs, region_field: str, counted: str = "pk", distinct: bool = False
) -> dict:
    rows = qs.values(region_field).annotate(n=Count(counted, distinct=distinct))
    return {r[region_field]: r["n"] for r in rows.order_by()}


def _facility_members(q_of):
    def members(start, end, region_ids):
        for f in Facility.objects.filter(q_of(end), region_id__in=region_ids).order_by(
            "name"
        ):
            yield Member(
                f"facility:{f.pk}",
                f.name,
                f.region_id,
                f"/facilities/{f.pk}/",
                f.get_type_display(),
            )

    return members


def _located_units(kind: str, urban: bool):
    """Communities (urban) or villages (rural) with an open facility of `kind` located in them."""

    def q_of(end):
        return Q(
            type=kind, region__level=Region.Level.VILLAGE, region__is_urban=urban
        ) & open_on(end)

    def count(start, end):
        ids = (
            Facility.objects.filter(q_of(end))
            .values_list("region_id", flat=True)
            .distinct()
        )
        return dict.fromkeys(ids, 1)

    def members(start, end, region_ids):
        for r in Region.objects.filter(
            pk__in=Facility.objects.filter(q_of(end), region_id__in=region_ids).values(
                "region_id"
            )
        ).order_by("code"):
            yield Member(
                f"region:{r.pk}", r.name, r.pk, f"/facilities/?region={r.code}", r.code
            )

    return count, members


def _counties_with(kind: str):
    def county_ids(end) -> dict[int, float]:
        paths = Facility.objects.filter(open_on(end), type=kind).values_list(
            "region__path", flat=True
        )
        county_paths = {"/".join(p.split("/")[:3]) + "/" for p in paths}
        return dict.fromkeys(
            Region.objects.filter(
                path__in=county_paths, level=Region.Level.COUNTY
            ).values_list("pk", flat=True),
            1,
        )

    def members(start, end, region_ids):
        ids = county_ids(end)
        for r in Region.objects.filter(
            pk__in=[i for i in region_ids if i in ids]
        ).order_by("code"):
            yield Member(
                f"region:{r.pk}", r.name, r.pk, f"/facilities/?region={r.code}", r.code
            )

    return lambda start, end: county_ids(end), members


def _beds(extra: Q):
    def q_of(end):
        return (
            Q(state=Bed.State.IN_SERVICE, facility__type__in=INSTITUTION_TYPES)
            & open_on(end, "facility__")
            & extra
        )

    def count(start, end):
        return _per_region(Bed.objects.filter(q_of(end)), "facility__region")

    def members(start, end, region_ids):
        rows = (
            Bed.objects.filter(q_of(end), facility__region_id__in=region_ids)
            .values("facility_id", "facility__name", "facility__region_id")
            .annotate(n=Count("pk"))
            .order_by("facility__name")
        )
        for r in rows:
            yield Member(
                f"facility:{r['facility_id']}",
                r["facility__name"],
                r["facility__region_id"],
                f"/facilities/{r['facility_id']}/",
                f"{r['n']} 张",
            )

    return count, members


def _occupied_public_beds(start, end):
    rows = Admission.objects.filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=end),
        admitted_on__lte=end,
        bed__state=Bed.State.IN_SERVICE,
        bed__facility__type__in=INSTITUTION_TYPES,
        bed__facility__ownership__in=PUBLIC,
    )
    return _per_region(rows, "bed__facility__region", "bed", distinct=True)


def _institutions(extra: Q):
    def q_of(end):
        return Q(type__in=INSTITUTION_TYPES) & open_on(end) & extra

    def count(start, end):
        return _per_region(Facility.objects.filter(q_of(end)), "region")

    return count, _facility_members(q_of)


WITH_MEDICAL = Q(has_medical_unit=True) | ~Q(contracted_hospital="")


def _staff(roles, trained: bool = False):
    def q_of(end):
        q = Q(role__in=roles, hired_on__lte=end) & (
            Q(left_on__isnull=True) | Q(left_on__gt=end)
        )
        if trained:
            q &= Q(
                pk__in=Training.objects.filter(
                    completed_on__lte=end,
                    kind__in=(Training.Kind.INDUCTION, Training.Kind.DIRECTOR),
                ).values("staff_id")
            )
        return q

    def annotated(end):
        return Staff.objects.filter(q_of(end)).annotate(
            at=Coalesce(F("facility__region"), F("provider__region"))
        )

    def count(start, end):
        return _per_region(annotated(end), "at")

    def members(start, end, region_ids):
        for s in annotated(end).filter(at__in=region_ids).order_by("name"):
            yield Member(
                f"staff:{s.pk}",
                s.name,
                s.at,
                f"/facilities/staff/{s.pk}/",
                s.get_role_display(),
            )

    return count, members


def people_measure(q_of, url, detail):
    """(count, members) of a measure over older people matching `q_of(end)`, per residence
    region; each member links to `url(person)` and reads `detail(person)`."""

    def count(start, end):
        return people_counted_by_region(q_of(end))

    def members(start, end, region_ids):
        for e in people_matching(q_of(end), region_ids):
            yield Member(
                f"elder:{e.pk}", e.name, e.residence_region_id, url(e), detail(e)
            )

    return count, members


def _tekun_dependent(in_care: bool):
    """特困 persons on the register at the period's end whose ability level is 2 or worse, and
    (in_care) of them those living in an institution then."""

    def q_of(end):
        q = (
            on_register_q(end)
            & Q(ability_level__gte=DEPENDENT_FROM_LEVEL)
            & active_category_q(Category.TEKUN, end)
        )
        return q & in_care_q(end) if in_care else q

    return people_measure(
        q_of, lambda e: f"/elders/{e.pk}/", lambda e: f"能力等级 {e.ability_level} 级"
    )


MEASURES = (
    Measure(
        "facilities.urban_communities_with_day_care",
        "有日间照料中心/社区养老服务中心的城市社区数",
        "个",
        *_located_units(FacilityType.COMMUNITY_CENTRE, urban=True),
    ),
    Measure(
        "facilities.villages_with_mutual_aid",
        "有农村互助养老服务站的行政村数",
        "个",
        *_located_units(FacilityType.RURAL_MUTUAL_AID, urban=False),
    ),
    Measure(
        "facilities.counties_with_disability_centre",
        "建有县级失能照护中心的县（市、区）数",
        "个",
        *_counties_with(FacilityType.COUNTY_DISABILITY_CENTRE),
    ),
    Measure("facilities.beds", "养老机构在用床位数", "张", *_beds(Q())),
    Measure(
        "facilities.beds_nursing",
        "养老机构在用护理型床位数",
        "张",
        *_beds(Q(kind=Bed.Kind.NURSING)),
    ),
    Measure(
        "facilities.public_beds",
        "公办（含公建民营）养老机构在用床位数",
        "张",
        *_beds(Q(facility__ownership__in=PUBLIC)),
    ),
    Measure(
        "facilities.public_beds_occupied",
        "公办（含公建民营）养老机构在住床位数",
        "张",
        _occupied_public_beds,
    ),
    Measure("facilities.institutions", "养老机构数", "家", *_institutions(Q())),
    Measure(
        "facilities.institutions_fire_safe",
        "完成消防验收或备案的养老机构数",
        "家",
        *_institutions(Q(fire_safety__in=(FireSafety.ACCEPTED, FireSafety.FILED))),
    ),
    Measure(
        "facilities.institutions_with_medical",
        "与医疗机构签约或内设医疗机构的养老机构数",
        "家",
        *_institutions(WITH_MEDICAL),
    ),
    Measure(
        "facilities.social_workers",
        "在岗社会工作者数",
        "人",
        *_staff((StaffRole.SOCIAL_WORKER,)),
    ),
    Measure(
        "facilities.directors_and_carers",
        "在岗院长和养老护理员数",
        "人",
        *_staff((StaffRole.DIRECTOR, StaffRole.CARER)),
    ),
    Measure(
        "facilities.directors_and_carers_trained",
        "经岗前（院长）培训的在岗院长和养老护理员数",
        "人",
        *_staff((StaffRole.DIRECTOR, StaffRole.CARER), trained=True),
    ),
    Measure(
        "facilities.tekun_dependent",
        "生活不能自理（能力等级2级及以上）的特困人员数",
        "人",
        *_tekun_dependent(in_care=False),
    ),
    Measure(
        "facilities.tekun_dependent_in_care",
        "其中在养老机构集中供养的人数",
        "人",
        *_tekun_dependent(in_care=True),
    ),
)
