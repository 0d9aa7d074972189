"""Vendor formats → the canonical message (telemetry.py). The one place that knows how each
vendor spells its JSON (docs/alarms.md has an example of each). Pure: no Django import.

An adapter takes one decoded JSON object and returns (serial, msg_id, ts_ms, readings) with the
readings as (metric, value, value2) — unchecked; telemetry.check_message checks them. It raises
Refused when the object is not in its vendor's shape.
"""

from __future__ import annotations

import datetime as dt

from yanglao.alarms.telemetry import EVENTS, Metric, Refused

VENDORS = {
    "yanglao": "平台标准格式",
    "hx": "恒信网关格式（示例厂商）",
}


def _timestamp_ms(value) -> int:
    """Epoch seconds or milliseconds (a number), or ISO 8601 text with a zone."""
    if isinstance(value, bool):
        raise Refused("时间戳：格式无法识别")
    if isinstance(value, int | float):
        return int(value if value > 10**11 else value * 1000)
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Refused(f"时间戳：无法识别 {value[:40]!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        return int(moment.timestamp() * 1000)
    raise Refused("时间戳：缺失")


def _pair(value, field: str) -> tuple:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise Refused(f"{field}：应为两个数值的数组")
    return tuple(value)


def native(obj: dict, serial_hint: str | None = None):
    """平台标准格式:
    {"device": "W0001", "id": "42", "ts": 1763880000, "hr": 72, "spo2": 97, "bp": [130, 85],
     "battery": 80, "loc": [29.29, 117.21], "event": "sos"}"""
    if not isinstance(obj, dict):
        raise Refused("消息应为 JSON 对象")
    readings = []
    if "hr" in obj:
        readings.append((Metric.HEART_RATE, obj["hr"], None))
    if "spo2" in obj:
        readings.append((Metric.SPO2, obj["spo2"], None))
    if "bp" in obj:
        readings.append((Metric.BLOOD_PRESSURE, *_pair(obj["bp"], "血压")))
    if "battery" in obj:
        readings.append((Metric.BATTERY, obj["battery"], None))
    if "loc" in obj:
        readings.append((Metric.LOCATION, *_pair(obj["loc"], "位置")))
    events = obj.get("event")
    for name in [events] if isinstance(events, str) else events or []:
        if name not in EVENTS:
            raise Refused(f"事件：未知的事件 {name!r}")
        readings.append((EVENTS[name], None, None))
    return (
        obj.get("device") or serial_hint,
        obj.get("id"),
        _timestamp_ms(obj.get("ts")),
        readings,
    )


_HX_TYPES = {
    "HEART": Metric.HEART_RATE,
    "SPO2": Metric.SPO2,
    "BATT": Metric.BATTERY,
    "SOS": Metric.SOS,
    "FALL": Metric.FALL,
    "SMOKE": Metric.SMOKE,
    "GAS": Metric.GAS,
    "PIR": Metric.ACTIVITY,
    "DOOR": Metric.ACTIVITY,
    "PING": Metric.HEARTBEAT,
}


def hx(obj: dict, serial_hint: str | None = None):
    """恒信网关格式 (an example of a vendor gateway's own JSON):
    {"imei": "8612…", "seq": 1001, "time": 1763880000123,
     "data": [{"type": "HEART", "value": 72}, {"type": "BP", "value": "130/85"},
              {"type": "GPS", "value": "117.21,29.29"}, {"type": "SOS"}]}"""
    if not isinstance(obj, dict) or not isinstance(obj.get("data"), list):
        raise Refused("恒信格式：缺少 data 数组")
    readings = []
    for item in obj["data"]:
        kind = item.get("type") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if kind == "BP":
            try:
                sys_, dia = (float(x) for x in str(value).split("/"))
            except ValueError:
                raise Refused(
                    f"血压：无法识别 {value!r}（应为 收缩压/舒张压）"
                ) from None
            readings.append((Metric.BLOOD_PRESSURE, sys_, dia))
        elif kind == "GPS":  # the vendor sends longitude first
            try:
                lng, lat = (float(x) for x in str(value).split(","))
            except ValueError:
                raise Refused(f"位置：无法识别 {value!r}（应为 经度,纬度）") from None
            readings.append((Metric.LOCATION, lat, lng))
        elif kind in _HX_TYPES:
            metric = _HX_TYPES[kind]
            readings.append((metric, value if metric < 10 else None, None))
        else:
            raise Refused(f"恒信格式：未知的数据类型 {kind!r}")
    seq = obj.get("seq")
    return (
        obj.get("imei") or serial_hint,
        str(seq) if isinstance(seq, int) else seq,
        _timestamp_ms(obj.get("time")),
        readings,
    )


ADAPTERS = {"yanglao": native, "hx": hx}


def decode(vendor: str, obj, serial_hint: str | None = None):
    """(serial, msg_id, ts_ms, readings) from one vendor object, or Refused."""
    adapter = ADAPTERS.get(vendor)
    if adapter is None:
        raise Refused(f"未知的厂商格式 {vendor!r}")
    return adapter(obj, serial_hint)
