"""What can be counted over 医养结合 (core.measures), as the records stood at the end of a period:
institutions with a contract in force or an in-house medical unit (JDZ-11, LT-12), the county
welfare homes and regional centre homes with their own unit (SY-8), and the 特困 persons whose
latest answer is 愿意集中供养 and, of them, those living in an institution (JDZ-1)."""

from __future__ import annotations

from django.db.models import Count, Q

from yanglao.core.measures import Measure, Member
from yanglao.elders.models import Category
from yanglao.elders.selectors import active_category_q, on_register_q
from yanglao.facilities.measures import _facility_members, _per_region, people_measure
from yanglao.facilities.models import INSTITUTION_TYPES, Facility, FacilityType
from yanglao.facilities.selectors import in_care_q, open_on
from yanglao.medical.models import (
    Contract,
    HealthService,
    MedicalUnit,
    Referral,
    Willingness,
)
from yanglao.medical.selectors.health import aged_65_q, served_q
from yanglao.regions.models import Region

# 县级福利院、区域性中心敬老院 (Shaoyang 7: 内设医疗机构全覆盖 by end-2026)
KEY_HOMES = (FacilityType.WELFARE_HOME, FacilityType.TOWNSHIP_CENTRE_HOME)


def _with_unit(end) -> Q:
    return Q(
        pk__in=MedicalUnit.objects.filter(filed_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .values("facility_id")
    )


def _contracted(end) -> Q:
    return Q(
        pk__in=Contract.objects.filter(starts_on__lte=end, ends_on__gte=end).values(
            "facility_id"
        )
    )


def _institutions(types, extra):
    def q_of(end):
        return Q(type__in=types) & open_on(end) & extra(end)

    def count(start, end):
        return _per_region(Facility.objects.filter(q_of(end)), "region")

    return count, _facility_members(q_of)


def _willing_ids(end) -> list[int]:
    """The people whose latest willingness recorded by `end` is 愿意 (the 特困 are a few
    thousand: read once, the latest per person wins)."""
    latest: dict[int, str] = {}
    for elder_id, answer in (
        Willingness.objects.filter(asked_on__lte=end)
        .order_by("elder_id", "asked_on", "pk")
        .values_list("elder_id", "answer")
    ):
        latest[elder_id] = answer
    return [e for e, a in latest.items() if a == Willingness.Answer.WILLING]


def _tekun_willing(in_care: bool):
    def q_of(end):
        q = (
            on_register_q(end)
            & active_category_q(Category.TEKUN, end)
            & Q(pk__in=_willing_ids(end))
        )
        return q & in_care_q(end) if in_care else q

    return people_measure(
        q_of,
        lambda e: f"/medical/willingness/{e.pk}/",
        lambda e: "已入住" if in_care else "愿意集中供养",
    )


def _aged_65(kind: str | None):
    """People 65+ on the register at the period's end; with `kind`, those the health system's
    roster of that year reports the service for (LT-13 健康档案, SY-9 中医药健康管理)."""

    def q_of(end):
        q = aged_65_q(end)
        return q & served_q(end.year, kind) if kind else q

    label = dict(HealthService.Kind.choices).get(kind, "")
    return people_measure(
        q_of,
        lambda e: f"/elders/{e.pk}/",
        lambda e: f"{label}：已覆盖" if kind else "65周岁及以上",
    )


def _referrals(returned: bool):
    """Referrals sent in the period (by the person's region), and of them those that came back
    with a care note (双向转诊闭环)."""

    def q_of(start, end):
        q = Q(requested_at__date__gte=start, requested_at__date__lte=end)
        return q & Q(status=Referral.Status.RETURNED) if returned else q

    def count(start, end):
        rows = (
            Referral.objects.filter(q_of(start, end))
            .values("region_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {r["region_id"]: r["n"] for r in rows}

    def members(start, end, region_ids):
        for r in (
            Referral.objects.filter(q_of(start, end), region_id__in=region_ids)
            .select_related("elder", "institution")
            .order_by("requested_at")
        ):
            yield Member(
                f"referral:{r.pk}",
                r.elder.name,
                r.region_id,
                f"/medical/referrals/{r.pk}/",
                f"→ {r.institution.name}：{r.get_status_display()}",
            )

    return count, members


# 县级特困人员供养服务机构 (Baoshan 11: 每个县建成1个以上具有医养结合功能的)
COUNTY_TEKUN_HOMES = (
    FacilityType.COUNTY_DISABILITY_CENTRE,
    FacilityType.WELFARE_HOME,
    FacilityType.TEKUN_HOME,
)


def _counties_with_medical_tekun_home():
    """Counties with at least one open county 特困 institution that has 医养结合 function: a
    contract with a medical institution in force, or its own medical unit."""

    def county_ids(end) -> dict[int, float]:
        paths = Facility.objects.filter(
            Q(type__in=COUNTY_TEKUN_HOMES)
            & open_on(end)
            & (_contracted(end) | _with_unit(end))
        ).values_list("region__path", flat=True)
        county_paths = {"/".join(p.split("/")[:3]) + "/" for p in paths}
        return dict.fromkeys(
            Region.objects.filter(
                path__in=county_paths, level=Region.Level.COUNTY
            ).values_list("pk", flat=True),
            1,
        )

    def members(start, end, region_ids):
        ids = county_ids(end)
        for r in Region.objects.filter(pk__in=[i for i in region_ids if i in ids]):
            yield Member(f"region:{r.pk}", r.name, r.pk, "/medical/contracts/", r.code)

    return lambda start, end: county_ids(end), members


MEASURES = [
    Measure(
        "medical.institutions_contracted",
        "与医疗机构签约（协议期内）或有内设医疗机构的养老机构数",
        "家",
        *_institutions(
            INSTITUTION_TYPES, lambda end: _contracted(end) | _with_unit(end)
        ),
    ),
    Measure(
        "medical.key_homes",
        "县级福利院和区域性中心敬老院数",
        "家",
        *_institutions(KEY_HOMES, lambda end: Q()),
    ),
    Measure(
        "medical.key_homes_with_unit",
        "有内设医疗机构的县级福利院和区域性中心敬老院数",
        "家",
        *_institutions(KEY_HOMES, _with_unit),
    ),
    Measure(
        "medical.tekun_willing",
        "已登记愿意集中供养的特困人员数",
        "人",
        *_tekun_willing(in_care=False),
    ),
    Measure(
        "medical.tekun_willing_in_care",
        "其中已入住养老机构的人数",
        "人",
        *_tekun_willing(in_care=True),
    ),
    Measure(
        "medical.aged_65",
        "65周岁及以上在册老年人数",
        "人",
        *_aged_65(None),
    ),
    Measure(
        "medical.aged_65_record",
        "其中当年健康服务名单中已建立健康档案的人数",
        "人",
        *_aged_65(HealthService.Kind.RECORD),
    ),
    Measure(
        "medical.aged_65_tcm",
        "其中当年接受中医药健康管理的人数",
        "人",
        *_aged_65(HealthService.Kind.TCM),
    ),
    Measure(
        "medical.referrals_sent",
        "统计期内发出的转诊数",
        "件",
        *_referrals(returned=False),
    ),
    Measure(
        "medical.referrals_returned",
        "其中已回转（闭环）的转诊数",
        "件",
        *_referrals(returned=True),
    ),
    Measure(
        "medical.counties_with_medical_tekun_home",
        "建有具备医养结合功能的县级特困人员供养服务机构的县（市、区）数",
        "个",
        *_counties_with_medical_tekun_home(),
    ),
]
