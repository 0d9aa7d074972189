"""Every read of the alarms app, scoped to the acting user's area (404 outside it)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yanglao.alarms import rules
from yanglao.alarms.models import (
    OPEN_STATUSES,
    Alarm,
    AlarmEvent,
    AlarmStatus,
    Binding,
    Device,
    Notification,
    OperatorPresence,
    Quarantine,
    Reading,
    Threshold,
)
from yanglao.alarms.telemetry import Metric
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.elders.selectors import search_q
from yanglao.regions.selectors import in_region_code_q, in_scope_q


@dataclass
class AlarmFilter:
    q: str = ""
    kind: str = ""
    severity: str = ""
    status: str = ""  # one status, or "open"
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    escalated: bool = False


def alarm_list(*, by, filters: AlarmFilter | None = None) -> QuerySet[Alarm]:
    f = filters or AlarmFilter()
    qs = Alarm.objects.filter(in_scope_q(by, "region"))
    if f.q:
        qs = qs.filter(
            Q(elder__in=_elders_matching(f.q))
            | Q(facility__name__icontains=f.q.strip())
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "region"))
    if f.date_from:
        qs = qs.filter(raised_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(raised_at__date__lte=f.date_to)
    if f.escalated:
        qs = qs.filter(escalated_at__isnull=False)
    return qs.select_related(
        "elder", "facility", "region", "device", "acknowledged_by"
    ).order_by("-raised_at")


def _elders_matching(text: str):
    from yanglao.elders.models import Elder

    return Elder.objects.filter(search_q(text)).values("pk")


QUEUE_SIZE = 500


def open_alarms(*, by) -> list[Alarm]:
    """The console's queue: new first (most severe first, then longest waiting), then the ones in
    hand. When more are open than the queue holds, it keeps the newest — an alarm just raised is
    never the one left out (issue 21: the oldest 500 were kept)."""
    alarms = list(
        Alarm.objects.filter(in_scope_q(by, "region"), status__in=OPEN_STATUSES)
        .select_related("elder", "facility", "region", "acknowledged_by")
        .order_by("-raised_at")[:QUEUE_SIZE]
    )
    order = {
        AlarmStatus.NEW: 0,
        AlarmStatus.ACKNOWLEDGED: 1,
        AlarmStatus.IN_PROGRESS: 2,
    }
    alarms.sort(
        key=lambda a: (order[a.status], -rules.SEVERITY_RANK[a.severity], a.raised_at)
    )
    return alarms


def alarm_get(*, by, pk: int) -> Alarm:
    alarm = (
        Alarm.objects.select_related(
            "elder",
            "elder__residence_region",
            "facility",
            "region",
            "device",
            "acknowledged_by",
            "resolved_by",
        )
        .filter(pk=pk)
        .first()
    )
    if alarm is None or not region_path_allowed(by, alarm.region.path):
        raise NotInScope(pk)
    return alarm


def alarm_events(alarm: Alarm) -> QuerySet[AlarmEvent]:
    return alarm.events.select_related("by").order_by("id")


def event_ids_above(after_id: int, limit: int = 1000) -> list[int]:
    """The push stream: ids of the committed events above `after_id`, of every area (only ids:
    the stream needs them all to know which are still missing, core.push.Horizon)."""
    return list(
        AlarmEvent.objects.filter(id__gt=after_id)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def events_by_ids(*, by, ids: list[int]) -> list[AlarmEvent]:
    """The push stream: these events, those in the user's area, in id order."""
    if not ids:
        return []
    return list(
        AlarmEvent.objects.filter(in_scope_q(by, "alarm__region"), id__in=ids)
        .select_related(
            "alarm", "alarm__elder", "alarm__facility", "alarm__region", "by"
        )
        .order_by("id")
    )


def last_event_id() -> int:
    last = AlarmEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def facility_recent_alarms(
    facility_id: int, *, exclude: int | None = None, limit: int = 8
):
    qs = Alarm.objects.filter(facility_id=facility_id).order_by("-raised_at")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs[:limit])


def elder_recent_alarms(elder_id: int, *, exclude: int | None = None, limit: int = 8):
    qs = Alarm.objects.filter(elder_id=elder_id).order_by("-raised_at")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs[:limit])


