"""A clerk imports a messy roster in a real headless Chromium: sees every wrong row with its
reason, fixes the file, imports it, and re-imports it with no change."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from yanglao.core.idnumber import make
from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder
from yanglao.regions.models import Region


@pytest.fixture
def demo(transactional_db):
    logins = build_demo_city(
        scale=0.003, today=dt.date.today(), progress=lambda m: None
    )
    return {a["username"]: a["password"] for a in logins}


def _roster(path, *, broken: bool) -> None:
    village = (
        Region.objects.filter(level=5, code__startswith="360203")
        .order_by("code")
        .first()
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["姓名", "身份证号", "性别", "所属社区/村", "联系电话"])
    sheet.append(
        [
            "测甲",
            make("110101", dt.date(1941, 2, 3), 11),
            "男",
            village.code,
            "13807980001",
        ]
    )
    sheet.append(
        [
            "测乙",
            make("110101", dt.date(1942, 3, 4), 12),
            "女",
            village.code,
            "123" if broken else "13807980002",
        ]
    )
    sheet.append(
        [
            "测丙",
            "110101194303050099" if broken else make("110101", dt.date(1943, 3, 5), 22),
            "女",
            village.code,
            "",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def test_a_clerk_imports_a_messy_roster(
    demo, live_server, chromium, tmp_path, day_watch
):
    from playwright.sync_api import expect

    page = day_watch.follow(
        chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN"),
        "clerk",
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("city")
    page.get_by_label("密码").fill(demo["city"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="数据导入").click()
    messy, fixed = tmp_path / "花名册.xlsx", tmp_path / "花名册-改.xlsx"
    _roster(messy, broken=True)
    _roster(fixed, broken=False)

    page.get_by_label("数据类型").select_option("elders")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(messy))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#job")).to_contain_text("有 2 处错误")
    errors = page.locator("table tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("联系电话")
    expect(errors.nth(1)).to_contain_text("校验码")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not Elder.objects.filter(name__startswith="测").exists()

    page.get_by_role("navigation").get_by_role("link", name="数据导入").click()
    page.get_by_label("数据类型").select_option("elders")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#job")).to_contain_text("检查通过")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#job")).to_contain_text("导入完成")
    assert Elder.objects.filter(name__startswith="测").count() == 3

    page.get_by_role("navigation").get_by_role("link", name="数据导入").click()
    page.get_by_label("数据类型").select_option("elders")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(fixed))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator(".stats")).to_contain_text("3未变")
    day_watch.check(page, "clerk")
    day_watch.assert_clean()
