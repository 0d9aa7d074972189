"""Issue 22, "Done when", in Chromium on the demo city: the 领导 sees every Jingdezhen target with
its value and status on a desk and on the 大屏; two clicks from 农村互助养老服务设施覆盖率 to the
villages without a station; a county clerk downloads the 专栏 table; one clerk reports the
lottery-fund figure and another approves it. Every page: no console error, fits the screen, no
serious axe violation (DayWatch)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.demo.generator import build_demo_city


def _log_in(chromium, url, account, password, watch, viewport):
    page = watch.follow(
        chromium.new_context(
            viewport=viewport, locale="zh-CN", accept_downloads=True
        ).new_page(),
        account,
    )
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(account)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True)
def test_a_leader_reads_the_targets_and_clerks_report_and_approve(
    live_server, chromium, day_watch
):
    from playwright.sync_api import expect

    logins = {
        a["username"]: a["password"]
        for a in build_demo_city(
            scale=0.003, today=dt.date.today(), progress=lambda m: None
        )
    }
    url = live_server.url
    desk = {"width": 1366, "height": 850}
    leader = _log_in(chromium, url, "leader", logins["leader"], day_watch, desk)
    leader.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="指标目标"
    ).click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text(
        "养老服务主要发展指标"
    )
    table = leader.locator("table.indicators")
    for name in (
        "养老机构护理型床位占比",
        "特殊困难老年人月探访率",
        "福彩公益金用于养老服务占比",
    ):
        expect(table).to_contain_text(name)
    expect(table.locator(".tag").first).to_be_visible()
    day_watch.check(leader, "leader")
    # two clicks: the indicator, then the records behind its gap
    leader.get_by_role("link", name="农村互助养老服务设施覆盖率").click()
    expect(
        leader.locator("svg.map")
    ).to_be_visible()  # the counties coloured by the target
    day_watch.check(leader, "leader")
    leader.get_by_role("link", name=re.compile("查看未达标明细")).click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("未达标明细")
    assert leader.locator("table tbody tr").count() >= 1
    expect(leader.locator("table tbody")).to_contain_text("村")
    day_watch.check(leader, "leader")
    # the wall of the command room
    wall = _log_in(
        chromium,
        url,
        "leader",
        logins["leader"],
        day_watch,
        {"width": 1920, "height": 1080},
    )
    wall.goto(f"{url}/indicators/?screen=1")
    expect(wall.locator(".big-screen table.indicators")).to_contain_text(
        "养老机构护理型床位占比"
    )
    day_watch.check(wall, "leader 大屏")

    # a county clerk downloads the 专栏 table of their county
    county = _log_in(chromium, url, "county", logins["county"], day_watch, desk)
    county.goto(f"{url}/indicators/")
    with county.expect_download() as download:
        county.get_by_role("link", name=re.compile("导出专栏表")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert "浮梁县" in download.value.suggested_filename

    # one clerk reports the lottery-fund share, the administrator approves it
    clerk = _log_in(chromium, url, "city", logins["city"], day_watch, desk)
    clerk.goto(f"{url}/indicators/reports/new/")
    clerk.get_by_role("combobox", name=re.compile("^指标")).select_option(
        label="福彩公益金用于养老服务占比"
    )
    clerk.get_by_label("地区（区划代码）").fill("360200")
    clerk.get_by_label("统计期").fill(str(dt.date.today().year - 1))
    clerk.get_by_label("分子（或数量）").fill("5600000")
    clerk.get_by_label("分母（比率指标必填）").fill("9000000")
    clerk.get_by_label("数据依据").fill("景财社〔2026〕12号")
    clerk.get_by_role("button", name="提交审核").click()
    expect(clerk.locator(".messages")).to_contain_text("已提交填报")
    expect(clerk.get_by_text("待他人审核")).to_be_visible()  # not by themselves
    day_watch.check(clerk, "city")
    admin = _log_in(chromium, url, "admin", logins["admin"], day_watch, desk)
    admin.goto(f"{url}/indicators/reports/?state=pending")
    admin.get_by_role("button", name="通过").click()
    expect(admin.locator(".messages")).to_contain_text("已审核")
    admin.goto(f"{url}/indicators/?year={dt.date.today().year - 1}")
    row = admin.locator("tr", has_text="福彩公益金用于养老服务占比")
    expect(row).to_contain_text("62.2%")
    expect(row).to_contain_text("填报")
    day_watch.assert_clean()