def latest_vitals(elder_id: int) -> dict[int, tuple]:
    """The most recent reading of each vital from the person's bound devices: metric → (value,
    value2, ts_ms)."""
    out: dict[int, tuple] = {}
    device_ids = list(
        Device.objects.filter(elder_id=elder_id).values_list("id", flat=True)
    )
    for metric in (
        Metric.HEART_RATE,
        Metric.BLOOD_PRESSURE,
        Metric.SPO2,
        Metric.BATTERY,
        Metric.LOCATION,
    ):
        row = (
            Reading.objects.filter(device_id__in=device_ids, metric=metric)
            .order_by("-ts_ms")
            .values_list("value", "value2", "ts_ms")
            .first()
        )
        if row:
            out[int(metric)] = row
    return out


def vitals_series(
    elder_id: int, *, hours: int = 24, now_ms: int | None = None
) -> dict[int, list]:
    """Heart rate, blood pressure and SpO₂ over the last `hours`, for the charts."""
    import time

    now = now_ms or int(time.time() * 1000)
    device_ids = list(
        Device.objects.filter(elder_id=elder_id).values_list("id", flat=True)
    )
    series: dict[int, list] = {}
    rows = (
        Reading.objects.filter(
            device_id__in=device_ids,
            metric__in=[Metric.HEART_RATE, Metric.BLOOD_PRESSURE, Metric.SPO2],
            ts_ms__gte=now - hours * 3_600_000,
        )
        .order_by("ts_ms")
        .values_list("metric", "ts_ms", "value", "value2")[:5000]
    )
    for metric, ts, value, value2 in rows:
        series.setdefault(metric, []).append((ts, value, value2))
    return series


def thresholds_of(elder_id: int) -> tuple[rules.Thresholds, Threshold | None]:
    row = Threshold.objects.filter(elder_id=elder_id).select_related("set_by").first()
    return rules.thresholds_from(row.values if row else None), row


def notifications_of(alarm: Alarm) -> QuerySet[Notification]:
    return alarm.notifications.order_by("id")


# --- devices --------------------------------------------------------------------------------------


@dataclass
class DeviceFilter:
    q: str = ""  # serial, or the person's name / identity number
    type: str = ""
    region: str = ""
    bound: str = ""  # "yes" / "no"
    state: str = ""  # "online" / "offline" / "low_battery" / "never"


def device_list(
    *, by, filters: DeviceFilter | None = None, now_ms: int | None = None
) -> QuerySet[Device]:
    import time

    f = filters or DeviceFilter()
    now = now_ms or int(time.time() * 1000)
    qs = Device.objects.filter(in_scope_q(by, "region"))
    if f.q:
        text = f.q.strip()
        qs = qs.filter(
            Q(serial__istartswith=text)
            | Q(elder__in=_elders_matching(text))
            | Q(facility__name__icontains=text)
        )
    if f.type:
        qs = qs.filter(type=f.type)
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "region"))
    if f.bound == "yes":
        qs = qs.filter(elder__isnull=False)
    elif f.bound == "facility":
        qs = qs.filter(facility__isnull=False)
    elif f.bound == "no":
        qs = qs.filter(elder__isnull=True, facility__isnull=True)
    cutoff = now - rules.DEFAULTS.offline_minutes * 60_000
    if f.state == "online":
        qs = qs.filter(last_seen_ms__gte=cutoff)
    elif f.state == "offline":
        qs = qs.filter(last_seen_ms__lt=cutoff)
    elif f.state == "never":
        qs = qs.filter(last_seen_ms__isnull=True)
    elif f.state == "low_battery":
        qs = qs.filter(battery__lt=rules.DEFAULTS.battery_low)
    return qs.select_related("elder", "facility", "region", "gateway").order_by(
        "serial"
    )


def device_get(*, by, pk: int) -> Device:
    device = (
        Device.objects.select_related("elder", "facility", "region", "gateway")
        .filter(pk=pk)
        .first()
    )
    if device is None or not region_path_allowed(by, device.region.path):
        raise NotInScope(pk)
    return device


def device_bindings(device: Device) -> QuerySet[Binding]:
    return device.bindings.select_related("elder", "facility", "bound_by", "unbound_by")


def device_readings(device: Device, *, limit: int = 50) -> list[Reading]:
    return list(
        Reading.objects.filter(device=device).order_by("-ts_ms", "metric")[:limit]
    )


def device_counts(*, by, now_ms: int | None = None) -> dict:
    import time

    now = now_ms or int(time.time() * 1000)
    qs = Device.objects.filter(in_scope_q(by, "region"), active=True)
    cutoff = now - rules.DEFAULTS.offline_minutes * 60_000
    return qs.aggregate(
        total=Count("id"),
        bound=Count("id", filter=Q(elder__isnull=False) | Q(facility__isnull=False)),
        online=Count("id", filter=Q(last_seen_ms__gte=cutoff)),
        low_battery=Count("id", filter=Q(battery__lt=rules.DEFAULTS.battery_low)),
    )


