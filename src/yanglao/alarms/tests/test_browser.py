"""In a real browser (headless Chromium): an operator at the console sees an SOS from the device
simulator arrive without reloading, acknowledges it, logs what was done and resolves it; an alarm
nobody acknowledges escalates and the console flags it."""

from __future__ import annotations

import re

import pytest

from yanglao.alarms import simulate
from yanglao.alarms.models import Alarm
from yanglao.conftest import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_operator_answers_an_sos_from_the_simulator(
    staff, watch, live_server, chromium, settings, day_watch
):
    from playwright.sync_api import expect

    page = day_watch.follow(chromium.new_page(locale="zh-CN"), "operator")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("olga")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="紧急呼叫").click()
    expect(page.get_by_text("当前没有未办结的告警")).to_be_visible()
    expect(page.locator("#live")).to_have_text("实时连接", timeout=10_000)
    page.evaluate("window.__same_page = true")

    device = simulate.SimDevice(watch.serial, watch.secret, 29.292, 117.205)
    counts = simulate.run_http(
        [device],
        url=live_server.url,
        rate=4,
        duration=0.5,
        batch=1,
        threads=1,
        stream=simulate.Telemetry(sos=1.0, fall=0, episode=0, high_bp=0),
    )
    assert counts.acked >= 1 and counts.alarm_worthy[0][3] == "sos"

    # It arrives at the top of the console, flashing, and in the tab's title (issue 21).
    banner = page.locator("#arrivals")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("新告警")
    expect(banner).to_contain_text("李桂兰")
    queue = page.locator("#queue li.alarm")
    expect(queue).to_have_count(1, timeout=10_000)
    expect(page).to_have_title(re.compile(r"^\(1\) 接警台"))
    expect(queue.first).to_contain_text("一键呼叫")
    expect(queue.first).to_contain_text("李桂兰")
    assert (
        page.evaluate("window.__same_page") is True
    )  # it arrived by push, not by reloading
    card = page.locator("#card")
    expect(card).to_contain_text("李明（儿子）", timeout=10_000)
    expect(card).to_contain_text("塘坪新村 3 栋")

    card.get_by_role("button", name="接警", exact=True).click()
    expect(page.get_by_text("已接警").first).to_be_visible()
    expect(banner).to_be_hidden(
        timeout=10_000
    )  # acknowledged: no longer flashing at the top
    expect(page).to_have_title(re.compile(r"^接警台"))
    # Calling the family from the card: the number to dial, then the outcome in one tap.
    family = page.locator("#card .contacts li", has_text="李明（儿子）")
    family.get_by_role("button", name="拨打").click()
    dial = page.get_by_role("link", name=re.compile("13800138000"))
    expect(dial).to_have_attribute("href", "tel:13800138000")
    page.get_by_role("button", name="已接通").click()
    expect(page.locator("#card")).to_contain_text("李明（儿子）：已接通")
    page.locator("#card").get_by_label("说明", exact=True).fill("派网格员王芳上门")
    page.locator("#card").get_by_role("button", name="记录处置").click()
    expect(page.locator("#card")).to_contain_text("派网格员王芳上门")
    page.locator("#card").get_by_label("处置结果").select_option(
        label="真实紧急，已处置"
    )
    page.locator("#card").get_by_role("button", name="办结").click()
    expect(page.get_by_text("当前没有未办结的告警")).to_be_visible()
    alarm = Alarm.objects.get()
    assert alarm.status == "resolved" and alarm.outcome == "real"
    assert alarm.acknowledged_by.username == "olga"
    assert list(
        alarm.events.filter(kind="action").values_list("action", flat=True)
    ) == ["call_family", "call_family", "dispatch"]

    # Nobody answers the next one: it escalates to the shift lead and the console flags it.
    settings.ALARM_ACK_SECONDS = 1
    simulate.run_http(
        [device],
        url=live_server.url,
        rate=4,
        duration=0.5,
        batch=1,
        threads=1,
        stream=simulate.Telemetry(seed=2, sos=1.0, fall=0, episode=0, high_bp=0),
    )
    expect(page.locator("#queue li.escalated")).to_have_count(1, timeout=15_000)
    expect(page.locator("#queue li.escalated")).to_contain_text("已升级")
    assert Alarm.objects.get(status="new").escalated_at is not None
    day_watch.check(page, "operator")
    page.close()
    day_watch.assert_clean()
