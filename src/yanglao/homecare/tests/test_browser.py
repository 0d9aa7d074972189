"""In headless Chromium on a 360-px phone: a daughter orders a bath for her mother, the provider
dispatches, the carer checks in and out, the daughter confirms and rates; the month's settlement
lists the order; the bureau makes next week's orders of the family care beds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.demo.generator import build_demo_city
from yanglao.homecare.models import Order

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "locale": "zh-CN",
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def _login(browser, url, username, password, watch, **options):
    context = browser.new_context(**options)
    page = watch.follow(context.new_page(), username)
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return context, page


def test_a_bath_ordered_by_a_daughter_on_a_phone(
    demo, live_server, chromium, checkin_any_day, day_watch
):
    from playwright.sync_api import expect

    url = live_server.url
    # The daughter orders.
    ctx, page = _login(chromium, url, "family", demo["family"], day_watch, **PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("居家服务")
    day_watch.check(page, "family")
    page.get_by_role("link", name="预约服务").first.click()
    offers = page.get_by_role("group", name="服务项目和服务商")
    offers.get_by_label("助浴", exact=False).first.check()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("日期").fill(tomorrow.isoformat())
    page.get_by_label("时间").fill("09:00")
    page.get_by_role("button", name="提交预约").click()
    expect(page.locator(".messages")).to_contain_text("已下单：助浴")
    expect(page.locator("h1 .tag")).to_have_text("待受理")
    day_watch.check(page, "family")
    order = Order.objects.filter(
        placed_by__username="family", item__code="bath"
    ).latest("pk")
    assert order.channel == "family" and order.state == "new"

    # The provider accepts and dispatches to the demo carer.
    pctx, boss = _login(chromium, url, "provider", demo["provider"], day_watch)
    boss.goto(f"{url}/homecare/orders/{order.pk}/")
    boss.get_by_role("button", name="受理").click()
    expect(boss.locator("h1 .tag")).to_have_text("已受理")
    expect(boss.get_by_role("columnheader", name="推荐服务人员")).to_be_visible()
    carer_name = (
        Order.objects.get(pk=order.pk)
        .provider.carers.get(staff__user__username="carer")
        .staff.name
    )
    boss.get_by_label("指定其他服务人员").select_option(label=carer_name)
    boss.get_by_role("button", name="派单", exact=True).click()
    expect(boss.locator("h1 .tag")).to_have_text("已派单")

    # The carer, at the door, takes it, checks in, serves and checks out.
    elder = order.elder
    cctx, carer = _login(
        chromium,
        url,
        "carer",
        demo["carer"],
        day_watch,
        geolocation={"latitude": elder.lat + 0.0003, "longitude": elder.lng},
        permissions=["geolocation"],
        **PHONE,
    )
    carer.goto(f"{url}/homecare/carer/?day={tomorrow.isoformat()}")
    card = carer.locator(f"[data-order='{order.pk}']")
    card.get_by_role("button", name="接单").click()
    card = carer.locator(f"[data-order='{order.pk}']")
    card.get_by_role("button", name="到达签到（定位）").click()
    expect(carer.locator(".messages")).to_contain_text("已到达签到")
    day_watch.check(carer, "carer")
    carer.locator(f"[data-order='{order.pk}']").get_by_role(
        "button", name="开始服务"
    ).click()
    Order.objects.filter(pk=order.pk).update(
        checkin_at=timezone.now() - dt.timedelta(minutes=55)
    )  # an hour's bath
    carer.locator(f"[data-order='{order.pk}']").get_by_role(
        "link", name="填写服务记录并签退"
    ).click()
    carer.get_by_label("观察身体与精神状况").check()
    carer.get_by_label("服务记录（可选）").fill("水温适宜，皮肤完好")
    carer.get_by_role("button", name="完成签退").click()
    expect(carer.locator("h1 .tag")).to_have_text("已完成")
    day_watch.check(carer, "carer")
    order.refresh_from_db()
    assert (
        order.checkin_distance_m < 100
        and order.problems == []
        and "观察身体与精神状况" in order.done_items
    )

    # The daughter confirms and rates.
    page.goto(f"{url}/homecare/orders/{order.pk}/")
    page.get_by_label("4★").check()
    page.get_by_label("评价（可选）").fill("阿姨很耐心")
    page.get_by_role("button", name="确认并评价").click()
    expect(page.locator("h1 .tag")).to_have_text("已评价")
    order.refresh_from_db()
    assert order.state == "rated" and order.rating.score == 4 and order.confirmed_at

    # The provider's settlement for the month lists it.
    boss.goto(f"{url}/homecare/settlements/")
    boss.get_by_label("月份（该月任一天）").fill(tomorrow.isoformat())
    boss.get_by_role("button", name="生成结算单").click()
    expect(boss.locator(".messages")).to_contain_text("已生成")
    order.refresh_from_db()
    assert order.settlement is not None
    rows = list(
        order.settlement.orders.order_by("slot_start", "id").values_list(
            "pk", flat=True
        )
    )
    boss.goto(
        f"{url}/homecare/settlements/{order.settlement_id}/?page={rows.index(order.pk) // 20 + 1}"
    )
    expect(boss.get_by_role("link", name=str(order.pk), exact=True)).to_be_visible()
    day_watch.check(boss, "provider")

    # The bureau makes next week's orders from the family care beds' plans.
    sctx, staff = _login(chromium, url, "city", demo["city"], day_watch)
    staff.goto(f"{url}/homecare/beds/")
    before = Order.objects.filter(channel="plan").count()
    staff.get_by_label("生成哪一周的工单（该周任一天）").fill(
        (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    )
    staff.get_by_role("button", name="按照护计划生成该周工单").click()
    expect(staff.locator(".messages")).to_contain_text("已生成")
    assert Order.objects.filter(channel="plan").count() > before
    day_watch.check(staff, "city")
    for c in (ctx, pctx, cctx, sctx):
        c.close()
    day_watch.assert_clean()
