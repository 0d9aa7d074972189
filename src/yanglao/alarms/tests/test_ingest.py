"""Telemetry over HTTP: authentication, bad input, idempotence, alarms raised once per person
and kind, family notifications."""

from __future__ import annotations

import json

import pytest

from yanglao.alarms import services
from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import (
    Alarm,
    AlarmEvent,
    Device,
    Notification,
    Quarantine,
    Reading,
)


def msg(i, ts=None, **values):
    return {"id": f"m{i}", "ts": (ts or now_ms()) / 1000, **values}


@pytest.mark.django_db
def test_a_batch_is_stored_and_a_resend_changes_nothing(watch):
    t = now_ms()
    batch = [
        msg(1, t - 2000, hr=72, spo2=97, battery=80, loc=[29.2921, 117.2051]),
        msg(2, t - 1000, hr=75),
    ]
    r = post(watch, batch)
    assert r.status_code == 200, r.content
    assert r.json() == {
        "accepted": 2,
        "readings": 5,
        "duplicates": 0,
        "rejected": [],
        "alarms": 0,
    }
    r = post(watch, batch)  # the device did not get the answer and sends again
    assert r.json()["accepted"] == 0 and r.json()["duplicates"] == 2
    assert Reading.objects.count() == 5
    device = Device.objects.get(pk=watch.pk)
    # the newest message's time, as sent (epoch seconds, read to the millisecond)
    assert device.last_seen_ms == int((t - 1000) / 1000 * 1000)
    assert device.battery == 80 and device.lat == pytest.approx(29.2921)


@pytest.mark.django_db
def test_bad_messages_are_quarantined_and_the_good_ones_kept(watch):
    t = now_ms()
    batch = [
        msg(1, t, hr=72),
        msg(2, t, hr=0),
        msg(3, t, hr=400),
        msg(4, t, bp=[-10, 80]),
        msg(5, t + 3_600_000, hr=70),
        {"ts": t / 1000, "hr": 70},  # no message id
        msg(6, t, hr=73),
        msg(6, t, hr=73),  # the same message twice in one batch
        {**msg(7, t, hr=70), "device": "W9999"},  # another device's message
    ]
    r = post(watch, batch)
    body = r.json()
    assert r.status_code == 200
    assert body["accepted"] == 2 and body["duplicates"] == 1
    reasons = {row["index"]: row["reason"] for row in body["rejected"]}
    assert set(reasons) == {1, 2, 3, 4, 5, 8}
    assert (
        "心率：0 超出可能范围" in reasons[1]
        and "收缩压" in reasons[3]
        and "时钟" in reasons[4]
    )
    assert "认证的终端不一致" in reasons[8]
    assert Quarantine.objects.count() == 6
    assert Reading.objects.count() == 2


@pytest.mark.django_db
def test_authentication_and_malformed_requests_are_refused_and_recorded(watch):
    r = post({"X-Device-Serial": "W0001", "X-Device-Secret": "wrong"}, [msg(1, hr=70)])
    assert r.status_code == 401 and "密钥错误" in r.json()["detail"]
    r = post({"X-Device-Serial": "NOPE", "X-Device-Secret": "x"}, [msg(1, hr=70)])
    assert r.status_code == 401
    r = post({}, [msg(1, hr=70)])
    assert r.status_code == 401
    r = post(watch, "{not json")
    assert r.status_code == 400 and "JSON" in r.json()["detail"]
    r = post(watch, [msg(i, hr=70) for i in range(1001)])
    assert r.status_code == 413 and "1000" in r.json()["detail"]
    assert Reading.objects.count() == 0
    assert Quarantine.objects.count() == 5


