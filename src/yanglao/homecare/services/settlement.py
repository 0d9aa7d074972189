"""月度结算: a provider's month of orders signed out, confirmed and undisputed, and its approval
by the bureau."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import Provider
from yanglao.homecare import rules
from yanglao.homecare.models import (
    Order,
    Settlement,
)
from yanglao.homecare.selectors import (
    month_of,
    provider_of,
)
from yanglao.homecare.services.providers import _ensure_manager
from yanglao.homecare.services.shared import _refuse

# --- settlement -----------------------------------------------------------------------------------------


def settlement_build(
    *, by, provider: Provider, month: dt.date, now: dt.datetime | None = None
) -> Settlement:
    """月度结算: the provider's orders completed (signed out) within `month` and before now,
    confirmed by the older person's side, and not disputed — an order with 异常 flags at
    check-out or a low rating with a complaint is disputed until staff resolve it (issue 20,
    finding 6). A draft is rebuilt in place; an approved one is final."""
    mine = provider_of(by)
    if not (permissions.may_manage_services(by) or (mine and mine.pk == provider.pk)):
        raise NotInScope(provider.pk)
    month = month_of(month)
    nxt = (month + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    now = now or timezone.now()
    lo, hi = (
        dt.datetime.combine(month, dt.time(), tz),
        min(dt.datetime.combine(nxt, dt.time(), tz), now),
    )
    with transaction.atomic():
        settlement = (
            Settlement.objects.select_for_update()
            .filter(provider=provider, month=month)
            .first()
        )
        if settlement is not None and settlement.status == Settlement.Status.APPROVED:
            _refuse("month", f"{month:%Y年%m月}的结算已审核，不能重新生成")
        if settlement is None:
            settlement = Settlement.objects.create(
                provider=provider, month=month, built_at=now, built_by=by
            )
        base = Order.objects.filter(
            provider=provider,
            checkout_at__gte=lo,
            checkout_at__lt=hi,
            state__in=rules.DONE_STATES,
            confirmed_at__isnull=False,
        )
        Order.objects.filter(settlement=settlement).update(settlement=None)
        eligible = base.filter(disputed=False, settlement__isnull=True)
        eligible.update(settlement=settlement)
        totals = Order.objects.filter(settlement=settlement).aggregate(
            amount=Sum("amount_fen"),
            voucher=Sum("voucher_fen"),
            family=Sum("family_fen"),
            own=Sum("self_fen"),
            minutes=Sum("minutes"),
        )
        settlement.orders_count = Order.objects.filter(settlement=settlement).count()
        settlement.amount_fen = totals["amount"] or 0
        settlement.voucher_fen = totals["voucher"] or 0
        settlement.family_fen = totals["family"] or 0
        settlement.self_fen = totals["own"] or 0
        settlement.minutes = totals["minutes"] or 0
        settlement.excluded_disputed = base.filter(disputed=True).count()
        settlement.built_at, settlement.built_by = now, by
        settlement.save()
        audit(
            by=by,
            action="event",
            obj=settlement,
            summary=f"{provider.name} {month:%Y年%m月}结算：{settlement.orders_count} 单",
        )
    return settlement


def settlement_approve(*, by, settlement: Settlement) -> Settlement:
    _ensure_manager(by)
    if not region_path_allowed(by, settlement.provider.region.path):
        raise NotInScope(settlement.pk)
    if settlement.status == Settlement.Status.APPROVED:
        _refuse("__all__", "该结算已审核")
    settlement.status = Settlement.Status.APPROVED
    settlement.approved_at, settlement.approved_by = timezone.now(), by
    settlement.save(update_fields=["status", "approved_at", "approved_by"])
    audit(by=by, action="update", obj=settlement, summary="审核通过")
    return settlement
