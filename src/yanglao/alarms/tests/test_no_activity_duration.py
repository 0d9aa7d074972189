"""长时间无活动 says how long since the last movement (issue 21: every such alarm read "已 499044
小时未检测到活动", the time since 1970): a sensor's heartbeat without activity leaves the time of
its last activity as it was, and a sensor that never reported movement raises no such alarm."""

from __future__ import annotations

import pytest

from yanglao.alarms import services
from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import Alarm, Device
from yanglao.alarms.tests.test_ingest import msg

pytestmark = pytest.mark.django_db


def _sensor(staff, regions, make_elder):
    elder = make_elder(name="独居张", living_arrangement="alone")
    device, secret = services.device_register(
        by=staff["admin"],
        serial="PIR02",
        type="activity",
        region=regions["tangping"],
        elder=elder,
    )
    return device, {"X-Device-Serial": "PIR02", "X-Device-Secret": secret}


def test_heartbeats_without_movement_keep_no_activity_time(staff, regions, make_elder):
    device, headers = _sensor(staff, regions, make_elder)
    t = now_ms()
    post(headers, [msg(1, t - 60_000, event="heartbeat")])
    assert Device.objects.get(pk=device.pk).last_activity_ms is None


def test_the_alarm_counts_from_the_last_movement(staff, regions, make_elder):
    device, headers = _sensor(staff, regions, make_elder)
    t = now_ms()
    post(headers, [msg(1, t - 13 * 3_600_000, event="activity")])
    post(headers, [msg(2, t - 60_000, event="heartbeat")])
    assert services.check_silence(now_ms_=t) == 1
    assert Alarm.objects.get().text == "已 13.0 小时未检测到活动"


def test_a_sensor_that_never_saw_movement_raises_no_inactivity_alarm(
    staff, regions, make_elder
):
    _device, headers = _sensor(staff, regions, make_elder)
    t = now_ms()
    post(headers, [msg(1, t - 60_000, event="heartbeat")])
    services.check_silence(now_ms_=t)
    assert not Alarm.objects.filter(kind="no_activity").exists()
