"""What can be counted over emergency calls (core.measures): alarms raised in a period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from yanglao.alarms.models import Alarm
from yanglao.core.measures import Measure


def _alarms(start: dt.date, end: dt.date) -> dict[int, float]:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        Alarm.objects.filter(raised_at__gte=since, raised_at__lt=until)
        .values("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["region"]: r["n"] for r in rows}


MEASURES = (Measure("alarms.raised", "紧急呼叫告警数", "次", _alarms),)
