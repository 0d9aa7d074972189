"""Two assessors complete an assessment on a phone-sized page in a real headless Chromium,
including answers chosen while the connection is down."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.assessments.models import Assessment, Status
from yanglao.demo.generator import build_demo_city


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def _log_in(page, url, username, password):
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_assessors_complete_an_assessment_on_a_phone(
    demo, live_server, chromium, tmp_path, day_watch
):
    from playwright.sync_api import expect

    url = live_server.url
    phone = {
        "viewport": {"width": 390, "height": 844},
        "locale": "zh-CN",
        "is_mobile": True,
        "has_touch": True,
    }
    context = chromium.new_context(**phone)
    page = context.new_page()
    _log_in(page, url, "assessor1", demo["assessor1"])
    page.get_by_text("菜单", exact=True).click()  # on a phone the menu is folded
    page.get_by_role("link", name="我的评估").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的评估任务")
    day_watch.check(page, "assessor1")
    page.locator("table tbody a").first.click()
    a = Assessment.objects.get(
        pk=int(re.search(r"/assessments/(\d+)/", page.url).group(1))
    )
    page.get_by_role("link", name="填写评估表").click()
    state = page.locator("#save-state")
    items = page.locator("fieldset.item:has(input[type=radio])")
    assert items.count() == 26
    day_watch.check(page, "assessor1")
    # The first half online: each choice is saved at once.
    for i in range(13):
        items.nth(i).locator("label.option").nth(1).click()  # the second-best option
    expect(state).to_contain_text("已评 13 / 26 项 · 已保存")
    # The connection drops: the rest wait in the browser, and nothing is lost.
    context.set_offline(True)
    for i in range(13, 26):
        items.nth(i).locator("label.option").nth(1).click()
    page.get_by_label("A.5.1 压力性损伤").check()
    page.locator("input[name=diagnoses]").fill("F01")
    page.locator("input[name=diagnoses]").dispatch_event("change")
    expect(state).to_contain_text("本机")
    a.refresh_from_db()
    assert len(a.answers["items"]) == 13
    page.screenshot(path=str(tmp_path / "offline.png"), full_page=False)
    context.set_offline(False)
    expect(state).to_contain_text("已评 26 / 26 项 · 已保存", timeout=15_000)
    a.refresh_from_db()
    assert len(a.answers["items"]) == 26 and a.answers["diagnoses"] == ["F01"]
    assert a.answers["health"] == ["A.5.1"]
    page.get_by_role("button", name="全部评完，提交评估结果").click()
    expect(page.locator(".messages")).to_contain_text("待小组其他评估员确认")
    context.close()

    # The second assessor confirms on their own phone.
    context = chromium.new_context(**phone)
    page = day_watch.follow(context.new_page(), "assessor2")
    _log_in(page, url, "assessor2", demo["assessor2"])
    page.goto(f"{url}/assessments/{a.pk}/")
    page.get_by_role("button", name="确认评估结果").click()
    expect(page.locator(".messages")).to_contain_text("已确认评估结果")
    a.refresh_from_db()
    assert a.status == Status.COMPLETED and a.final_level is not None
    expect(page.locator("body")).to_contain_text(
        f"最终等级：{a.final_level}级 {a.final_level_name}"
    )
    a.elder.refresh_from_db()
    assert a.elder.ability_level == a.final_level
    page.get_by_role("link", name="评估报告").click()
    expect(page.locator(".final-level")).to_have_text(
        f"{a.final_level}级 {a.final_level_name}"
    )
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    day_watch.check(page, "assessor2")
    context.close()
    day_watch.assert_clean()
