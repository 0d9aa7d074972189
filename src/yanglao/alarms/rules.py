"""Alarm rules (报警规则): which readings raise an alarm, of what kind and severity. Pure: no
Django import; the ingest path and the timer (alarm clock) call these.

Defaults follow common clinical alert limits used by telecare services; a clinician may set any
threshold per person (Threshold), which then wins over the default (docs/alarms.md "报警规则").
Rules that need the reading before (two abnormal heart rates in a row, crossing into low battery,
leaving the safe area) are given that previous reading of the same metric, so no rule keeps state
of its own that a crash could lose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from yanglao.alarms.telemetry import Metric
from yanglao.core.geo import distance_m

URGENT, IMPORTANT, NORMAL = "urgent", "important", "normal"
SEVERITY_NAMES = {URGENT: "紧急", IMPORTANT: "重要", NORMAL: "一般"}
SEVERITY_RANK = {URGENT: 3, IMPORTANT: 2, NORMAL: 1}

# kind → (name, severity)
KINDS = {
    "sos": ("一键呼叫", URGENT),
    "fall": ("跌倒报警", URGENT),
    "smoke": ("烟雾报警", URGENT),
    "gas": ("燃气泄漏", URGENT),
    "heart_rate": ("心率异常", IMPORTANT),
    "blood_pressure": ("血压过高", IMPORTANT),
    "spo2": ("血氧过低", IMPORTANT),
    "geofence": ("离开安全区域", IMPORTANT),
    "no_activity": ("长时间无活动", IMPORTANT),
    "offline": ("设备离线", NORMAL),
    "low_battery": ("电量低", NORMAL),
}
# A fall or an abnormal vital sign of a person proposes a referral (拟转诊) when an operator takes
# the alarm; a person confirms it before it is sent (issue 24).
REFERRAL_KINDS = frozenset({"fall", "heart_rate", "blood_pressure", "spo2"})
EVENT_KINDS = {
    Metric.SOS: "sos",
    Metric.FALL: "fall",
    Metric.SMOKE: "smoke",
    Metric.GAS: "gas",
}


@dataclass(frozen=True)
class Thresholds:
    """Limits for one person. A reading beyond a limit is abnormal."""

    hr_low: int = 40
    hr_high: int = 130
    hr_consecutive: int = 2
    systolic_high: int = 180
    diastolic_high: int = 110
    spo2_low: int = 90
    battery_low: int = 15
    offline_minutes: int = 30
    no_activity_hours: int = 12
    geofence_lat: float | None = None
    geofence_lng: float | None = None
    geofence_radius_m: int | None = None

    @property
    def has_geofence(self) -> bool:
        return None not in (
            self.geofence_lat,
            self.geofence_lng,
            self.geofence_radius_m,
        )


DEFAULTS = Thresholds()
THRESHOLD_LABELS = {
    "hr_low": "心率下限（次/分）",
    "hr_high": "心率上限（次/分）",
    "hr_consecutive": "心率连续异常次数",
    "systolic_high": "收缩压上限（mmHg）",
    "diastolic_high": "舒张压上限（mmHg）",
    "spo2_low": "血氧下限（%）",
    "battery_low": "低电量（%）",
    "offline_minutes": "离线报警（分钟）",
    "no_activity_hours": "无活动报警（小时）",
    "geofence_lat": "安全区域中心纬度",
    "geofence_lng": "安全区域中心经度",
    "geofence_radius_m": "安全区域半径（米）",
}
_BOUNDS = {
    "hr_low": (25, 80),
    "hr_high": (90, 220),
    "hr_consecutive": (1, 10),
    "systolic_high": (120, 260),
    "diastolic_high": (70, 160),
    "spo2_low": (70, 97),
    "battery_low": (1, 50),
    "offline_minutes": (5, 7 * 24 * 60),
    "no_activity_hours": (1, 72),
    "geofence_lat": (-90, 90),
    "geofence_lng": (-180, 180),
    "geofence_radius_m": (50, 50_000),
}


def check_thresholds(values: dict) -> dict[str, str]:
    """Errors by field (Chinese) for a person's overrides; empty when they can be saved."""
    errors: dict[str, str] = {}
    names = {f.name for f in fields(Thresholds)}
    for key, value in values.items():
        if key not in names:
            errors[key] = "未知的阈值项"
            continue
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors[key] = "应为数值"
            continue
        low, high = _BOUNDS[key]
        if not low <= value <= high:
            errors[key] = f"应在 {low}–{high} 之间"
    merged = {**asdict(DEFAULTS), **{k: v for k, v in values.items() if k in names}}
    if not errors and merged["hr_low"] >= merged["hr_high"]:
        errors["hr_low"] = "心率下限应低于上限"
    geo = [merged["geofence_lat"], merged["geofence_lng"], merged["geofence_radius_m"]]
    if not errors and any(v is not None for v in geo) and None in geo:
        errors["geofence_radius_m"] = "安全区域需同时填写中心纬度、经度和半径"
    return errors