def devices_of_elder(elder_id: int) -> list[Device]:
    return list(Device.objects.filter(elder_id=elder_id).order_by("type"))


def devices_of_facility(facility_id: int) -> list[Device]:
    return list(
        Device.objects.filter(facility_id=facility_id, active=True).order_by(
            "type", "serial"
        )
    )


@dataclass(frozen=True)
class DetectorStatus:
    """One fire detector of an institution as the supervisor sees it (issue 23 §10)."""

    device: Device
    online: bool
    battery_low: bool
    open_alarm: Alarm | None

    @property
    def state(self) -> str:
        if self.open_alarm is not None:
            return f"报警中：{self.open_alarm.get_kind_display()}"
        if self.device.last_seen_ms is None:
            return "从未通信"
        if not self.online:
            return "离线"
        if self.battery_low:
            return "电量低"
        return "正常"

    @property
    def ok(self) -> bool:
        return self.state == "正常"


def facility_detectors(
    facility_id: int, *, now_ms: int | None = None
) -> list[DetectorStatus]:
    """The institution's smoke and gas detectors with their state: in alarm, never heard, offline
    (default limit), low battery, or normal."""
    import time

    now = now_ms or int(time.time() * 1000)
    devices = devices_of_facility(facility_id)
    if not devices:
        return []
    open_by_device = {
        a.device_id: a
        for a in Alarm.objects.filter(
            facility_id=facility_id, status__in=OPEN_STATUSES
        ).order_by("raised_at")
    }
    return [
        DetectorStatus(
            device=d,
            online=d.is_online(now, rules.DEFAULTS.offline_minutes),
            battery_low=d.battery is not None
            and d.battery < rules.DEFAULTS.battery_low,
            open_alarm=open_by_device.get(d.pk),
        )
        for d in devices
    ]


def quarantine_list(*, by, q: str = "") -> QuerySet[Quarantine]:
    """Refused messages are not tied to a region (many come from unknown devices): bureau-wide
    staff (admin, city) see them all; others see those of their area's devices."""
    qs = Quarantine.objects.all()
    if not sees_everything(by):
        serials = Device.objects.filter(in_scope_q(by, "region")).values("serial")
        qs = qs.filter(serial__in=serials)
    if q:
        qs = qs.filter(
            Q(serial__istartswith=q.strip()) | Q(reason__icontains=q.strip())
        )
    return qs.order_by("-received_at")


def notification_list(*, by) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(in_scope_q(by, "alarm__region"))
        .select_related("alarm", "alarm__elder", "alarm__facility")
        .order_by("-id")
    )


# --- SLA and reports ------------------------------------------------------------------------------


@dataclass
class Sla:
    """接警时效 for a set of alarms (TEC Services Association: 97.5% ≤ 60 s, 99% ≤ 180 s)."""

    total: int
    acknowledged: int
    within_60: float | None
    within_180: float | None
    median_ack_s: float | None
    median_resolve_s: float | None
    escalated: int
    open: int


def sla_of(rows: list[tuple]) -> Sla:
    """rows: (raised_at, acknowledged_at, resolved_at, escalated_at, status)."""
    acks = [(a - r).total_seconds() for r, a, _, _, _ in rows if a]
    resolves = [(z - r).total_seconds() for r, _, z, _, _ in rows if z]
    total = len(rows)
    return Sla(
        total=total,
        acknowledged=len(acks),
        within_60=(sum(s <= 60 for s in acks) / total) if total else None,
        within_180=(sum(s <= 180 for s in acks) / total) if total else None,
        median_ack_s=statistics.median(acks) if acks else None,
        median_resolve_s=statistics.median(resolves) if resolves else None,
        escalated=sum(1 for *_, e, _ in rows if e),
        open=sum(1 for *_, s in rows if s in OPEN_STATUSES),
    )


def _sla_rows(qs) -> list[tuple]:
    return list(
        qs.values_list(
            "raised_at", "acknowledged_at", "resolved_at", "escalated_at", "status"
        )
    )


