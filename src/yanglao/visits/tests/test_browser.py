"""A community worker on a phone opens the monthly list, records a visit at the home with a
finding, and the finding appears in the community's follow-up inbox (headless Chromium)."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.accounts.models import User
from yanglao.core.idnumber import make
from yanglao.demo.generator import build_demo_city
from yanglao.elders.services import elder_create
from yanglao.visits.models import FollowUp, RosterEntry
from yanglao.visits.services import roster_build


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def test_worker_visits_on_a_phone(demo, live_server, chromium, day_watch):
    from playwright.sync_api import expect

    worker = User.objects.get(username="community")
    # Someone living alone in the worker's community, registered today: the roster picks them up.
    elder_create(
        by=User.objects.get(username="admin"),
        name="探访甲",
        id_number=make("360203", dt.date(1940, 5, 6), 21),
        residence_region=worker.region.code,
        living_arrangement="alone",
        lat=29.29,
        lng=117.21,
    )
    roster_build(month=dt.date.today().replace(day=1))
    entry = RosterEntry.objects.get(visitor=worker, elder__name="探访甲")
    home = {
        "latitude": entry.elder.lat + 0.0003,
        "longitude": entry.elder.lng,
    }  # ~35 m away
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation=home,
        permissions=["geolocation"],
    )
    page = day_watch.follow(context.new_page(), "community")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("community")
    page.get_by_label("密码").fill(demo["community"])
    page.get_by_role("button", name="登录").click()
    page.get_by_text("菜单", exact=True).click()  # on a phone the menu is folded
    page.get_by_role("navigation").get_by_role("link", name="探访关爱").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("探访名单")
    page.get_by_role("link", name=entry.elder.name).first.click()
    expect(page.locator("#geo-state")).to_contain_text("已获取签到位置")
    page.get_by_role("radio", name="上门").check()
    page.get_by_label("身体状况").fill("血压偏高")
    page.get_by_label("无取暖/降温").check()
    page.get_by_label("老年人（或家属）已确认本次探访").check()
    # The connection drops as the worker submits: the record waits on the phone, then goes.
    context.set_offline(True)
    page.get_by_role("button", name="提交探访记录").click()
    expect(page.locator("#geo-state")).to_contain_text("已暂存在本机")
    entry.refresh_from_db()
    assert entry.visits_done == 0
    context.set_offline(False)
    expect(page.locator(".messages")).to_contain_text(
        f"已记录对 {entry.elder.name} 的探访", timeout=20_000
    )
    entry.refresh_from_db()
    assert entry.visits_done == 1
    page.get_by_role("link", name="跟进事项").first.click()
    expect(page.locator("table")).to_contain_text("无取暖/降温")
    expect(page.locator("table")).to_contain_text(entry.elder.name)
    assert FollowUp.objects.get().visit.distance_m < 100
    day_watch.check(page, "community")
    context.close()
    day_watch.assert_clean()
