"""What can be counted over 康复辅具 lending (core.measures), as things stood at a period's end:
devices in service (acquired, not written off) and of them those on loan — the utilisation of
the lending points (issue 25 §6), by the point's region."""

from __future__ import annotations

from django.db.models import Count, Q

from yanglao.core.measures import Measure, Member
from yanglao.homesupport.models import AidDevice, DeviceLog, Loan


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
