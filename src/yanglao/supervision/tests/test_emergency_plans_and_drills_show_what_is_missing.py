"""应急预案与演练: an institution records a plan per kind of event and its drills (a drill of a
kind without a plan is refused, as are a future date and a missing head count); the bureau's list
shows who lacks a plan or has not drilled this year; another institution sees none of it."""

import datetime as dt

import pytest

from yanglao.conftest import client_for, make_user
from yanglao.facilities.models import Facility
from yanglao.supervision.models import Drill, EmergencyPlan
from yanglao.supervision.tests.people import make_director

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="昌江颐年院",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )


@pytest.fixture
def director(home, regions):
    user = make_director(home)
    return user


def test_the_institution_records_and_the_bureau_sees_the_gaps(home, director, users):
    client = client_for(director)
    url = f"/supervision/emergency/{home.pk}/"
    today = dt.date.today()
    page = client.post(
        url,
        {
            "action": "drill",
            "kind": "accident",
            "held_on": today.isoformat(),
            "staff": "12",
        },
    ).content.decode()
    assert "该类事件尚未登记应急预案" in page
    client.post(
        url,
        {
            "action": "plan",
            "kind": "accident",
            "title": "火灾事故应急预案",
            "approved_on": "2026-03-01",
        },
    )
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    page = client.post(
        url, {"action": "drill", "kind": "accident", "held_on": tomorrow, "staff": ""}
    ).content.decode()
    assert "日期不能晚于今天" in page and "参加员工人数应在 1 到 5000 之间" in page
    assert Drill.objects.count() == 0
    client.post(
        url,
        {
            "action": "drill",
            "kind": "accident",
            "held_on": today.isoformat(),
            "staff": "12",
            "residents": "30",
            "supplies_ok": "0",
            "supplies_note": "灭火毯 2 条过期",
        },
    )
    drill = Drill.objects.get()
    assert (drill.staff, drill.residents, drill.supplies_ok) == (12, 30, False)
    bureau = client_for(users["bob"])
    assert (
        "昌江颐年院" in bureau.get("/supervision/emergency/?lack=plan").content.decode()
    )
    assert (
        "昌江颐年院"
        not in bureau.get("/supervision/emergency/?lack=drill").content.decode()
    )
    detail = bureau.get(url).content.decode()
    assert "缺少预案：自然灾害、公共卫生事件、社会安全事件" in detail
    assert "灭火毯 2 条过期" in detail


def test_another_institution_cannot_open_or_record(home, regions):
    stranger = make_user("dir2", "facility_admin", regions["street"])
    client = client_for(stranger)
    url = f"/supervision/emergency/{home.pk}/"
    assert client.get(url).status_code == 404
    client.post(
        url,
        {
            "action": "plan",
            "kind": "natural",
            "title": "防汛应急预案",
            "approved_on": "2026-01-01",
        },
    )
    assert EmergencyPlan.objects.count() == 0