def sla_by_region(
    *, by, start: dt.datetime, end: dt.datetime
) -> tuple[Sla, list[tuple[str, Sla]]]:
    """SLA over [start, end) for the user's area, and per county (or per the next level down)."""
    qs = Alarm.objects.filter(
        in_scope_q(by, "region"), raised_at__gte=start, raised_at__lt=end
    )
    rows = list(
        qs.values_list(
            "raised_at",
            "acknowledged_at",
            "resolved_at",
            "escalated_at",
            "status",
            "region__path",
        )
    )
    overall = sla_of([r[:5] for r in rows])
    own = (
        getattr(getattr(by, "region", None), "path", "")
        if not sees_everything(by)
        else ""
    )
    depth = own.count("/") + 1 if own else 2
    groups: dict[str, list] = {}
    for r in rows:
        key = "/".join(r[5].split("/")[:depth]) + "/"
        groups.setdefault(key, []).append(r[:5])
    from yanglao.regions.models import Region

    names = dict(Region.objects.filter(path__in=groups).values_list("path", "name"))
    per = sorted(
        ((names.get(k, k), sla_of(v)) for k, v in groups.items()), key=lambda x: x[0]
    )
    return overall, per


def today_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.localtime(now)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def month_window(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = dt.datetime(
        month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz
    )
    return start, nxt


def month_report(*, by, month: dt.date) -> dict:
    """月度报告: counts by kind, severity, outcome and region; SLA; daily counts."""
    start, end = month_window(month)
    qs = Alarm.objects.filter(
        in_scope_q(by, "region"), raised_at__gte=start, raised_at__lt=end
    )
    by_kind = list(qs.values("kind").annotate(n=Count("id")).order_by("-n"))
    by_outcome = list(
        qs.exclude(outcome="").values("outcome").annotate(n=Count("id")).order_by("-n")
    )
    by_severity = list(qs.values("severity").annotate(n=Count("id")).order_by("-n"))
    daily: dict[dt.date, int] = {}
    for raised in qs.values_list("raised_at", flat=True):
        day = timezone.localtime(raised).date()
        daily[day] = daily.get(day, 0) + 1
    overall, per_region = sla_by_region(by=by, start=start, end=end)
    return {
        "by_kind": by_kind,
        "by_outcome": by_outcome,
        "by_severity": by_severity,
        "daily": sorted(daily.items()),
        "sla": overall,
        "per_region": per_region,
    }


def operators_on_duty(*, by) -> list[OperatorPresence]:
    cutoff = timezone.now() - dt.timedelta(minutes=2)
    scope = in_scope_q(by, "user__region")
    if scope:  # an empty Q (the whole city) OR-ed with another keeps only the other
        scope |= Q(user__region__isnull=True)
    return list(
        OperatorPresence.objects.filter(scope, last_seen_at__gte=cutoff)
        .select_related("user", "user__region")
        .order_by("since")
    )


def person_alarms(*, by, elder) -> QuerySet[Alarm]:
    """A person's alarms under the viewer's area (the person's page, 一人一档)."""
    return Alarm.objects.filter(in_scope_q(by, "region"), elder=elder).order_by(
        "-raised_at"
    )


def person_devices(*, by, elder) -> list[Device]:
    return list(
        Device.objects.filter(in_scope_q(by, "region"), elder=elder).order_by("type")
    )


def detector_annotations(*, now_ms: int | None = None) -> dict:
    """Annotations for a queryset of institutions: how many fire detectors each has in use
    (`detector_count`) and how many need attention (`detector_faulty`: never heard, offline beyond
    the default limit, low battery, or with an open alarm) — the same states as
    `facility_detectors`, counted in the database for a list of institutions."""
    import time

    from django.db.models import Exists, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    now = now_ms or int(time.time() * 1000)
    cutoff = now - rules.DEFAULTS.offline_minutes * 60_000
    in_use = Device.objects.filter(facility=OuterRef("pk"), active=True)
    open_alarm = Alarm.objects.filter(
        device=OuterRef("pk"), facility__isnull=False, status__in=OPEN_STATUSES
    )
    faulty = in_use.filter(
        Q(last_seen_ms__isnull=True)
        | Q(last_seen_ms__lt=cutoff)
        | Q(battery__lt=rules.DEFAULTS.battery_low)
        | Exists(open_alarm)
    )

    def counted(qs):
        return Coalesce(
            Subquery(
                qs.values("facility").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return {"detector_count": counted(in_use), "detector_faulty": counted(faulty)}


def facility_alarms_answered(
    facility_id: int, start: dt.date, end: dt.date
) -> tuple[int, int]:
    """(alarms about the institution raised in [start, end], those acknowledged within 60 s —
    接警时效 as `sla_of` and the alarm indicators count it): the yearly evaluation's
    紧急呼叫及时响应率 for an institution (its fire detectors' alarms)."""
    from django.db.models import F

    raised = Alarm.objects.filter(
        facility_id=facility_id, raised_at__date__range=(start, end)
    )
    in_time = raised.filter(
        acknowledged_at__lte=F("raised_at") + dt.timedelta(seconds=60)
    )
    return raised.count(), in_time.count()
