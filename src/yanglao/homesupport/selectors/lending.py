"""Reads of 康复辅具 lending. Scope: the lending point's region (the reader's subtree)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yanglao.core.errors import NotInScope
from yanglao.homesupport.models import (
    AidDevice,
    DeviceLog,
    LendingPoint,
    Loan,
    WaitingRequest,
)
from yanglao.regions.selectors import in_scope_q


def point_list(*, by) -> QuerySet[LendingPoint]:
    return (
        LendingPoint.objects.filter(in_scope_q(by, "region"))
        .select_related("region")
        .annotate(
            total=Count(
                "devices", filter=~Q(devices__state=AidDevice.State.WRITTEN_OFF)
            ),
            on_loan=Count("devices", filter=Q(devices__state=AidDevice.State.ON_LOAN)),
            cleaning=Count(
                "devices", filter=Q(devices__state=AidDevice.State.CLEANING)
            ),
            available=Count(
                "devices", filter=Q(devices__state=AidDevice.State.AVAILABLE)
            ),
        )
    )


def point_get(*, by, pk) -> LendingPoint:
    found = (
        LendingPoint.objects.filter(in_scope_q(by, "region"), pk=pk)
        .select_related("region")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


@dataclass
class DeviceFilter:
    q: str = ""
    kind: str = ""
    state: str = ""


def devices_of(
    point: LendingPoint, filters: DeviceFilter | None = None
) -> QuerySet[AidDevice]:
    f = filters or DeviceFilter()
    qs = point.devices.all()
    if f.q.strip():
        qs = qs.filter(serial__icontains=f.q.strip()[:40])
    if f.kind in AidDevice.Kind.values:
        qs = qs.filter(kind=f.kind)
    if f.state in AidDevice.State.values:
        qs = qs.filter(state=f.state)
    return qs.order_by("kind", "serial")


def device_get(*, by, pk) -> AidDevice:
    found = (
        AidDevice.objects.filter(in_scope_q(by, "point__region"), pk=pk)
        .select_related("point__region")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def device_log(device: AidDevice) -> QuerySet[DeviceLog]:
    return device.log.select_related("by").order_by("-at", "-pk")


def current_loan(device: AidDevice) -> Loan | None:
    return device.loans.filter(returned_on__isnull=True).select_related("elder").first()


def overdue_loans(point: LendingPoint) -> QuerySet[Loan]:
    return (
        Loan.objects.filter(
            device__point=point,
            returned_on__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("device", "elder")
        .order_by("due_on")
    )


def due_soon(point: LendingPoint, days: int = 7) -> QuerySet[Loan]:
    """Loans due within `days` (today included), not returned: whom to remind (到期提醒)."""
    today = timezone.localdate()
    return (
        Loan.objects.filter(
            device__point=point,
            returned_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("device", "elder")
        .order_by("due_on")
    )


def holdings_of(elder) -> list[Loan]:
    return list(
        Loan.objects.filter(elder=elder)
        .select_related("device__point")
        .order_by("-lent_on")[:10]
    )


def waiting_of(point: LendingPoint) -> list[WaitingRequest]:
    """The point's waiting list, first come first, with whether a device of the kind is free."""
    free = set(
        point.devices.filter(state=AidDevice.State.AVAILABLE).values_list(
            "kind", flat=True
        )
    )
    rows = list(
        point.waiting.filter(status=WaitingRequest.Status.WAITING)
        .select_related("elder")
        .order_by("requested_on", "pk")
    )
    for r in rows:
        r.free_now = r.kind in free
    return rows
