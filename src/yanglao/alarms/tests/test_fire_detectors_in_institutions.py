"""Issue 23 §10: an institution's smoke and gas detectors are installed in the institution (not
bound to a resident). Their smoke or gas alarm reaches the operators of the institution's area as
an alarm about the institution, with its duty line to call; their state (in alarm, offline, never
heard, low battery) shows on the institution's page and in supervision's emergency overview."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.alarms import services
from yanglao.alarms.conftest import now_ms, post
from yanglao.alarms.models import Alarm, Binding, Device, Notification
from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="塘坪颐养院",
        type="private_home",
        ownership="private",
        region=regions["street"],
        address="塘坪路 8 号",
        duty_phone="0798-8221234",
        fire_safety="accepted",
        fire_safety_date=dt.date(2024, 5, 1),
    )


@pytest.fixture
def smoke(staff, regions, home):
    device, secret = services.device_register(
        by=staff["admin"], serial="S0001", type="smoke", region=regions["zhushan"]
    )
    services.device_bind_facility(
        by=staff["admin"], device=device, facility=home, note="二楼走廊"
    )
    device.refresh_from_db()
    device.secret = secret
    return device


def test_a_smoke_event_opens_one_alarm_about_the_institution_in_its_area(
    smoke, home, staff
):
    assert smoke.facility == home and smoke.region == home.region
    assert Binding.objects.get(device=smoke).facility == home
    post(smoke, [{"id": "e1", "ts": now_ms() / 1000, "event": "smoke"}])
    post(smoke, [{"id": "e2", "ts": now_ms() / 1000, "event": "smoke"}])
    alarm = Alarm.objects.get()
    assert (alarm.facility, alarm.elder, alarm.kind) == (home, None, "smoke")
    assert alarm.region == home.region and alarm.signals == 2
    assert not Notification.objects.exists()  # no family to tell
    # The operator of 珠山区 has it in the queue and on the card, with the duty line to call.
    olga = client_for(staff["olga"])
    queue = olga.get("/alarms/queue/").content.decode()
    assert "塘坪颐养院" in queue
    card = olga.get(f"/alarms/{alarm.pk}/card/").content.decode()
    assert "0798-8221234" in card and "拨打机构值班电话" in card
    assert "个人报警阈值" not in card
    called = olga.post(f"/alarms/{alarm.pk}/call/", {"next": "detail"})
    assert 'href="tel:07988221234"' in called.content.decode()
    assert alarm.events.filter(action="call_facility").exists()
    # An operator of 浮梁县 does not see it.
    assert client_for(staff["otto"]).get(f"/alarms/{alarm.pk}/").status_code == 404


def test_only_fire_detectors_are_installed_in_an_institution(staff, regions, home):
    watch, _ = services.device_register(
        by=staff["admin"], serial="W0009", type="watch", region=regions["zhushan"]
    )
    with pytest.raises(ValidationFailed) as exc:
        services.device_bind_facility(by=staff["admin"], device=watch, facility=home)
    assert "烟感、燃气" in exc.value.errors["facility"]
    watch.refresh_from_db()
    assert watch.facility is None and not Binding.objects.filter(device=watch).exists()


def test_an_operator_cannot_install_a_detector_in_another_areas_institution(
    staff, regions
):
    far = Facility.objects.create(
        name="浮梁敬老院",
        type="private_home",
        ownership="public",
        region=regions["town"],
    )
    device, _ = services.device_register(
        by=staff["admin"], serial="S0002", type="smoke", region=regions["zhushan"]
    )
    page = client_for(staff["bob"]).get(f"/alarms/devices/{device.pk}/").content
    assert "安装到机构".encode() in page and "浮梁敬老院".encode() not in page
    response = client_for(staff["bob"]).post(
        f"/alarms/devices/{device.pk}/bind-facility/", {"facility": far.pk}, follow=True
    )
    assert "请选择本辖区的机构" in response.content.decode()
    assert Device.objects.get(pk=device.pk).facility is None


def test_a_silent_detector_raises_offline_and_shows_on_the_institution(
    smoke, home, staff
):
    post(smoke, [{"id": "b1", "ts": now_ms() / 1000, "battery": 80}])
    later = now_ms() + 3 * 3_600_000
    assert services.check_silence(now_ms_=later) == 1
    alarm = Alarm.objects.get(kind="offline")
    assert alarm.facility == home and alarm.device == smoke
    page = client_for(staff["bob"]).get(f"/facilities/{home.pk}/").content.decode()
    assert "消防物联设备" in page and "报警中：设备离线" in page


def test_the_emergency_overview_counts_faulty_detectors_and_filters_them(
    smoke, home, staff, regions
):
    Facility.objects.create(
        name="无探测器敬老院",
        type="private_home",
        ownership="public",
        region=regions["street"],
    )
    bob = client_for(staff["bob"])
    post(smoke, [{"id": "b1", "ts": now_ms() / 1000, "battery": 80}])
    overview = bob.get("/supervision/emergency/").content.decode()
    assert "1 台正常" in overview and "未安装" in overview
    post(smoke, [{"id": "e1", "ts": now_ms() / 1000, "event": "gas"}])
    faulty = bob.get("/supervision/emergency/?lack=detector").content.decode()
    assert "1 台，1 台异常" in faulty and "无探测器敬老院" not in faulty
    detail = bob.get(f"/supervision/emergency/{home.pk}/").content.decode()
    assert "报警中：燃气泄漏" in detail


def test_the_api_installs_a_detector_and_lists_the_institutions_alarm(
    staff, regions, home, api_token
):
    api = api_token(staff["bob"])
    device, secret = services.device_register(
        by=staff["admin"], serial="G0001", type="gas", region=regions["zhushan"]
    )
    r = api.post(
        f"/api/v1/devices/{device.pk}/install",
        {"facility_id": home.pk, "note": "厨房"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert (r.json()["facility_id"], r.json()["elder_id"]) == (home.pk, None)
    device.secret = secret
    post(device, [{"id": "g1", "ts": now_ms() / 1000, "event": "gas"}])
    (alarm,) = api.get("/api/v1/alarms?status=open").json()["items"]
    assert (alarm["facility"], alarm["elder_id"], alarm["kind"]) == (
        "塘坪颐养院",
        None,
        "gas",
    )
