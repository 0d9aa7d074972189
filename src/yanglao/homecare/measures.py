"""What can be counted over home services (core.measures): orders served (checked out) in a
period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from yanglao.core.measures import Measure
from yanglao.homecare.models import Order


def _served(start: dt.date, end: dt.date) -> dict[int, float]:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        Order.objects.filter(checkout_at__gte=since, checkout_at__lt=until)
        .values("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["region"]: r["n"] for r in rows}


MEASURES = (Measure("homecare.served", "居家上门服务完成单数", "单", _served),)
