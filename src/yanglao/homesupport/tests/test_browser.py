"""Issue 25's done-when in a real browser (headless Chromium): a community worker files a
modification application from a visit finding, the assessor fills the home checklist on a phone
with a photo, the street prices the plan, the contractor completes, the family's confirmation is
recorded at acceptance, and the subsidy appears in the next cycle with its explanation; a lending
point lends a wheelchair, takes it back and it cannot be lent until cleaned; a family books three
respite days; JDZ-5 rises on the leadership view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.benefits import services as benefits
from yanglao.conftest import PASSWORD, make_user
from yanglao.elders.models import Elder
from yanglao.elders.services import category_add
from yanglao.homecare.models import FamilyLink
from yanglao.homesupport import services
from yanglao.homesupport.models import ModificationProject, RespiteStay
from yanglao.homesupport.tests.conftest import assess
from yanglao.homesupport.tests.test_a_modification_goes_from_application_to_subsidy import (
    PNG,
    _finding,
)
from yanglao.indicators import services as indicators

pytestmark = pytest.mark.django_db(transaction=True)
DESK, PHONE = {"width": 1366, "height": 850}, {"width": 360, "height": 740}


@pytest.fixture
def city(users, regions, make_elder, shilaohua, chuanxi, contractor, assessor, home):
    poor = make_elder(name="改造甲", birth=dt.date(1944, 2, 2))
    category_add(
        by=users["alice"], elder=poor, category="dibao", start_date=dt.date(2024, 1, 1)
    )
    _finding(poor, regions, users)
    services.quota_set(
        by=users["alice"],
        region=regions["zhushan"],
        year=timezone.localdate().year,
        households=5,
    )
    point = services.point_create(
        by=users["carol"], name="塘坪社区辅具借用点", region=regions["tangping"].code
    )
    chair = services.device_add(
        by=users["carol"],
        point=point,
        kind="wheelchair",
        serial="LY-0001",
        acquired_on=timezone.localdate(),
        deposit_fen=20000,
    )
    frail = make_elder(name="借用甲")
    Elder.objects.filter(pk=frail.pk).update(ability_level=2)
    cared = make_elder(name="喘息甲", birth=dt.date(1938, 1, 1))
    assess(users, cared, 3)
    daughter = make_user("nv", "family", None)
    FamilyLink.objects.create(
        user=daughter,
        elder=cared,
        relation="女儿",
        consent="elder",
        consent_by=users["carol"],
    )
    make_user("sj", "street", regions["street"])
    indicators.catalogue_install()
    indicators.refresh_current(max_age_seconds=0)
    return {"chair": chair}


def test_the_family_support_day(city, users, regions, live_server, chromium, day_watch):
    from playwright.sync_api import expect

    url = live_server.url

    def log_in(username, viewport=DESK):
        page = day_watch.follow(
            chromium.new_context(viewport=viewport, locale="zh-CN").new_page(), username
        )
        page.goto(f"{url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        return page

    # The leadership view before: no household accepted this year.
    leader = log_in("lee")
    year = timezone.localdate().year
    leader.goto(f"{url}/indicators/JDZ-5/?region=360200&period={year}")
    expect(leader.get_by_role("heading", level=1)).to_contain_text("居家适老化改造")
    figure = leader.locator(".big-number")
    expect(figure).to_have_count(0)  # no household accepted yet: no value

    # 1. The community worker files from the visit finding.
    carol = log_in("carol")
    carol.get_by_role("navigation").get_by_role("link", name="适老化改造").click()
    expect(carol.locator("svg.chart").first).to_be_attached()
    carol.get_by_role("link", name="1", exact=True).click()  # 探访发现待申请
    carol.get_by_role("link", name="申请改造").click()
    expect(carol.get_by_text("来自探访发现：改造甲 · 跌倒风险")).to_be_visible()
    carol.get_by_label("申请人姓名").fill("改造甲之子")
    carol.get_by_label("入户评估人员").select_option(label="pinggu")
    carol.get_by_role("button", name="保存").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text("已申请，待入户评估")
    day_watch.check(carol, "carol")
    project = ModificationProject.objects.get()

    # 2. The assessor on a phone: a photo before, the checklist ticked.
    phone = log_in("pinggu", PHONE)
    phone.goto(f"{url}/homesupport/modifications/{project.pk}/")
    phone.get_by_role("link", name="入户评估（手机填写）").click()
    phone.get_by_label("拍照或选择照片").set_input_files(
        {"name": "before.png", "mimeType": "image/png", "buffer": PNG}
    )
    phone.get_by_role("button", name="上传照片").click()
    expect(phone.get_by_text("照片已上传")).to_be_visible()
    for code in ("W01", "F01", "A07"):  # 如厕扶手, 地面防滑, 紧急呼叫器
        phone.locator(f'input[name="need_{code}"]').check()
    phone.get_by_label("安装扶手 现状").last.fill("坐便器旁无扶手")
    phone.get_by_role("button", name="提交入户评估").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("已入户评估")
    day_watch.check(phone, "assessor")

    # 3. The street office prices the plan and names the contractor.
    street = log_in("sj")
    street.goto(f"{url}/homesupport/modifications/{project.pk}/")
    street.get_by_label("安装扶手 数量").fill("2")
    street.get_by_label("防滑处理 数量").fill("6")
    street.get_by_label("安全监控装置（紧急呼叫器） 数量").fill("1")
    street.get_by_label("施工单位").select_option(label="安居适老化工程公司")
    street.get_by_role("button", name="确定方案，交付施工").click()
    expect(street.get_by_role("heading", level=1)).to_contain_text("施工中")
    expect(street.get_by_text("政府补贴 780.00元")).to_be_visible()

    # 4. The contractor: a photo after, the call button's serial, done.
    firm = log_in("builder", PHONE)
    firm.goto(f"{url}/homesupport/modifications/{project.pk}/")
    firm.get_by_label("照片").set_input_files(
        {"name": "after.png", "mimeType": "image/png", "buffer": PNG}
    )
    firm.get_by_role("button", name="上传").click()
    firm.get_by_label("安全监控装置（紧急呼叫器） 设备编号").fill("SOS-WALK-1")
    firm.get_by_role("button", name="报施工完成").click()
    expect(firm.get_by_role("heading", level=1)).to_contain_text("待验收")

    # 5. Acceptance with the family's confirmation.
    carol.goto(f"{url}/homesupport/modifications/{project.pk}/")
    carol.get_by_label("老年人本人或家属已现场确认改造完成").check()
    carol.get_by_label("确认人姓名").fill("改造甲之子")
    carol.get_by_label("与老年人关系").fill("儿子")
    carol.get_by_role("button", name="验收通过").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text("已验收")
    expect(carol.get_by_text("待下一发放周期")).to_be_visible()

    # 6. The next cycle pays it with its explanation.
    cycle = benefits.cycle_run(
        benefits.cycle_start(
            by=users["alice"],
            month=timezone.localdate(),
            region=regions["city"],
        ).pk
    )
    alice = log_in("alice")
    alice.goto(f"{url}/benefits/cycles/{cycle.pk}/?kind=item")
    expect(alice.get_by_text(f"居家适老化改造 {project.number}").first).to_be_visible()
    expect(alice.get_by_text("安装扶手 2个×150.00元").first).to_be_visible()
    day_watch.check(alice, "alice")

    # 7. The lending point: lend, take back, not lendable until cleaned.
    chair = city["chair"]
    carol.goto(f"{url}/homesupport/aids/devices/{chair.pk}/")
    carol.get_by_label("借用老人（姓名或身份证号）").fill("借用甲")
    carol.get_by_role("button", name="借出").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text("借出")
    carol.get_by_role("button", name="归还").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text("待清洁消毒")
    expect(carol.get_by_role("button", name="借出")).to_have_count(0)
    carol.get_by_role("button", name="已清洁消毒，检验合格").click()
    expect(carol.get_by_role("button", name="借出")).to_be_visible()

    # 8. A family books three respite days.
    family = log_in("nv", PHONE)
    family.goto(f"{url}/homesupport/respite/new/")
    family.get_by_label("天数").fill("3")
    family.get_by_label("机构床位").select_option(index=1)
    family.get_by_label("家庭照护者").fill("女儿")
    family.get_by_role("button", name="保存").click()
    expect(family.get_by_role("heading", level=1)).to_contain_text("已预约")
    expect(family.get_by_text("未参加照护培训")).to_be_visible()
    assert RespiteStay.objects.get().days == 3
    day_watch.check(family, "family")

    # 9. JDZ-5 rises on the leadership view.
    indicators.refresh_current(max_age_seconds=0)
    leader.reload()
    expect(figure).to_have_text("1.0户")
    day_watch.check(leader, "leader")
    day_watch.assert_clean()
