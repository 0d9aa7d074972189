"""What can be counted over 医养结合 (core.measures), as the records stood at the end of a period:
institutions with a contract in force or an in-house medical unit (JDZ-11, LT-12), the county
welfare homes and regional centre homes with their own unit (SY-8), and the 特困 persons whose
latest answer is 愿意集中供养 and, of them, those living in an institution (JDZ-1)."""

from __future__ import annotations

from django.db.models import Q

from yanglao.core.measures import Measure
from yanglao.elders.models import Category
from yanglao.elders.selectors import active_category_q, on_register_q
from yanglao.facilities.measures import _facility_members, _per_region, people_measure
from yanglao.facilities.models import INSTITUTION_TYPES, Facility, FacilityType
from yanglao.facilities.selectors import in_care_q, open_on
from yanglao.medical.models import Contract, MedicalUnit, Willingness

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
]
