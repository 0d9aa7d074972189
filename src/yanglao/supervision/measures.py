"""What supervision counts (core.measures), per region of the institution: institutions inspected,
meeting GB 38600-2019 at their last inspection, graded to the national standard, evaluated this
year; rectification orders due and answered on time."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q

from yanglao.core.measures import Measure, Member
from yanglao.facilities.models import INSTITUTION_TYPES, Facility
from yanglao.supervision.models import Evaluation, Grading, Inspection, Rectification


def _open_institutions(end: dt.date):
    return Facility.objects.filter(type__in=INSTITUTION_TYPES).filter(
        (Q(opened_on__isnull=True) | Q(opened_on__lte=end))
        & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    )


def _signed_in(start, end):
    return Inspection.objects.filter(
        state=Inspection.State.SIGNED, signed_at__date__range=(start, end)
    )


def _per_region(facility_ids, end) -> dict[int, float]:
    rows = (
        _open_institutions(end)
        .filter(pk__in=facility_ids)
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["region_id"]: r["n"] for r in rows}


def _members(ids_of):
    def members(start, end, region_ids):
        for f in (
            _open_institutions(end)
            .filter(pk__in=ids_of(start, end), region_id__in=region_ids)
            .order_by("name")
        ):
            yield Member(
                f"facility:{f.pk}", f.name, f.region_id, f"/facilities/{f.pk}/"
            )

    return members


def _inspected(start, end):
    return set(_signed_in(start, end).values_list("facility_id", flat=True))


def _meeting_gb38600(start, end):
    """Institutions whose last signed inspection in the period failed no 重大 item."""
    last: dict[int, dict] = {}
    rows = _signed_in(start, end).order_by("facility_id", "signed_at", "pk")
    for facility_id, answers, items in rows.values_list(
        "facility_id", "answers", "checklist__items"
    ):
        major = {i["code"] for i in items if i["severity"] == "重大"}
        last[facility_id] = any(
            answers.get(c, {}).get("result") == "fail" for c in major
        )
    return {f for f, failed in last.items() if not failed}


def _graded(start, end):
    """Institutions holding a grade (一级 or above) valid at the period's end: 达到国家标准."""
    return set(
        Grading.objects.filter(
            state=Grading.State.DECIDED,
            level__gte=1,
            decided_at__date__lte=end,
            valid_until__gte=end,
        ).values_list("facility_id", flat=True)
    )


def _evaluated(start, end):
    return set(
        Evaluation.objects.filter(made_at__date__range=(start, end)).values_list(
            "facility_id", flat=True
        )
    )


def _institution_measure(code, name, ids_of):
    return Measure(
        code,
        name,
        "家",
        lambda start, end: _per_region(ids_of(start, end), end),
        _members(ids_of),
    )


def _rectifications(on_time: bool):
    def qs(start, end):
        due = Rectification.objects.filter(deadline__range=(start, end))
        return due.filter(submitted_at__date__lte=F("deadline")) if on_time else due

    def count(start, end):
        rows = qs(start, end).values("facility__region_id").annotate(n=Count("pk"))
        return {r["facility__region_id"]: r["n"] for r in rows.order_by()}

    def members(start, end, region_ids):
        for r in (
            qs(start, end)
            .filter(facility__region_id__in=region_ids)
            .select_related("facility")
            .order_by("deadline", "pk")
        ):
            yield Member(
                f"rectification:{r.pk}",
                f"{r.facility.name} {r.item_code}",
                r.facility.region_id,
                f"/supervision/rectifications/{r.pk}/",
                f"期限 {r.deadline:%Y-%m-%d}",
            )

    return count, members


MEASURES = (
    _institution_measure(
        "supervision.institutions_inspected", "本期接受监督检查的养老机构数", _inspected
    ),
    _institution_measure(
        "supervision.institutions_meeting_gb38600",
        "最近一次检查无重大不符合项的养老机构数（GB 38600-2019）",
        _meeting_gb38600,
    ),
    _institution_measure(
        "supervision.institutions_graded",
        "等级评定有效（一级及以上）的养老机构数",
        _graded,
    ),
    _institution_measure(
        "supervision.institutions_evaluated",
        "本期完成年度服务质量评价的养老机构数",
        _evaluated,
    ),
    Measure(
        "supervision.rectifications_due",
        "本期到期的整改单数",
        "件",
        *_rectifications(on_time=False),
    ),
    Measure(
        "supervision.rectifications_on_time",
        "本期到期且按期提交整改的整改单数",
        "件",
        *_rectifications(on_time=True),
    ),
)