def thresholds_from(overrides: dict | None) -> Thresholds:
    if not overrides:
        return DEFAULTS
    names = {f.name for f in fields(Thresholds)}
    return replace(
        DEFAULTS, **{k: v for k, v in overrides.items() if k in names and v is not None}
    )


@dataclass(frozen=True, slots=True)
class Trigger:
    """A reading that raises (or repeats) an alarm of one kind."""

    kind: str
    severity: str
    ts_ms: int
    msg_id: str
    text: str


def trigger(kind: str, ts_ms: int, msg_id: str, text: str) -> Trigger:
    return Trigger(kind, KINDS[kind][1], ts_ms, msg_id, text)


def abnormal(metric: int, value: float, value2: float | None, thr: Thresholds) -> bool:
    """Whether one reading is beyond the person's limits (the cheap test run on every reading)."""
    if metric == Metric.HEART_RATE:
        return value < thr.hr_low or value > thr.hr_high
    if metric == Metric.BLOOD_PRESSURE:
        return value >= thr.systolic_high or (value2 or 0) >= thr.diastolic_high
    if metric == Metric.SPO2:
        return value < thr.spo2_low
    if metric == Metric.BATTERY:
        return value < thr.battery_low
    if metric == Metric.LOCATION:
        return thr.has_geofence and outside_fence(value, value2, thr)
    return metric in EVENT_KINDS


def outside_fence(lat: float, lng: float | None, thr: Thresholds) -> bool:
    return (
        distance_m((lat, lng or 0.0), (thr.geofence_lat, thr.geofence_lng))
        > thr.geofence_radius_m
    )


def evaluate(
    metric: int,
    value: float,
    value2: float | None,
    *,
    ts_ms: int,
    msg_id: str,
    thr: Thresholds,
    previous_abnormal: int = 0,
) -> Trigger | None:
    """The alarm one abnormal reading raises, given how many readings of the same metric just
    before it (in device time) were abnormal too; None when it raises nothing (yet)."""
    if not abnormal(metric, value, value2, thr):
        return None
    if metric in EVENT_KINDS:
        kind = EVENT_KINDS[metric]
        return trigger(kind, ts_ms, msg_id, KINDS[kind][0])
    if metric == Metric.HEART_RATE:
        run = previous_abnormal + 1
        if run < thr.hr_consecutive:
            return None
        return trigger(
            "heart_rate",
            ts_ms,
            msg_id,
            f"心率 {value:.0f} 次/分（连续 {run} 次超出 {thr.hr_low}–{thr.hr_high}）",
        )
    if metric == Metric.BLOOD_PRESSURE:
        return trigger(
            "blood_pressure",
            ts_ms,
            msg_id,
            f"血压 {value:.0f}/{value2:.0f} mmHg（上限 {thr.systolic_high}/{thr.diastolic_high}）",
        )
    if metric == Metric.SPO2:
        return trigger(
            "spo2", ts_ms, msg_id, f"血氧 {value:.0f}%（下限 {thr.spo2_low}%）"
        )
    # Battery and geofence raise on the crossing, not on every reading while they stay so.
    if previous_abnormal:
        return None
    if metric == Metric.BATTERY:
        return trigger("low_battery", ts_ms, msg_id, f"电量 {value:.0f}%")
    distance = distance_m((value, value2 or 0.0), (thr.geofence_lat, thr.geofence_lng))
    return trigger(
        "geofence",
        ts_ms,
        msg_id,
        f"距安全区域中心 {distance:,.0f} 米（半径 {thr.geofence_radius_m} 米）",
    )


# Metrics whose rule needs to know whether the reading before was abnormal too.
NEEDS_PREVIOUS = {Metric.HEART_RATE, Metric.BATTERY, Metric.LOCATION}


def offline_due(last_seen_ms: int | None, now_ms: int, thr: Thresholds) -> bool:
    """A bound device silent for longer than the person's offline limit."""
    return (
        last_seen_ms is not None
        and now_ms - last_seen_ms > thr.offline_minutes * 60_000
    )


def inactivity_due(last_activity_ms: int | None, now_ms: int, thr: Thresholds) -> bool:
    """An activity sensor that has seen no movement for longer than the person's limit
    (独居老人 long without activity: Jingdezhen 三.(三) 智慧养老 monitoring)."""
    return (
        last_activity_ms is not None
        and now_ms - last_activity_ms > thr.no_activity_hours * 3_600_000
    )
