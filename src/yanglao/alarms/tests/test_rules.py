"""The pure parts: message checks, vendor adapters and the alarm rules."""

from __future__ import annotations

import pytest

from yanglao.alarms import adapters, rules, telemetry
from yanglao.alarms.telemetry import Metric, Refused

NOW = 1_763_880_000_000


def check(obj, vendor="yanglao"):
    return telemetry.check_message(*adapters.decode(vendor, obj), now_ms=NOW)


def test_native_message_becomes_readings():
    m = check(
        {
            "device": "W1",
            "id": 7,
            "ts": NOW / 1000,
            "hr": 72,
            "bp": [130, 85],
            "loc": [29.3, 117.2],
            "event": "sos",
        }
    )
    assert m.msg_id == "7" and m.ts_ms == NOW
    assert m.readings == (
        (Metric.HEART_RATE, 72.0, None),
        (Metric.BLOOD_PRESSURE, 130.0, 85.0),
        (Metric.LOCATION, 29.3, 117.2),
        (Metric.SOS, 1.0, None),
    )


def test_vendor_gateway_format_maps_to_the_same_readings():
    m = check(
        {
            "imei": "8612",
            "seq": 9,
            "time": NOW,
            "data": [
                {"type": "HEART", "value": 72},
                {"type": "BP", "value": "130/85"},
                {"type": "GPS", "value": "117.2,29.3"},
                {"type": "SOS"},
            ],
        },
        "hx",
    )
    assert m.serial == "8612" and m.msg_id == "9"
    assert m.readings == (
        (Metric.HEART_RATE, 72.0, None),
        (Metric.BLOOD_PRESSURE, 130.0, 85.0),
        (Metric.LOCATION, 29.3, 117.2),
        (Metric.SOS, 1.0, None),
    )


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"hr": 0}, "心率：0 超出可能范围"),
        ({"hr": 400}, "心率：400 超出可能范围"),
        ({"bp": [-5, 80]}, "收缩压：-5 超出可能范围"),
        ({"bp": [120, 130]}, "舒张压 130 不低于收缩压 120"),
        ({"spo2": 101}, "血氧：101 超出可能范围"),
        ({"hr": "72"}, "心率：应为数值"),
        ({"event": "party"}, "未知的事件"),
        ({}, "没有任何读数"),
        ({"hr": 72, "ts": NOW / 1000 + 3600}, "晚于服务器时间 5 分钟以上"),
        ({"hr": 72, "ts": NOW / 1000 - 40 * 86400}, "早于 30 天前"),
        ({"hr": 72, "id": None}, "消息编号"),
        ({"hr": 72, "ts": "yesterday"}, "时间戳：无法识别"),
    ],
)
def test_impossible_values_are_refused_with_the_reason(obj, reason):
    base = {"device": "W1", "id": "1", "ts": NOW / 1000}
    with pytest.raises(Refused, match=reason):
        check({**base, **obj})


def run(metric, values, thr=rules.DEFAULTS):
    """Evaluate a sequence of readings as the ingest does (the run before each one)."""
    out, before = [], []
    for i, (v, w) in enumerate(values):
        run_ = 0
        for pv, pw in reversed(before):
            if not rules.abnormal(metric, pv, pw, thr):
                break
            run_ += 1
        if metric != Metric.HEART_RATE:
            run_ = min(run_, 1)
        out.append(
            rules.evaluate(
                metric, v, w, ts_ms=i, msg_id=str(i), thr=thr, previous_abnormal=run_
            )
        )
        before.append((v, w))
    return [t.kind if t else None for t in out]


def test_heart_rate_needs_two_abnormal_readings_in_a_row():
    assert run(
        Metric.HEART_RATE,
        [(72, None), (142, None), (75, None), (145, None), (150, None), (39, None)],
    ) == [None, None, None, None, "heart_rate", "heart_rate"]


def test_a_personal_threshold_wins_over_the_default():
    strict = rules.thresholds_from({"hr_high": 110, "hr_consecutive": 1})
    assert run(Metric.HEART_RATE, [(115, None)], strict) == ["heart_rate"]
    assert run(Metric.HEART_RATE, [(115, None)]) == [None]


def test_blood_pressure_spo2_and_events():
    assert run(Metric.BLOOD_PRESSURE, [(179, 100), (180, 90), (150, 110)]) == [
        None,
        "blood_pressure",
        "blood_pressure",
    ]
    assert run(Metric.SPO2, [(90, None), (89, None)]) == [None, "spo2"]
    for metric, kind in [
        (Metric.SOS, "sos"),
        (Metric.FALL, "fall"),
        (Metric.SMOKE, "smoke"),
        (Metric.GAS, "gas"),
    ]:
        assert run(metric, [(1, None)]) == [kind]
        assert rules.KINDS[kind][1] == rules.URGENT


def test_low_battery_and_geofence_raise_on_the_crossing_only():
    assert run(
        Metric.BATTERY, [(50, None), (14, None), (12, None), (60, None), (10, None)]
    ) == [None, "low_battery", None, None, "low_battery"]
    fence = rules.thresholds_from(
        {"geofence_lat": 29.29, "geofence_lng": 117.20, "geofence_radius_m": 500}
    )
    inside, outside = (29.2905, 117.2005), (29.30, 117.22)
    assert run(Metric.LOCATION, [inside, outside, outside, inside, outside], fence) == [
        None,
        "geofence",
        None,
        None,
        "geofence",
    ]
    assert run(Metric.LOCATION, [outside]) == [
        None
    ]  # no fence set: location is history only


def test_timers():
    thr = rules.thresholds_from({"offline_minutes": 10, "no_activity_hours": 6})
    assert not rules.offline_due(NOW - 9 * 60_000, NOW, thr)
    assert rules.offline_due(NOW - 11 * 60_000, NOW, thr)
    assert not rules.offline_due(None, NOW, thr)
    assert rules.inactivity_due(NOW - 7 * 3_600_000, NOW, thr)
    assert not rules.inactivity_due(NOW - 5 * 3_600_000, NOW, thr)


def test_threshold_checks_name_the_field():
    assert rules.check_thresholds({"hr_high": 500}) == {"hr_high": "应在 90–220 之间"}
    assert rules.check_thresholds({"hr_low": 80, "hr_high": 90}) == {}
    assert "geofence_radius_m" in rules.check_thresholds({"geofence_lat": 29.3})
    assert rules.check_thresholds({"colour": 3}) == {"colour": "未知的阈值项"}
