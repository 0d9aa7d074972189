"""End to end in a real headless Chromium (Playwright, /usr/bin/chromium) against the demo city."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    # CI installs Chromium (.ci/run); on a developer machine without it, say so rather than pass.
    if os.environ.get("CI"):
        raise RuntimeError("/usr/bin/chromium is missing in CI")
    pytest.skip(
        "needs /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def test_a_street_clerk_logs_in_searches_and_opens_a_record(
    demo, live_server, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

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
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop here
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill("street")
        page.get_by_label("密码").fill(demo["street"])
        page.get_by_role("button", name="登录").click()
        expect(
            page.get_by_role("heading", name=re.compile("周路口街道"))
        ).to_be_visible()

        page.goto(f"{live_server.url}/elders/")
        page.get_by_placeholder("姓名 / 身份证号 / 电话").fill(elder.name)
        page.get_by_role("button", name="查询").click()
        page.get_by_role("link", name=elder.name).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(elder.name)
        expect(page.locator("dl.facts")).to_contain_text(elder.id_number_masked)
        assert elder.id_number not in page.content()
        page.screenshot(path=str(tmp_path / "elder-detail.png"), full_page=True)

        # Another county's record does not exist for this clerk.
        response = page.goto(f"{live_server.url}/elders/{far.pk}/")
        assert response.status == 404
        browser.close()
