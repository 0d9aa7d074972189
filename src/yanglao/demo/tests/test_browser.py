"""End to end in a real headless Chromium (Playwright, /usr/bin/chromium) against the demo city."""

import datetime as dt
import re

import pytest

from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def test_a_street_clerk_logs_in_searches_and_opens_a_record(
    demo, live_server, tmp_path, chromium, day_watch
):
    from playwright.sync_api import expect

    elder = (
        Elder.objects.filter(
            status="active", residence_region__path__contains="/360203001/"
        )
        .order_by("pk")
        .first()
    )
    far = Elder.objects.filter(
        status="active", residence_region__code__startswith="360222"
    ).first()
    page = day_watch.follow(
        chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN"),
        "street",
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("street")
    page.get_by_label("密码").fill(demo["street"])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("周路口街道"))).to_be_visible()

    page.goto(f"{live_server.url}/elders/")
    page.get_by_placeholder("姓名 / 身份证号 / 电话").fill(elder.name)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=elder.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(elder.name)
    expect(page.locator("dl.facts")).to_contain_text(elder.id_number_masked)
    assert elder.id_number not in page.content()
    page.screenshot(path=str(tmp_path / "elder-detail.png"), full_page=True)
    day_watch.check(page, "street")
    day_watch.assert_clean()

    # Another county's record does not exist for this clerk.
    response = page.goto(f"{live_server.url}/elders/{far.pk}/")
    assert response.status == 404
