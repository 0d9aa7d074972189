"""医养结合 in Chromium: the institution's director logs a patrol visit on its contract from its own
page, on a phone; the city clerk records a 特困 person's willingness (confirmed by a guardian),
finds the person ranked in the admission queue with the reason, offers them a 护理型 bed of the
county's network, records their acceptance — they are admitted — and JDZ-1 and JDZ-2 change on
the leader's view."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.demo.generator import build_demo_city


def _log_in(chromium, watch, url, username, password, viewport):
    page = watch.follow(
        chromium.new_context(viewport=viewport, locale="zh-CN").new_page(), username
    )
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return page


@pytest.mark.django_db(transaction=True)
def test_a_patrol_visit_and_a_willingness_on_the_way_to_the_queue(
    live_server, chromium, day_watch
):
    from playwright.sync_api import expect

    from yanglao.accounts.models import User
    from yanglao.elders.models import Category, Elder, Status
    from yanglao.elders.selectors import active_category_q
    from yanglao.facilities.models import Bed, Facility
    from yanglao.facilities.selectors import in_care_q
    from yanglao.indicators.services import refresh_current
    from yanglao.medical.models import BedOffer, Patrol, Willingness
    from yanglao.medical.selectors import (
        NETWORK_TYPES,
        bed_choices,
        county_of,
        queue_place_of,
    )

    today = dt.date.today()
    logins = {
        a["username"]: a["password"]
        for a in build_demo_city(scale=0.003, today=today, progress=lambda m: None)
    }
    url = live_server.url
    phone = _log_in(
        chromium,
        day_watch,
        url,
        "facility",
        logins["facility"],
        {"width": 360, "height": 740},
    )
    phone.locator("summary", has_text="菜单").click()  # folded on a phone
    phone.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="我的机构"
    ).click()
    phone.get_by_role("link", name="景德镇市社会福利院").first.click()
    section = phone.locator("section", has_text="医养结合").first
    expect(section).to_contain_text("有效签约")
    section.get_by_role("link", name="签约：").first.click()
    before = Patrol.objects.count()
    phone.get_by_label("巡诊日期").fill(f"{today:%Y-%m-%d}")
    phone.get_by_label("巡诊医生").fill("王医生")
    phone.get_by_label("诊视老人（人）").fill("18")
    phone.get_by_role("button", name="登记").click()
    expect(phone.locator(".messages")).to_contain_text("已登记巡诊")
    expect(phone.locator("main")).to_contain_text("王医生")
    assert Patrol.objects.count() == before + 1
    day_watch.check(phone, "facility")

    person = (
        Elder.objects.filter(
            active_category_q(Category.TEKUN, today), status=Status.ACTIVE
        )
        .exclude(in_care_q(today))
        .order_by("pk")
        .first()
    )
    desk = _log_in(
        chromium, day_watch, url, "city", logins["city"], {"width": 1366, "height": 850}
    )
    desk.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="医养结合"
    ).click()
    desk.get_by_role("link", name="集中供养意愿").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("特困人员集中供养意愿")
    desk.goto(f"{url}/medical/willingness/{person.pk}/")
    desk.get_by_role("radio", name="愿意集中供养").check()
    desk.get_by_role("radio", name="监护人确认").check()
    desk.get_by_label("监护人姓名（监护人确认时）").fill("李监护")
    desk.get_by_role("button", name="登记").click()
    expect(desk.locator(".messages")).to_contain_text("已登记集中供养意愿")
    assert Willingness.objects.filter(elder=person).latest("pk").answer == "willing"
    desk.get_by_role("link", name="入住轮候").click()
    desk_user = User.objects.get(username="city")
    row = desk.locator("tr", has_text=person.name).first
    expect(row).to_contain_text("已等待 0 天")

    # The leader's view before the admission: JDZ-1 and JDZ-2 as the clock last computed them.
    refresh_current(max_age_seconds=0)
    leader = _log_in(
        chromium,
        day_watch,
        url,
        "leader",
        logins["leader"],
        {"width": 1366, "height": 850},
    )
    leader.goto(f"{url}/indicators/")
    jdz1 = leader.locator("tr", has_text="JDZ-1").first
    jdz2 = leader.locator("tr", has_text="JDZ-2").first
    before = (jdz1.inner_text(), jdz2.inner_text())

    # A free 护理型 bed of the county's network is offered, accepted, and the person moves in.
    place = queue_place_of(by=desk_user, elder=person, today=today)
    if not bed_choices(
        by=desk_user, elder=person, nursing=place.nursing_bed, today=today
    ):
        network = Facility.objects.filter(
            type__in=NETWORK_TYPES,
            region__path__startswith=county_of(person.residence_region).path,
        ).first()
        Bed.objects.create(facility=network, code="WALK-1", kind="nursing")
    row.get_by_role("link", name="安排床位").click()
    desk.get_by_role("button", name="安排").click()
    expect(desk.locator(".messages")).to_contain_text("待本人答复")
    desk.get_by_role("radio", name="接受，办理入住").check()
    desk.get_by_role("button", name="登记答复").click()
    expect(desk.locator("h1")).to_contain_text("已接受并入住")
    offer = BedOffer.objects.get(elder=person)
    assert offer.admission.elder_id == person.pk
    day_watch.check(desk, "city")

    refresh_current(max_age_seconds=0)  # what the clock does within a minute
    leader.reload()
    after = (jdz1.inner_text(), jdz2.inner_text())
    assert after[0] != before[0]  # JDZ-1: one more willing person in care
    if (person.ability_level or 0) >= 2:
        assert after[1] != before[1]  # JDZ-2 counts the disabled among them
    day_watch.check(leader, "leader")
