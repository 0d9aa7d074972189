"""What can be counted over emergency calls (core.measures): alarms raised in a period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F
from django.utils import timezone

from yanglao.alarms.models import Alarm
from yanglao.core.measures import Measure

# 接警时效: acknowledged within 60 s (TEC Services Association, as alarms.selectors.sla_of)
IN_TIME = dt.timedelta(seconds=60)


def _alarms(start: dt.date, end: dt.date, in_time: bool = False) -> dict[int, float]:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Alarm.objects.filter(raised_at__gte=since, raised_at__lt=until)
    if in_time:
        qs = qs.filter(acknowledged_at__lte=F("raised_at") + IN_TIME)
    rows = qs.values("region").annotate(n=Count("pk")).order_by()
    return {r["region"]: r["n"] for r in rows}


MEASURES = (
    Measure("alarms.raised", "紧急呼叫告警数", "次", _alarms),
    Measure(
        "alarms.acknowledged_60s",
        "60秒内接警的告警数",
        "次",
        lambda start, end: _alarms(start, end, in_time=True),
    ),
)
