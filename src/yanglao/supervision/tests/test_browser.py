"""Issue 23, "Done when" (the draw), in Chromium: a clerk builds a plan, publishes the commitment,
enters the meeting's random number and the draw appears; the public page shows it without logging
in, and the verify command re-derives it from the downloaded record."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.accounts.models import User
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
def test_a_clerk_draws_and_anyone_re_derives_it(
    live_server, chromium, day_watch, tmp_path
):
    from playwright.sync_api import expect

    from yanglao.cli import main

    logins = {
        a["username"]: a["password"]
        for a in build_demo_city(
            scale=0.003, today=dt.date.today(), progress=lambda m: None
        )
    }
    url = live_server.url
    desk, phone_screen = {"width": 1366, "height": 850}, {"width": 360, "height": 740}
    page = _log_in(chromium, day_watch, url, "city", logins["city"], desk)
    page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="综合监管"
    ).click()
    page.get_by_text("新建抽查计划").click()
    page.get_by_label("计划编号").fill("JDZ-TEST-01")
    page.get_by_label("计划名称").fill("消防安全专项抽查")
    page.get_by_label("地区（区划代码）").fill("360222")
    page.get_by_label("抽取比例（%）").fill("50")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("消防安全专项抽查")
    page.get_by_role("button", name="公示承诺值").click()
    commitment = page.locator("code.hash").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", commitment)
    page.get_by_label("公开随机数").fill("03 17 22 29 35")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator(".messages")).to_contain_text("已抽取并公示结果")
    assert page.locator("table tbody tr").count() >= 1
    day_watch.check(page, "city")

    public = day_watch.follow(
        chromium.new_context(viewport=phone_screen, locale="zh-CN").new_page(), "public"
    )
    public.goto(f"{url}/public/draws/")
    public.get_by_role("link", name=re.compile("JDZ-TEST-01")).click()
    expect(public.locator("main")).to_contain_text("本页已按公开方法复核")
    expect(public.locator("main")).to_contain_text("03 17 22 29 35")
    day_watch.check(public, "public")
    with public.expect_download() as download:
        public.get_by_role("link", name="下载抽取记录（JSON）").click()
    saved = tmp_path / "record.json"
    download.value.save_as(saved)
    assert main(["supervision", "verify-draw", str(saved)]) == 0

    # the team inspects the facility admin's institution on a phone; one item fails
    from yanglao.facilities.models import Staff
    from yanglao.supervision import services
    from yanglao.supervision.checklists import GB38600

    own = Staff.objects.get(user__username="facility").facility
    inspection = services.inspection_start(
        by=User.objects.get(username="city"), facility=own
    )
    phone = _log_in(chromium, day_watch, url, "city", logins["city"], phone_screen)
    phone.goto(f"{url}/supervision/inspections/{inspection.pk}/")
    for code, *_rest in GB38600["items"]:
        group = phone.locator("fieldset", has_text=code + " ").first
        group.get_by_label("不符合" if code == "6-6" else "符合", exact=True).check()
    phone.locator("input[name='n-6-6']").fill("二楼走廊扶手松动")
    phone.get_by_role("button", name="全部检查完毕，签署").click()
    expect(phone.locator(".messages")).to_contain_text("不符合项已生成整改单")
    day_watch.check(phone, "city")

    director = _log_in(chromium, day_watch, url, "facility", logins["facility"], desk)
    director.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="整改"
    ).click()
    director.get_by_role("link", name=re.compile("^6-6")).click()
    director.get_by_label("整改措施与佐证材料").fill(
        "已更换二楼走廊扶手并全面排查，附照片。"
    )
    director.get_by_role("button", name="提交整改情况").click()
    expect(director.locator(".messages")).to_contain_text("待民政部门核查")
    day_watch.check(director, "facility")
    day_watch.assert_clean()
