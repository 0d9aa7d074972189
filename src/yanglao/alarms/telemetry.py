"""Telemetry messages in the platform's one canonical shape, and the checks every message passes
before it is stored (docs/alarms.md "消息格式"). Pure: no Django import.

A message is what one device sent at one moment: a message id (unique per device, so a resend is
recognised), the device's timestamp and one or more readings. Each reading is (metric, value,
value2): a heart rate, a blood pressure (systolic, diastolic), a location (lat, lng), an event
such as the SOS button. Values outside what a body or a sensor can produce are refused, not
stored: a heart rate of 0 or 400 is a broken sensor, not an emergency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

MAX_BATCH = 1000  # messages in one HTTP request
MAX_BODY_BYTES = 2_000_000
MAX_FUTURE_MS = 5 * 60 * 1000  # a device clock ahead by more than 5 minutes is wrong
MAX_AGE_MS = (
    30 * 24 * 3600 * 1000
)  # buffered readings older than 30 days are not accepted


class Metric(IntEnum):
    HEART_RATE = 1
    SPO2 = 2
    BLOOD_PRESSURE = 3
    BATTERY = 4
    LOCATION = 5
    SOS = 10
    FALL = 11
    SMOKE = 12
    GAS = 13
    ACTIVITY = 14
    HEARTBEAT = 15


METRIC_NAMES = {
    Metric.HEART_RATE: "心率",
    Metric.SPO2: "血氧",
    Metric.BLOOD_PRESSURE: "血压",
    Metric.BATTERY: "电量",
    Metric.LOCATION: "位置",
    Metric.SOS: "一键呼叫",
    Metric.FALL: "跌倒",
    Metric.SMOKE: "烟雾",
    Metric.GAS: "燃气",
    Metric.ACTIVITY: "活动",
    Metric.HEARTBEAT: "心跳包",
}

# Event names in the canonical format → metric.
EVENTS = {
    "sos": Metric.SOS,
    "fall": Metric.FALL,
    "smoke": Metric.SMOKE,
    "gas": Metric.GAS,
    "activity": Metric.ACTIVITY,
    "heartbeat": Metric.HEARTBEAT,
}

# Physical ranges (inclusive): what a living body or a working sensor can report.
RANGES = {
    Metric.HEART_RATE: (20, 250),
    Metric.SPO2: (50, 100),
    Metric.BATTERY: (0, 100),
}
SYSTOLIC_RANGE = (50, 280)
DIASTOLIC_RANGE = (20, 200)


@dataclass(frozen=True, slots=True)
class Message:
    """One device message that passed the checks."""

    serial: str
    msg_id: str
    ts_ms: int
    readings: tuple[tuple[int, float, float | None], ...]


class Refused(ValueError):
    """A message that cannot be stored, with the reason in Chinese (recorded in quarantine)."""


def _number(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(f"{field}：应为数值，收到 {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise Refused(f"{field}：不是有效数值")
    return float(value)


def _in_range(value: float, bounds: tuple[float, float], field: str) -> float:
    low, high = bounds
    if not low <= value <= high:
        raise Refused(f"{field}：{value:g} 超出可能范围 {low:g}–{high:g}")
    return value


def check_reading(metric: int, value, value2=None) -> tuple[int, float, float | None]:
    """One reading in physical range, or Refused naming the field and the reason."""
    name = METRIC_NAMES.get(metric)
    if name is None:
        raise Refused(f"未知的读数类型 {metric!r}")
    if metric == Metric.BLOOD_PRESSURE:
        sys_ = _in_range(_number(value, "收缩压"), SYSTOLIC_RANGE, "收缩压")
        dia = _in_range(_number(value2, "舒张压"), DIASTOLIC_RANGE, "舒张压")
        if dia >= sys_:
            raise Refused(f"血压：舒张压 {dia:g} 不低于收缩压 {sys_:g}")
        return metric, sys_, dia
    if metric == Metric.LOCATION:
        lat = _in_range(_number(value, "纬度"), (-90, 90), "纬度")
        lng = _in_range(_number(value2, "经度"), (-180, 180), "经度")
        return metric, lat, lng
    if metric in RANGES:
        return metric, _in_range(_number(value, name), RANGES[metric], name), None
    return metric, 1.0, None  # an event: it happened


def check_message(serial, msg_id, ts_ms, readings, *, now_ms: int) -> Message:
    """A whole message: identity, time and every reading. One bad value refuses the message (its
    other values from the same faulty moment are not trusted either)."""
    if not isinstance(serial, str) or not 1 <= len(serial) <= 40:
        raise Refused("设备编号：缺失或长度不在 1–40 之间")
    if isinstance(msg_id, int) and not isinstance(msg_id, bool):
        msg_id = str(msg_id)
    if not isinstance(msg_id, str) or not 1 <= len(msg_id) <= 64:
        raise Refused("消息编号：缺失或长度不在 1–64 之间（用于去重，必填）")
    if isinstance(ts_ms, bool) or not isinstance(ts_ms, int):
        raise Refused("时间戳：缺失或格式无法识别")
    if ts_ms > now_ms + MAX_FUTURE_MS:
        raise Refused("时间戳：晚于服务器时间 5 分钟以上（设备时钟错误）")
    if ts_ms < now_ms - MAX_AGE_MS:
        raise Refused("时间戳：早于 30 天前，不再接收")
    if not readings:
        raise Refused("消息中没有任何读数或事件")
    checked = tuple(check_reading(*r) for r in readings)
    return Message(serial, msg_id, ts_ms, checked)
