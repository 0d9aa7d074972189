"""Issue 23, "Done when", in Chromium: a clerk builds a plan, publishes the commitment, enters the
meeting's random number and the draw appears; the public page shows it without logging in, and the
verify command re-derives it from the downloaded record; a team inspects on a phone and the
institution answers the rectification; a custody statement with a late transfer raises an alert
the bureau sees; a grading decided by the experts shows on the institution's page and in credit."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from yanglao.accounts.models import User
from yanglao.demo.generator import build_demo_city

ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


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
    context = chromium.new_context(
        viewport=phone_screen,
        locale="zh-CN",
        geolocation={"latitude": own.lat or 29.29, "longitude": own.lng or 117.2},
        permissions=["geolocation"],
    )
    phone = day_watch.follow(context.new_page(), "city")
    phone.goto(f"{url}/login/")
    phone.get_by_label("用户名").fill("city")
    phone.get_by_label("密码").fill(logins["city"])
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{url}/supervision/inspections/{inspection.pk}/")
    expect(phone.locator("#checkin-state")).to_contain_text("已取得定位")
    phone.get_by_role("button", name="到场签到").click()
    expect(phone.locator(".messages")).to_contain_text("已到场签到")
    items = [code for code, *_rest in GB38600["items"]]
    # the basement has no signal: the first part is answered offline and kept on the phone
    context.set_offline(True)
    for code in items[:8]:
        group = phone.locator("fieldset", has_text=code + " ").first
        group.get_by_label("符合", exact=True).check()
    expect(phone.locator("#save-state")).to_contain_text("离线")
    # …and the evidence photo of the loose handrail, taken there, waits on the phone too
    phone.locator("#photo-form").get_by_label("检查项").select_option("6-6")
    phone.locator("#photo-form").get_by_label("照片").set_input_files(
        {"name": "扶手.png", "mimeType": "image/png", "buffer": ONE_PIXEL_PNG}
    )
    phone.get_by_role("button", name="上传照片").click()
    expect(phone.locator("#photo-state")).to_contain_text("1 张照片已暂存在本机")
    assert not inspection.photos.exists()
    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#save-state")).to_contain_text("已保存")
    expect(phone.locator("#photo-state")).to_contain_text("照片已上传")
    expect(phone.locator("#photo-list")).to_contain_text("6-6")
    inspection.refresh_from_db()
    assert len(inspection.answers) == 8
    assert list(inspection.photos.values_list("item_code", flat=True)) == ["6-6"]
    for code in items[8:]:
        group = phone.locator("fieldset", has_text=code + " ").first
        group.get_by_label("不符合" if code == "6-6" else "符合", exact=True).check()
    phone.locator("input[name='n-6-6']").fill("二楼走廊扶手松动")
    phone.get_by_label("第二检查人账号").fill("inspector")
    phone.get_by_label("第二检查人密码").fill(logins["inspector"])
    phone.get_by_role("button", name="全部检查完毕，签署").click()
    expect(phone.locator(".messages")).to_contain_text("不符合项已生成整改单")
    expect(phone.locator("main")).to_contain_text("赵检查员 签署")
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
    director.goto(f"{url}/supervision/inspections/{inspection.pk}/")
    director.get_by_label("机构意见（可空）").fill("已按要求整改")
    director.get_by_role("button", name="确认检查结果").click()
    expect(director.locator("main")).to_contain_text("机构已于")
    day_watch.check(director, "facility")

    # 预收费: the bureau registers the institution's custody account; the institution uploads a
    # statement in which Friday's cash reached custody the next Thursday
    page.goto(f"{url}/supervision/prepaid/")
    page.get_by_text("登记托管账户").click()
    page.get_by_label("养老机构").select_option(label=own.name)
    page.get_by_label("托管银行").fill("中国银行")
    page.get_by_label("账号后四位").fill("5566")
    page.get_by_label("开户日期").fill("2026-01-05")
    page.get_by_label("风险准备金下限（元）").fill("10000")
    page.get_by_label("床位费（元/月）").fill("1500")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记托管账户")
    statement = tmp_path / "流水.csv"
    statement.write_text(
        "日期,类别,金额（元）,老人编号,收费项目,关联号\n"
        "2026-11-02,收取,30000,,,开户\n"
        "2026-11-06,账户外收取,2700,R3,餐费,T2\n"
        "2026-11-12,转入托管账户,2700,R3,,T2\n",
        encoding="utf-8",
    )
    director.goto(f"{url}/supervision/prepaid/")
    director.get_by_role("link", name=own.name).click()
    director.get_by_label(re.compile("托管银行流水")).set_input_files(statement)
    director.get_by_role("button", name="上传并检查").click()
    expect(director.locator(".messages")).to_contain_text("发现 1 项问题")
    day_watch.check(director, "facility")
    page.goto(f"{url}/supervision/prepaid/?frozen=1")
    page.get_by_role("link", name=own.name).click()
    expect(page.locator("main")).to_contain_text("未按时转入托管账户")
    expect(page.locator("main")).to_contain_text("冻结支出")
    day_watch.check(page, "city")

    # 等级评定: the institution applies, the experts score on a tablet, the grade shows on the
    # institution's page and in credit
    director.goto(f"{url}/supervision/gradings/")
    director.get_by_label("养老机构").select_option(label=own.name)
    director.get_by_role("button", name="申请等级评定").click()
    expect(director.locator(".messages")).to_contain_text("已申请等级评定")
    grading_url = director.url
    tablet = _log_in(
        chromium, day_watch, url, "city", logins["city"], {"width": 800, "height": 1280}
    )
    tablet.goto(grading_url)
    tablet.get_by_label("评定专家").fill("张专家、刘专家")
    from yanglao.supervision.grading import SHEET, item_maxima

    for code, most in item_maxima(SHEET).items():
        tablet.locator(f"#s-{code}").fill(f"{most * 0.8:g}")
    tablet.get_by_role("button", name="完成评定").click()
    expect(tablet.locator(".messages")).to_contain_text("评定完成：四级（800 分）")
    day_watch.check(tablet, "city")
    tablet.goto(f"{url}/facilities/{own.pk}/")
    expect(tablet.locator("#supervision")).to_contain_text("等级：四级")
    tablet.locator("#supervision").get_by_role("link", name=re.compile("全部")).click()
    expect(tablet.locator("main")).to_contain_text("等级评定：四级（800 分）")
    expect(tablet.locator("main")).to_contain_text("托管账户流水：未按时转入托管账户")
    tablet.get_by_label("评价年度").fill(str(dt.date.today().year))
    tablet.get_by_role("button", name="进行年度服务质量评价").click()
    expect(tablet.locator(".messages")).to_contain_text("年度评价")
    expect(tablet.locator("main")).to_contain_text("检查符合率：")
    tablet.goto(f"{url}/facilities/{own.pk}/")
    expect(tablet.locator("#supervision")).to_contain_text(
        f"{dt.date.today().year} 年度评价"
    )
    day_watch.check(tablet, "city")

    # 投诉举报: a daughter complains on her phone without logging in; the institution's street
    # sees it with its deadlines
    public.goto(f"{url}/public/complaints/new/")
    public.get_by_label("投诉对象类别").select_option(label="养老机构")
    public.get_by_label("被投诉的养老机构（如是）").select_option(label=own.name)
    public.get_by_label("投诉内容").fill(
        "探望时发现母亲的床单多日未换，护理员说人手不够，希望督促整改。"
    )
    public.get_by_role("button", name="提交投诉").click()
    expect(public.locator("main")).to_contain_text("您的查询码")
    code = public.locator(".big-number").inner_text()
    from yanglao.conftest import PASSWORD, make_user
    from yanglao.supervision.models import Complaint

    routed = Complaint.objects.get(code=code).region
    assert routed.level == 4 and own.region.path.startswith(routed.path)
    expect(public.locator("main")).to_contain_text(f"由{routed.name}办理")
    day_watch.check(public, "public")
    make_user("street2", "street", routed)  # the clerk of that street
    street = _log_in(chromium, day_watch, url, "street2", PASSWORD, desk)
    street.goto(f"{url}/supervision/complaints/")
    street.get_by_role("link", name=re.compile(code)).click()
    expect(street.locator("main")).to_contain_text("受理期限")
    day_watch.check(street, "street2")
    day_watch.assert_clean()
