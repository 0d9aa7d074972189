"""In a real browser (headless Chromium) on the demo city: a bureau clerk checks a person against
the programmes, then approves this month's cycle that another clerk computed, and makes the
payment files."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.benefits.models import Cycle, Entitlement
from yanglao.demo.generator import build_demo_city


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def test_clerk_checks_a_person_and_approves_the_cycle(
    demo, live_server, chromium, day_watch
):
    from playwright.sync_api import expect

    paid = (
        Entitlement.objects.filter(kind="regular", programme__code="gaoling")
        .select_related("elder")
        .first()
    )
    page = day_watch.follow(chromium.new_page(locale="zh-CN"), "clerk")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(demo["admin"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="补贴津贴").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    page.get_by_role("link", name="高龄津贴").first.click()
    expect(page.get_by_text("年满 80 周岁（按当月1日计）")).to_be_visible()
    page.get_by_label("身份证号或姓名").fill(paid.elder.name)
    page.get_by_role("button", name="核查").click()
    expect(page.get_by_text("✓ 户籍在景德镇市").first).to_be_visible()
    # This month's cycle, computed by the city clerk, waits for a second person's approval.
    cycle = Cycle.objects.get(status="computed")
    page.goto(f"{live_server.url}/benefits/cycles/{cycle.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("待审批")
    page.get_by_role("link", name="审批…").click()
    expect(page.get_by_text("本月合计")).to_be_visible()  # it asks first
    page.get_by_role("button", name=re.compile("^确认审批，合计 .+元$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已审批")
    page.get_by_role("button", name="生成发放文件").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("发放批次")
    expect(page.get_by_role("link", name="Excel").first).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == "approved" and cycle.approved_by.username == "admin"
    day_watch.check(page, "clerk")
    day_watch.assert_clean()
