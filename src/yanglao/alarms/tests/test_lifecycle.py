"""The alarm lifecycle, the pages, the API, the push stream and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms import selectors, services
from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import Alarm, AlarmEvent, OperatorPresence
from yanglao.conftest import client_for
from yanglao.core.errors import NotInScope, ValidationFailed


@pytest.fixture
def sos(watch):
    post(watch, [{"id": "s1", "ts": now_ms() / 1000, "event": "sos"}])
    return Alarm.objects.get()


@pytest.mark.django_db
def test_acknowledge_act_resolve_with_who_and_when(sos, staff):
    olga = staff["olga"]
    with pytest.raises(ValidationFailed, match="请先接警"):
        services.alarm_resolve(by=olga, alarm_id=sos.pk, outcome="false_alarm")
    services.alarm_acknowledge(by=olga, alarm_id=sos.pk)
    with pytest.raises(ValidationFailed, match="已由 olga 接警"):
        services.alarm_acknowledge(by=staff["lena"], alarm_id=sos.pk)
    with pytest.raises(ValidationFailed, match="须先记录处置措施"):
        services.alarm_resolve(by=olga, alarm_id=sos.pk, outcome="real")
    with pytest.raises(ValidationFailed) as exc:
        services.alarm_act(by=olga, alarm_id=sos.pk, action="dispatch", note="")
    assert "note" in exc.value.errors
    services.alarm_act(
        by=olga, alarm_id=sos.pk, action="call_elder", note="老人说摔倒了"
    )
    services.alarm_act(
        by=olga, alarm_id=sos.pk, action="dispatch", note="派网格员王芳上门"
    )
    services.alarm_resolve(by=olga, alarm_id=sos.pk, outcome="real", note="已送医")
    sos.refresh_from_db()
    assert (
        sos.status == "resolved" and sos.outcome == "real" and sos.resolved_by == olga
    )
    assert sos.acknowledged_by == olga and sos.acknowledged_at <= sos.resolved_at
    kinds = list(sos.events.values_list("kind", "action", "by__username"))
    assert kinds == [
        ("raised", "", None),
        ("notified", "", None),
        ("acknowledged", "", "olga"),
        ("action", "call_elder", "olga"),
        ("action", "dispatch", "olga"),
        ("resolved", "", "olga"),
    ]
    with pytest.raises(ValidationFailed, match="已办结"):
        services.alarm_act(by=olga, alarm_id=sos.pk, action="note", note="x")


@pytest.mark.django_db
def test_only_handlers_in_scope_may_act(sos, staff):
    with pytest.raises(ValidationFailed, match="接警员"):
        services.alarm_acknowledge(
            by=staff["carol"], alarm_id=sos.pk
        )  # community worker
    with pytest.raises(NotInScope):
        services.alarm_acknowledge(
            by=staff["otto"], alarm_id=sos.pk
        )  # operator of another county
    with pytest.raises(NotInScope):
        selectors.alarm_get(by=staff["otto"], pk=sos.pk)
    assert client_for(staff["otto"]).get(f"/alarms/{sos.pk}/").status_code == 404
    assert (
        client_for(staff["otto"]).post(f"/alarms/{sos.pk}/acknowledge/").status_code
        == 404
    )
    assert (
        client_for(staff["carol"]).get(f"/alarms/{sos.pk}/").status_code == 200
    )  # may see her area's


@pytest.mark.django_db
def test_an_unacknowledged_alarm_escalates_once(sos, settings):
    settings.ALARM_ACK_SECONDS = 60
    assert services.escalate_overdue(now=sos.raised_at + dt.timedelta(seconds=59)) == 0
    assert services.escalate_overdue(now=sos.raised_at + dt.timedelta(seconds=61)) == 1
    assert services.escalate_overdue(now=sos.raised_at + dt.timedelta(seconds=120)) == 0
    sos.refresh_from_db()
    assert sos.escalated_at and "60 秒" in sos.escalation_reason
    assert sos.events.filter(kind="escalated").count() == 1


@pytest.mark.django_db
def test_overdue_alarms_escalate_together_each_once(watch, settings):
    """One pass escalates every overdue alarm, each with one 升级 event; a fresh one waits."""
    settings.ALARM_ACK_SECONDS = 60
    t = now_ms() / 1000
    post(
        watch,
        [
            {"id": "a", "ts": t, "event": "sos"},
            {"id": "b", "ts": t, "event": "fall"},
            {"id": "c", "ts": t, "bp": [190, 100]},
        ],
    )
    alarms = list(Alarm.objects.order_by("pk"))
    assert len(alarms) == 3
    Alarm.objects.filter(pk=alarms[0].pk).update(status="acknowledged")
    Alarm.objects.filter(pk=alarms[2].pk).update(
        raised_at=timezone.now() + dt.timedelta(seconds=30)
    )
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.escalate_overdue(now=later) == 1
    assert services.escalate_overdue(now=later) == 0
    escalated = AlarmEvent.objects.filter(kind="escalated")
    assert list(escalated.values_list("alarm_id", flat=True)) == [alarms[1].pk]
    assert services.escalate_overdue(now=later + dt.timedelta(seconds=30)) == 1
    assert escalated.count() == 2
    assert Alarm.objects.filter(escalated_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_alarm_an_operator_holds_escalates_on_the_next_pass(sos, staff, settings):
    """The push stream runs the escalation between events: it skips an alarm another transaction
    holds rather than wait for it (PostgreSQL SKIP LOCKED), and takes it on the next pass."""
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    settings.ALARM_ACK_SECONDS = 60
    later = sos.raised_at + dt.timedelta(seconds=61)
    held, release = threading.Event(), threading.Event()

    def operator_holds_it():
        with transaction.atomic():
            Alarm.objects.select_for_update().get(pk=sos.pk)
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=operator_holds_it)
    holder.start()
    assert held.wait(10)
    try:
        assert services.escalate_overdue(now=later) == 0
    finally:
        release.set()
        holder.join()
    assert services.escalate_overdue(now=later) == 1
    assert sos.events.filter(kind="escalated").count() == 1


@pytest.mark.django_db
def test_sla_counts_acknowledgement_times(staff, watch):
    start, end = selectors.today_window()
    olga = staff["olga"]
    post(
        watch,
        [
            {"id": "a", "ts": now_ms() / 1000, "event": "sos"},
            {"id": "b", "ts": now_ms() / 1000, "event": "fall"},
        ],
    )
    sos, fall = Alarm.objects.get(kind="sos"), Alarm.objects.get(kind="fall")
    Alarm.objects.filter(pk=sos.pk).update(
        raised_at=timezone.now() - dt.timedelta(seconds=30)
    )
    Alarm.objects.filter(pk=fall.pk).update(
        raised_at=timezone.now() - dt.timedelta(seconds=100)
    )
    services.alarm_acknowledge(by=olga, alarm_id=sos.pk)
    services.alarm_acknowledge(by=olga, alarm_id=fall.pk)
    overall, per = selectors.sla_by_region(by=staff["lena"], start=start, end=end)
    assert overall.total == 2 and overall.within_60 == 0.5 and overall.within_180 == 1.0
    assert 30 <= overall.median_ack_s <= 100
    assert [name for name, _ in per] == ["珠山区"]
    page = client_for(olga).get("/alarms/").content.decode()
    assert "60 秒内接警 50%" in page  # a share, as the supervisor view shows it


@pytest.mark.django_db
def test_pages_render_for_operator_and_lead(sos, staff):
    olga, lena = client_for(staff["olga"]), client_for(staff["lena"])
    page = olga.get("/alarms/")
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "李桂兰" in text
        and "一键呼叫" in text
        and "李明（儿子）" in text
        and "EventSource" in text
    )
    r = olga.post(f"/alarms/{sos.pk}/acknowledge/", follow=True)
    assert "已接警" in r.content.decode()
    r = olga.post(
        f"/alarms/{sos.pk}/act/", {"action": "dispatch", "note": ""}, follow=True
    )
    assert "请填写说明" in r.content.decode()
    for url in [
        "/alarms/supervisor/",
        "/alarms/report/",
        "/alarms/history/?kind=sos&status=open",
        "/alarms/devices/?state=online",
        f"/alarms/devices/{sos.device_id}/",
        "/alarms/quarantine/",
        "/alarms/notifications/",
        f"/alarms/thresholds/{sos.elder_id}/",
        f"/alarms/{sos.pk}/card/",
        "/alarms/queue/",
        "/alarms/report/?month=2026-13",
    ]:
        assert lena.get(url).status_code == 200, url
    export = lena.get("/alarms/history/export.csv?kind=sos")
    assert export.status_code == 200 and "李桂兰" in b"".join(
        export.streaming_content
    ).decode("utf-8-sig")


@pytest.mark.django_db
def test_register_bind_and_thresholds_from_the_pages(staff, make_elder):
    elder = make_elder(name="钱多多")
    bob = client_for(staff["bob"])
    r = bob.post(
        "/alarms/devices/new/",
        {"serial": "x", "type": "watch", "vendor": "yanglao", "region": "360203001001"},
    )
    assert "设备编号应为" in r.content.decode()
    r = bob.post(
        "/alarms/devices/new/",
        {
            "serial": "W77",
            "type": "watch",
            "vendor": "yanglao",
            "region": "360222",
            "elder": "",
        },
    )
    assert "不在您的管辖范围内" in r.content.decode()
    r = bob.post(
        "/alarms/devices/new/",
        {
            "serial": "W77",
            "type": "watch",
            "vendor": "yanglao",
            "region": "360203001001",
            "elder": elder.id_number,
        },
    )
    assert "只显示这一次" in r.content.decode()
    from yanglao.alarms.models import Device

    device = Device.objects.get(serial="W77")
    assert device.elder == elder and device.bindings.count() == 1
    r = bob.post(f"/alarms/devices/{device.pk}/unbind/", {"note": ""}, follow=True)
    assert "请填写解绑原因" in r.content.decode()
    r = bob.post(f"/alarms/thresholds/{elder.pk}/", {"hr_high": "300", "note": "x"})
    assert "应在 90–220 之间" in r.content.decode()
    r = bob.post(f"/alarms/thresholds/{elder.pk}/", {"hr_high": "110"}, follow=True)
    assert "请填写设定依据" in r.content.decode()
    r = bob.post(
        f"/alarms/thresholds/{elder.pk}/",
        {"hr_high": "110", "note": "心内科医嘱"},
        follow=True,
    )
    assert selectors.thresholds_of(elder.pk)[0].hr_high == 110


@pytest.mark.django_db
def test_api_lifecycle_and_sla(sos, staff, api_token):
    api = api_token(staff["olga"])
    r = api.get("/api/v1/alarms?status=open")
    assert r.status_code == 200 and r.json()["total"] == 1
    assert api.post(f"/api/v1/alarms/{sos.pk}/acknowledge").status_code == 200
    r = api.post(
        f"/api/v1/alarms/{sos.pk}/actions",
        {"action": "teleport"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "action"
    r = api.post(
        f"/api/v1/alarms/{sos.pk}/actions",
        {"action": "call_elder"},
        content_type="application/json",
    )
    assert r.json()["status"] == "in_progress"
    r = api.post(
        f"/api/v1/alarms/{sos.pk}/resolve",
        {"outcome": "false_alarm"},
        content_type="application/json",
    )
    assert r.json()["status"] == "resolved"
    detail = api.get(f"/api/v1/alarms/{sos.pk}").json()
    assert [e["kind"] for e in detail["events"]][-1] == "resolved"
    sla = api.get("/api/v1/alarm-sla").json()
    assert sla[0]["region"] == "合计" and sla[0]["acknowledged"] == 1
    assert api_token(staff["otto"]).get(f"/api/v1/alarms/{sos.pk}").status_code == 404


@pytest.mark.django_db
def test_api_registers_a_device_and_returns_its_secret_once(
    staff, api_token, make_elder
):
    api = api_token(staff["bob"])
    elder = make_elder()
    r = api.post(
        "/api/v1/devices",
        {
            "serial": "API-1",
            "type": "sos_pager",
            "region": "360203001001",
            "elder_id": elder.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    secret = r.json()["secret"]
    ok = post(
        {"X-Device-Serial": "API-1", "X-Device-Secret": secret},
        [{"id": "1", "ts": now_ms() / 1000, "event": "sos"}],
    )
    assert ok.json()["alarms"] == 1
    r = api.post(
        "/api/v1/devices",
        {"serial": "API-1", "type": "sos_pager", "region": "360203001001"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "已登记" in r.json()["detail"][0]["msg"]


@pytest.mark.django_db
def test_the_push_stream_sends_new_events_in_scope(sos, staff, watch):
    before = AlarmEvent.objects.order_by("id").first().id - 1
    stream = client_for(staff["olga"]).get(f"/alarms/stream/?after={before}&seconds=1")
    assert stream["Content-Type"] == "text/event-stream"
    body = b"".join(stream.streaming_content).decode()
    assert (
        "event: alarm" in body
        and '"kind": "sos"' in body
        and '"elder": "李桂兰"' in body
    )
    assert OperatorPresence.objects.filter(user=staff["olga"]).exists()
    other = client_for(staff["otto"]).get(f"/alarms/stream/?after={before}&seconds=1")
    assert "event: alarm" not in b"".join(other.streaming_content).decode()
    from django.test import Client

    assert Client().get("/alarms/stream/").status_code == 401


@pytest.mark.django_db
def test_an_event_that_commits_after_a_later_one_still_reaches_the_console(sos, staff):
    """Concurrent ingests commit out of id order. The stream's SSE id is the point below which
    every event was sent, so a console resuming from it still gets the event that committed late
    (core.push.Horizon)."""
    import re

    alarm = sos
    last = AlarmEvent.objects.order_by("-id").first().id
    AlarmEvent.objects.create(
        id=last + 5, alarm=alarm, kind="repeated", note="后提交的更晚事件"
    )
    olga = client_for(staff["olga"])
    body = b"".join(
        olga.get(f"/alarms/stream/?after={last}&seconds=1").streaming_content
    ).decode()
    assert f'"id": {last + 5}' in body
    resume = set(re.findall(r"^id: (\d+)$", body, re.M))
    assert resume == {str(last)}  # ids last+1 … last+4 are not committed yet
    AlarmEvent.objects.create(
        id=last + 2, alarm=alarm, kind="repeated", note="先取号后提交"
    )
    body = b"".join(
        olga.get(f"/alarms/stream/?after={last}&seconds=1").streaming_content
    ).decode()
    assert f'"id": {last + 2}' in body


@pytest.mark.django_db
def test_events_beyond_one_page_above_a_hole_still_reach_the_console(
    sos, staff, monkeypatch
):
    """An id that never commits (a rolled-back ingest) holds the stream's floor for 30 s. The
    events committed above it may be more than one page of ids: the stream reads on past the
    first page rather than wait for the hole to be given up."""
    from yanglao.alarms import views

    monkeypatch.setattr(views, "STREAM_PAGE", 2)
    last = AlarmEvent.objects.order_by("-id").first().id
    for i in range(2, 7):  # last + 1 is the hole
        AlarmEvent.objects.create(
            id=last + i, alarm=sos, kind="repeated", note=f"信号 {i}"
        )
    body = b"".join(
        client_for(staff["olga"])
        .get(f"/alarms/stream/?after={last}&seconds=1")
        .streaming_content
    ).decode()
    assert [f'"id": {last + i}' in body for i in range(2, 7)] == [True] * 5