@pytest.mark.django_db
def test_a_gateway_reports_for_its_own_devices_only(staff, regions, make_elder):
    gateway, secret = services.gateway_create(
        by=staff["admin"],
        code="HX-GW",
        name="恒信",
        vendor="hx",
        region=regions["city"],
    )
    mine, _ = services.device_register(
        by=staff["admin"],
        serial="8612001",
        type="sos_pager",
        vendor="hx",
        region=regions["tangping"],
        gateway=gateway,
        elder=make_elder(),
    )
    services.device_register(
        by=staff["admin"], serial="OTHER1", type="watch", region=regions["tangping"]
    )
    t = now_ms()
    body = [
        {"imei": "8612001", "seq": 1, "time": t, "data": [{"type": "SOS"}]},
        {
            "imei": "OTHER1",
            "seq": 1,
            "time": t,
            "data": [{"type": "HEART", "value": 70}],
        },
    ]
    r = post(
        {"X-Gateway-Code": "HX-GW", "X-Gateway-Secret": secret}, {"messages": body}
    )
    assert r.status_code == 200, r.content
    assert r.json()["accepted"] == 1 and r.json()["alarms"] == 1
    assert r.json()["rejected"] == [
        {"index": 1, "id": "1", "reason": "设备不属于该网关"}
    ]
    assert Alarm.objects.get().kind == "sos" and Alarm.objects.get().device == mine


@pytest.mark.django_db
def test_one_open_alarm_per_person_and_kind_repeats_update_it(watch):
    t = now_ms()
    post(watch, [msg(1, t - 3000, event="sos")])
    post(watch, [msg(2, t - 2000, event="sos"), msg(3, t - 1000, event="fall")])
    sos = Alarm.objects.get(kind="sos")
    assert sos.signals == 2 and sos.status == "new" and sos.severity == "urgent"
    assert Alarm.objects.filter(kind="fall").count() == 1
    assert list(sos.events.values_list("kind", flat=True)) == [
        "raised",
        "notified",
        "repeated",
    ]
    # Each alarm-worthy message is linked to exactly one alarm event, by its message id.
    assert sorted(
        AlarmEvent.objects.exclude(msg_id="").values_list("msg_id", flat=True)
    ) == ["m1", "m2", "m3"]
    # After it is resolved, the next press opens a new alarm.
    services.alarm_acknowledge(by=watch.registered_by, alarm_id=sos.pk)
    services.alarm_resolve(
        by=watch.registered_by, alarm_id=sos.pk, outcome="false_alarm"
    )
    post(watch, [msg(4, t, event="sos")])
    assert Alarm.objects.filter(kind="sos").count() == 2


@pytest.mark.django_db
def test_abnormal_heart_rate_twice_in_a_row_across_batches(watch):
    t = now_ms()
    post(watch, [msg(1, t - 3000, hr=145)])
    assert not Alarm.objects.exists()
    post(watch, [msg(2, t - 2000, hr=150)])
    alarm = Alarm.objects.get()
    assert alarm.kind == "heart_rate" and "连续 2 次" in alarm.text
    services.threshold_set(
        by=watch.registered_by,
        elder=watch.elder_obj,
        values={"systolic_high": 150},
        note="医生意见：高血压 3 级",
    )
    post(watch, [msg(3, t - 1000, bp=[155, 90])])
    assert Alarm.objects.get(kind="blood_pressure").text.startswith("血压 155/90")


@pytest.mark.django_db
def test_a_late_heart_rate_reading_completes_the_run(watch):
    """Messages can arrive out of order (two gateway batches in parallel): the run is judged in
    device time, and the alarm belongs to the reading that completes it."""
    t = now_ms()
    post(
        watch, [msg(1, t - 4000, hr=70), msg(3, t - 2000, hr=150)]
    )  # the second abnormal arrives first
    assert not Alarm.objects.exists()
    post(watch, [msg(2, t - 3000, hr=148)])
    alarm = Alarm.objects.get()
    assert alarm.events.get(kind="raised").msg_id == "m3"
    post(watch, [msg(2, t - 3000, hr=148)])  # a resend changes nothing
    assert Alarm.objects.get().signals == 1


