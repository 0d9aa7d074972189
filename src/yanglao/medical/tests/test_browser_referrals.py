"""双向转诊 and the health roster in Chromium (issue 24, done-when): the institution's nurse (its
administrator's account) refers a resident to the contracted health centre; the centre's
liaison accepts, schedules, records the visit and refers back with a care note, which the
institution then reads on the resident's page; a fall alarm proposes a referral that the
operator confirms; a clerk imports the health roster and sees 中医药健康管理率 by township."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from yanglao.demo.generator import build_demo_city
from yanglao.medical.tests.test_browser import _log_in

DESK = {"width": 1366, "height": 850}


@pytest.mark.django_db(transaction=True)
def test_a_referral_closes_its_loop(live_server, chromium, day_watch, tmp_path):
    from playwright.sync_api import expect

    from yanglao.alarms import services as alarms
    from yanglao.alarms.models import Alarm, Device
    from yanglao.core import pii
    from yanglao.elders.models import Elder
    from yanglao.facilities.models import Admission, Staff
    from yanglao.medical.models import Referral
    from yanglao.medical.selectors import aged_65_q

    today = dt.date.today()
    logins = {
        a["username"]: a["password"]
        for a in build_demo_city(scale=0.003, today=today, progress=lambda m: None)
    }
    url = live_server.url
    home = Staff.objects.get(user__username="facility").facility
    resident = (
        Admission.objects.filter(bed__facility=home, discharged_on__isnull=True)
        .exclude(elder__in=Referral.objects.values("elder"))
        .select_related("elder")
        .first()
        .elder
    )

    # The nurse refers the resident from the resident's page.
    nurse = _log_in(chromium, day_watch, url, "facility", logins["facility"], DESK)
    nurse.goto(f"{url}/elders/{resident.pk}/")
    nurse.locator("section", has_text="双向转诊").get_by_role(
        "link", name="发起转诊"
    ).click()
    nurse.get_by_label("转入医疗机构").select_option(
        index=1
    )  # the contracted one comes first
    expect(nurse.get_by_label("转入医疗机构")).to_contain_text("（签约）")
    nurse.get_by_label("转诊原因").fill("近一周血压 170/100，头晕")
    nurse.get_by_role("button", name="保存").click()
    expect(nurse.locator(".messages")).to_contain_text("已向")
    referral = Referral.objects.filter(elder=resident).latest("pk")
    assert referral.status == "requested" and referral.contract_id is not None
    day_watch.check(nurse, "facility")

    # The liaison lands on their referrals, and takes each step.
    desk = _log_in(chromium, day_watch, url, "liaison", logins["liaison"], DESK)
    expect(desk.get_by_role("heading", level=1)).to_contain_text("双向转诊")
    desk.get_by_role("link", name=f"#{referral.pk}").click()
    desk.get_by_role("button", name="接收").click()
    expect(desk.locator(".messages")).to_contain_text("已办理：已接收")
    desk.get_by_label("预约就诊时间").fill(
        f"{today + dt.timedelta(days=1):%Y-%m-%d}T09:30"
    )
    desk.get_by_label("预约科室").fill("心内科")
    desk.get_by_role("button", name="预约就诊").click()
    expect(desk.locator("h1")).to_contain_text("已预约")
    desk.get_by_role("button", name="登记就诊").click()
    expect(desk.locator("h1")).to_contain_text("已就诊")
    desk.get_by_label("回转去向").select_option("facility")
    desk.get_by_label("照护要点（用药、护理、复诊安排）").fill(
        "氨氯地平 5mg 每日一次；每日早晚测血压；两周后复诊"
    )
    desk.get_by_role("button", name="回转（下转）").click()
    expect(desk.locator("h1")).to_contain_text("已回转")
    expect(desk.locator(".timeline li")).to_have_count(5)
    day_watch.check(desk, "liaison")
    nurse.goto(f"{url}/medical/referrals/{referral.pk}/")
    expect(nurse.locator("main")).to_contain_text("氨氯地平 5mg 每日一次")

    # A fall alarm proposes a referral; the operator confirms it.
    watch = (
        Device.objects.filter(type="watch", elder__isnull=False)
        .exclude(
            elder_id__in=Alarm.objects.exclude(status="resolved")
            .filter(elder__isnull=False)
            .values("elder_id")
        )
        .first()
    )
    alarms.ingest(  # the watch reports a fall, as over HTTP
        [
            {
                "device": watch.serial,
                "id": "walk-fall",
                "ts": time.time(),
                "event": "fall",
            }
        ],
        vendor="yanglao",
        source="http",
        device=watch,
    )
    fall = Alarm.objects.get(kind="fall", status="new", elder=watch.elder)
    assert not Referral.objects.filter(origin_ref=fall.pk, origin="alarm").exists()
    operator = _log_in(chromium, day_watch, url, "operator", logins["operator"], DESK)
    operator.goto(f"{url}/alarms/{fall.pk}/")
    operator.get_by_role("button", name="接警", exact=True).click()
    operator.goto(f"{url}/alarms/{fall.pk}/")
    expect(operator.locator("[data-proposal]")).to_contain_text("转诊建议")
    operator.locator("[data-proposal]").get_by_role("link", name="确认或不转诊").click()
    operator.get_by_role("radio", name="确认转诊").check()
    operator.get_by_role("button", name="提交").click()
    expect(operator.locator(".messages")).to_contain_text("已确认并发出转诊")
    proposal = Referral.objects.get(origin="alarm", origin_ref=fall.pk)
    assert (
        proposal.status == "requested" and proposal.requested_by.username == "operator"
    )
    day_watch.check(operator, "operator")

    # The clerk imports this year's health roster and reads 中医药健康管理率 by township.
    people = list(Elder.objects.filter(aged_65_q(today)).order_by("pk")[:40])
    roster = tmp_path / "health.csv"
    roster.write_text(
        "身份证号,姓名,年度,健康档案,年度体检,中医药健康管理\n"
        + "".join(
            f"{pii.decrypt(e.id_number_enc)},{e.name},{today.year},是,是,{'是' if n % 2 else '否'}\n"
            for n, e in enumerate(people)
        ),
        encoding="utf-8",
    )
    clerk = _log_in(chromium, day_watch, url, "city", logins["city"], DESK)
    clerk.goto(f"{url}/medical/health/")
    clerk.get_by_role("link", name="导入健康服务名单").click()
    expect(clerk.get_by_label("数据类型")).to_have_value("health_roster")
    clerk.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(roster))
    clerk.get_by_role("button", name="上传并检查").click()
    expect(clerk.locator("#job")).to_contain_text("检查通过", timeout=20_000)
    clerk.get_by_role("button", name="确认导入").click()
    expect(clerk.locator("#job")).to_contain_text("导入完成", timeout=20_000)
    clerk.goto(f"{url}/medical/health/?region=360203")
    expect(clerk.locator("h1")).to_contain_text("65周岁及以上老年人健康服务覆盖")
    expect(clerk.locator("table").first).to_contain_text("中医药健康管理")
    expect(clerk.locator("[data-figure=tcm_rate]")).to_contain_text("%")
    day_watch.check(clerk, "city")
