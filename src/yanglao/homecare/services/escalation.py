"""Orders nobody accepts (issue 21 §7): after HOMECARE_UNACCEPTED_COMMUNITY_MINUTES a follow-up
(超时未受理) is opened for the community of the person, once per order, by the clock process
(`yanglao alarm-clock`). The provider is shown its late orders on its own list before that
(homecare.selectors.unaccepted, HOMECARE_UNACCEPTED_PROVIDER_MINUTES)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yanglao.homecare import rules
from yanglao.homecare.models import Concern, Order


def escalate_unaccepted(*, now: dt.datetime | None = None) -> int:
    """Open a 超时未受理 follow-up for every order still 待受理 past the community's limit and
    without one yet. Returns how many were opened."""
    now = now or timezone.now()
    limit = dt.timedelta(minutes=settings.HOMECARE_UNACCEPTED_COMMUNITY_MINUTES)
    late = (
        Order.objects.filter(state=rules.OrderState.NEW, placed_at__lt=now - limit)
        .exclude(concerns__kind=Concern.Kind.UNACCEPTED)
        .select_related("provider", "item")
    )
    opened = 0
    with transaction.atomic():
        for order in late.select_for_update(of=("self",), skip_locked=True)[:500]:
            hours = int((now - order.placed_at).total_seconds() // 3600)
            Concern.objects.create(
                order=order,
                region_id=order.region_id,
                kind=Concern.Kind.UNACCEPTED,
                text=f"{order.item.name}工单已 {hours} 小时未受理（{order.provider.name}），请联系服务商或改派",
                opened_by=None,
            )
            opened += 1
    return opened