@pytest.mark.django_db
def test_urgent_alarms_notify_the_emergency_contact(
    watch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(watch, [msg(1, event="fall")])
    note = Notification.objects.get()
    assert note.recipient.startswith("李明（儿子）138****8000")
    assert note.status == "logged" and "跌倒" in note.text


@pytest.mark.django_db
def test_without_an_emergency_contact_the_guardian_is_notified_and_without_either_nobody(
    watch, staff, django_capture_on_commit_callbacks
):
    from yanglao.elders.models import Contact
    from yanglao.elders.services import contact_add

    Contact.objects.update(is_emergency=False)
    contact_add(
        by=staff["admin"],
        elder=watch.elder_obj,
        name="李芳",
        relation="女儿",
        phone="13900139000",
        is_guardian=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(watch, [msg(1, event="fall")])
    assert [n.recipient.split("）")[0] for n in Notification.objects.all()] == [
        "李芳（女儿"
    ]
    Contact.objects.update(is_guardian=False)
    post(watch, [msg(2, event="sos")])
    sos = Alarm.objects.get(kind="sos")
    assert Notification.objects.count() == 1 and not sos.events.filter(kind="notified")


@pytest.mark.django_db
def test_an_unbound_device_keeps_readings_but_its_sos_is_recorded_as_undeliverable(
    staff, regions
):
    device, secret = services.device_register(
        by=staff["admin"], serial="LOOSE1", type="sos_pager", region=regions["tangping"]
    )
    r = post(
        {"X-Device-Serial": "LOOSE1", "X-Device-Secret": secret}, [msg(1, event="sos")]
    )
    assert r.json()["accepted"] == 1 and r.json()["alarms"] == 0
    assert "未绑定老人" in Quarantine.objects.get().reason


@pytest.mark.django_db
def test_silence_raises_offline_once_per_silence(watch):
    t = now_ms()
    post(watch, [msg(1, t - 40 * 60_000, hr=70)])
    assert services.check_silence(now_ms_=t) == 1
    assert services.check_silence(now_ms_=t + 60_000) == 0  # the same silence
    alarm = Alarm.objects.get(kind="offline")
    assert alarm.severity == "normal" and "无通信" in alarm.text


@pytest.mark.django_db
def test_no_activity_from_an_activity_sensor(staff, regions, make_elder):
    elder = make_elder(name="独居张", living_arrangement="alone")
    device, secret = services.device_register(
        by=staff["admin"],
        serial="PIR01",
        type="activity",
        region=regions["tangping"],
        elder=elder,
    )
    t = now_ms()
    post(
        {"X-Device-Serial": "PIR01", "X-Device-Secret": secret},
        [
            msg(1, t - 13 * 3_600_000, event="activity"),
            msg(2, t - 60_000, event="heartbeat"),
        ],
    )
    assert services.check_silence(now_ms_=t) == 1
    assert Alarm.objects.get().kind == "no_activity"


@pytest.mark.django_db
def test_retention_deletes_old_readings(watch, settings):
    settings.TELEMETRY_RETENTION_DAYS = 1
    post(watch, [msg(1, hr=70)])
    assert services.prune_readings(now_ms_=now_ms() + 2 * 86_400_000) == 1
    assert Reading.objects.count() == 0


@pytest.mark.django_db
def test_vendor_message_body_may_be_a_single_object(watch):
    r = post(watch, json.dumps(msg(1, hr=66)))
    assert r.json()["accepted"] == 1


def _gateway_with_two_watches(staff, regions, make_elder):
    gateway, _ = services.gateway_create(
        by=staff["admin"],
        code="GW-2",
        name="两台手表",
        vendor="yanglao",
        region=regions["city"],
    )
    for serial in ("WA1", "WB1"):
        services.device_register(
            by=staff["admin"],
            serial=serial,
            type="watch",
            region=regions["tangping"],
            gateway=gateway,
            elder=make_elder(),
        )
    return gateway


@pytest.mark.django_db(transaction=True)
def test_an_alarm_is_committed_before_the_routine_readings_of_its_batch(
    staff, regions, make_elder, monkeypatch
):
    """The SOS device's messages are stored and its alarm committed first; if the process dies
    while the routine rest is written, the alarm is already there, and the resent batch stores the
    rest without raising it twice (issue 5: fast alarms, nothing lost, nothing doubled)."""
    gateway = _gateway_with_two_watches(staff, regions, make_elder)
    t = now_ms()
    batch = [
        {"device": "WB1", **msg(1, t - 900, hr=72)},
        {"device": "WA1", **msg(1, t - 800, hr=75)},
        {"device": "WA1", **msg(2, t - 700, event="sos")},
        {"device": "WB1", **msg(2, t - 600, hr=74, battery=90)},
    ]
    real_insert, calls = services.telemetry_ingest._insert_readings, []

    def dies_on_the_routine_part(rows):
        calls.append({row[0] for row in rows})
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_insert(rows)

    monkeypatch.setattr(
        services.telemetry_ingest, "_insert_readings", dies_on_the_routine_part
    )
    with pytest.raises(RuntimeError):
        services.ingest(batch, vendor="yanglao", source="http", gateway=gateway)
    wa, wb = Device.objects.get(serial="WA1").pk, Device.objects.get(serial="WB1").pk
    assert calls == [{wa}, {wb}]
    assert Alarm.objects.get().kind == "sos"
    assert sorted(Reading.objects.values_list("device_id", "msg_id")) == [
        (wa, "m1"),
        (wa, "m2"),
    ]

    monkeypatch.setattr(services.telemetry_ingest, "_insert_readings", real_insert)
    result = services.ingest(batch, vendor="yanglao", source="http", gateway=gateway)
    assert (result.accepted, result.duplicates, result.alarms) == (2, 2, [])
    assert Reading.objects.count() == 5
    assert (
        Alarm.objects.count() == 1
        and AlarmEvent.objects.filter(msg_id="m2").count() == 1
    )
    assert Device.objects.get(pk=wb).battery == 90


@pytest.mark.django_db
def test_a_normal_reading_between_two_abnormal_ones_of_a_batch_breaks_the_run(
    staff, regions, make_elder
):
    """A device with an abnormal reading is stored with all its messages of the batch, so the rule
    "two abnormal heart rates in a row" sees the normal one between them."""
    gateway = _gateway_with_two_watches(staff, regions, make_elder)
    t = now_ms()
    batch = [
        {"device": "WA1", **msg(1, t - 3000, hr=150)},
        {"device": "WB1", **msg(1, t - 2500, hr=70)},
        {"device": "WA1", **msg(2, t - 2000, hr=72)},
        {"device": "WA1", **msg(3, t - 1000, hr=155)},
    ]
    result = services.ingest(batch, vendor="yanglao", source="http", gateway=gateway)
    assert (result.accepted, result.alarms) == (4, [])
    assert not Alarm.objects.exists()
    later = [{"device": "WA1", **msg(4, t, hr=160)}]
    assert (
        len(
            services.ingest(
                later, vendor="yanglao", source="http", gateway=gateway
            ).alarms
        )
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_the_simulator_command_sends_telemetry_that_is_stored(
    watch, live_server, tmp_path
):
    """`yanglao simulate-devices`, as the demo starts it: its readings and its SOS arrive."""
    from yanglao.cli import main

    devices = tmp_path / "devices.json"
    devices.write_text(
        json.dumps({"devices": [{"serial": watch.serial, "secret": watch.secret}]})
    )
    code = main(
        [
            "simulate-devices",
            "--devices-file",
            str(devices),
            "--url",
            live_server.url,
            "--rate",
            "20",
            "--duration",
            "1",
            "--per-device",
            "--threads",
            "1",
            "--sos",
            "1",
        ]
    )
    assert code == 0
    assert Reading.objects.filter(device=watch).exists()
    assert Alarm.objects.filter(kind="sos").exists()
