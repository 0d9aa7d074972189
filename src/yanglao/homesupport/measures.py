"""What can be counted over 家庭支持 (core.measures): 康复辅具 devices in service and on loan at a
period's end (the lending points' utilisation), households whose 适老化改造 passed acceptance
(cumulative since 2021, and in a period), respite days used, and 人次 of carers trained
(issue 25 §6)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from yanglao.core.measures import Measure, Member
from yanglao.facilities.models import StaffRole, Training
from yanglao.homesupport.models import (
    AidDevice,
    Attendance,
    DeviceLog,
    Loan,
    ModificationProject,
    RespiteStay,
)
from yanglao.homesupport.selectors.modifications import CUMULATIVE_FROM_YEAR


def _in_service_q(end) -> Q:
    written_off = DeviceLog.objects.filter(
        action=DeviceLog.Action.WRITE_OFF, at__date__lte=end
    ).values("device_id")
    return Q(acquired_on__lte=end) & ~Q(pk__in=written_off)


def _on_loan_q(end) -> Q:
    lent = Loan.objects.filter(lent_on__lte=end).filter(
        Q(returned_on__isnull=True) | Q(returned_on__gt=end)
    )
    return Q(pk__in=lent.values("device_id"))


def _devices(on_loan: bool):
    def q_of(end):
        return _in_service_q(end) & (_on_loan_q(end) if on_loan else Q())

    def count(start, end):
        rows = (
            AidDevice.objects.filter(q_of(end))
            .values("point__region_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {r["point__region_id"]: r["n"] for r in rows}

    def members(start, end, region_ids):
        for d in (
            AidDevice.objects.filter(q_of(end), point__region_id__in=region_ids)
            .select_related("point")
            .order_by("point_id", "serial")
        ):
            yield Member(
                f"aid:{d.pk}",
                str(d),
                d.point.region_id,
                f"/homesupport/aids/devices/{d.pk}/",
                d.point.name,
            )

    return count, members


MEASURES = [
    Measure(
        "homesupport.aids_in_service",
        "在册康复辅具数（未报废）",
        "件",
        *_devices(on_loan=False),
    ),
    Measure(
        "homesupport.aids_on_loan",
        "其中借出中的康复辅具数",
        "件",
        *_devices(on_loan=True),
    ),
]


# --- 居家适老化改造, 喘息服务, 家庭照护者培训 (issue 25 §6) -------------------------------------


def _accepted_between(start_of):
    """Households whose modification passed acceptance between start_of(start) and the end,
    by the project's region."""

    def rows(start, end):
        return ModificationProject.objects.filter(
            state=ModificationProject.State.ACCEPTED,
            accepted_on__gte=start_of(start),
            accepted_on__lte=end,
        )

    def count(start, end):
        found = rows(start, end).values("region_id").annotate(n=Count("pk")).order_by()
        return {r["region_id"]: r["n"] for r in found}

    def members(start, end, region_ids):
        for p in (
            rows(start, end)
            .filter(region_id__in=region_ids)
            .select_related("elder")
            .order_by("accepted_on", "pk")
        ):
            yield Member(
                f"modification:{p.pk}",
                f"{p.elder.name} {p.number}",
                p.region_id,
                f"/homesupport/modifications/{p.pk}/",
                f"{p.accepted_on:%Y-%m-%d} 验收",
            )

    return count, members


def _since_2021(start):
    return dt.date(CUMULATIVE_FROM_YEAR, 1, 1)


def _respite_days(start, end):
    rows = (
        RespiteStay.objects.filter(
            state=RespiteStay.State.ENDED, ended_on__gte=start, ended_on__lte=end
        )
        .values("region_id")
        .annotate(n=Sum("days"))
        .order_by()
    )
    return {r["region_id"]: r["n"] for r in rows}


def _respite_members(start, end, region_ids):
    for s in (
        RespiteStay.objects.filter(
            state=RespiteStay.State.ENDED,
            ended_on__gte=start,
            ended_on__lte=end,
            region_id__in=region_ids,
        )
        .select_related("elder", "facility")
        .order_by("ended_on", "pk")
    ):
        yield Member(
            f"respite:{s.pk}",
            f"{s.elder.name} {s.days} 天",
            s.region_id,
            f"/homesupport/respite/{s.pk}/",
            s.facility.name,
        )


def _trained(start, end):
    """人次 trained since 2021 (JDZ-26 培训养老护理员和家庭照护者4000人次, over the 十四五 plan):
    family carers who attended a session, by the course's region, plus carers' (养老护理员)
    trainings completed, by their employer's region."""
    start = dt.date(CUMULATIVE_FROM_YEAR, 1, 1)
    out: dict[int, int] = {}
    family = (
        Attendance.objects.filter(
            attended=True, session__held_on__gte=start, session__held_on__lte=end
        )
        .values("session__course__region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in family:
        key = r["session__course__region_id"]
        out[key] = out.get(key, 0) + r["n"]
    staff = (
        Training.objects.filter(
            completed_on__gte=start,
            completed_on__lte=end,
            staff__role=StaffRole.CARER,
        )
        .annotate(
            region=Coalesce("staff__facility__region_id", "staff__provider__region_id")
        )
        .values("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in staff:
        out[r["region"]] = out.get(r["region"], 0) + r["n"]
    return out


def _trained_members(start, end, region_ids):
    start = dt.date(CUMULATIVE_FROM_YEAR, 1, 1)
    for a in (
        Attendance.objects.filter(
            attended=True,
            session__held_on__gte=start,
            session__held_on__lte=end,
            session__course__region_id__in=region_ids,
        )
        .select_related("session__course", "elder")
        .order_by("session__held_on", "pk")
    ):
        yield Member(
            f"carer-training:{a.pk}",
            f"{a.carer_name}（{a.elder.name}的{a.relation}）",
            a.session.course.region_id,
            f"/homesupport/training/sessions/{a.session_id}/",
            a.session.course.title,
        )


MEASURES += [
    Measure(
        "homesupport.modifications_cumulative",
        "2021年以来通过验收的居家适老化改造户数",
        "户",
        *_accepted_between(_since_2021),
    ),
    Measure(
        "homesupport.modifications_in_period",
        "本期通过验收的居家适老化改造户数",
        "户",
        *_accepted_between(lambda start: start),
    ),
    Measure(
        "homesupport.respite_days",
        "本期结束的喘息服务天数",
        "天",
        _respite_days,
        _respite_members,
    ),
    Measure(
        "homesupport.carers_trained",
        "2021年以来培训养老护理员和家庭照护者人次",
        "人次",
        _trained,
        _trained_members,
    ),
]
