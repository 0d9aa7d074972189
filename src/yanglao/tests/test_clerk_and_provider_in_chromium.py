"""Issue 21, "Done when", in Chromium on the demo city: a clerk finds a person by part of the name
and by pinyin initials and opens their page with all their records; a provider dispatches an
order with the map that shows the home and the named carers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder
from yanglao.elders.naming import syllables
from yanglao.homecare.models import Order


def _log_in(chromium, live_server, account, screen):
    page = chromium.new_context(viewport=screen, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(account["username"])
    page.get_by_label("密码").fill(account["password"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True)
def test_a_clerk_finds_people_as_they_type_and_a_provider_dispatches_on_a_map(
    live_server, chromium
):
    from playwright.sync_api import expect

    logins = {
        a["username"]: a
        for a in build_demo_city(
            scale=0.003, today=dt.date.today(), progress=lambda m: None
        )
    }
    desk = {"width": 1366, "height": 850}
    person = (
        Elder.objects.filter(status="active", id__in=Order.objects.values("elder_id"))
        .order_by("pk")
        .first()
    )
    clerk = _log_in(chromium, live_server, logins["city"], desk)
    clerk.goto(f"{live_server.url}/elders/")
    search = clerk.get_by_label("搜索")
    for typed in (person.name[1:], "".join(s[0] for s in syllables(person.name))):
        search.fill(typed)
        clerk.get_by_role("button", name="查询").click()
        expect(clerk.locator("main table")).to_contain_text(person.name)
    clerk.get_by_role("link", name=person.name).first.click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text(person.name)
    orders = clerk.locator("section#homecare")
    expect(orders).to_contain_text("居家服务工单")
    count = Order.objects.filter(elder=person).count()
    expect(orders.locator(".count").first).to_have_text(str(count))

    provider_account = next(
        a
        for a in logins.values()
        if a["role"] == "provider_admin"
        and Order.objects.filter(
            state="new", provider__staff__user__username=a["username"]
        ).exists()
    )
    order = (
        Order.objects.filter(
            state="new", provider__staff__user__username=provider_account["username"]
        )
        .order_by("pk")
        .first()
    )
    provider = _log_in(chromium, live_server, provider_account, desk)
    provider.goto(f"{live_server.url}/homecare/orders/{order.pk}/")
    provider.get_by_role("button", name=re.compile("^受理")).first.click()
    dispatch_map = provider.locator("svg.map")
    expect(dispatch_map).to_contain_text("老人住址")
    expect(dispatch_map).to_contain_text(re.compile(r"1\. \S+"))
    # offline (no tile source in the demo), the outlines of the villages around are drawn
    assert dispatch_map.locator("g.areas path").count() >= 1
    provider.get_by_role("button", name="派给TA").first.click()
    expect(provider.get_by_text("已派单").first).to_be_visible()
