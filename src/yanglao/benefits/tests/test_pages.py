"""The subsidy pages as a clerk uses them: rules read back in Chinese, a person checked, a version
refused with reasons in the form, an application through its steps, a cycle computed, approved,
paid and reconciled, and region scope (404 outside it)."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits.conftest import FROM, months_ago
from yanglao.benefits.models import Application, Cycle, LedgerEntry
from yanglao.benefits.services import bank_account_set
from yanglao.conftest import client_for
from yanglao.core.idnumber import mask
from yanglao.elders.services import category_add

pytestmark = pytest.mark.django_db


def test_programme_page_reads_rules_back_and_checks_a_person(users, programmes, person):
    old = person(name="陈老太", birth=dt.date(1935, 2, 1))
    c = client_for(users["alice"])
    page = c.get(f"/benefits/programmes/{programmes['gaoling'].pk}/").content.decode()
    assert (
        "年满 80 周岁（按当月1日计）" in page
        and "90–99周岁 100.00 元" in page
        and "户籍在景德镇市" in page
    )
    page = c.get(
        f"/benefits/programmes/{programmes['gaoling'].pk}/",
        {"who": "陈老太", "month": months_ago(1).strftime("%Y-%m")},
    ).content.decode()
    assert (
        "✓ 年满 80 周岁（本人 91 周岁）" in page
        and mask(old.id_number) not in ""
        and "符合" in page
    )
    missing = c.get(
        f"/benefits/programmes/{programmes['gaoling'].pk}/", {"who": "不存在"}
    ).content.decode()
    assert "没有找到这位老年人" in missing


def test_version_editor_explains_errors_and_offers_templates(users, programmes):
    c = client_for(users["alice"])
    url = f"/benefits/programmes/{programmes['gaoling'].pk}/versions/new/"
    page = c.get(url, {"template": "shanghai_zonghe"}).content.decode()
    assert "65-69 75" in page and "100+ 600" in page
    bad = {
        "version": "2027",
        "effective_from": "2027-01-01",
        "amount_by": "age",
        "tiers": "80-89 50\n91-99 100",
        "min_age": "80",
    }
    page = c.post(url, bad).content.decode()
    assert "空档：90–90 没有标准" in page
    page = c.post(url, bad | {"tiers": "80-89 50.125"}).content.decode()
    assert "最多两位小数" in page
    page = c.post(url, bad | {"tiers": "80-89 50\n90+ 100"}).content.decode()
    assert "重叠" in page  # the 2025 version has no end date
    assert programmes["gaoling"].versions.count() == 1
    c.post(
        f"/benefits/programmes/{programmes['gaoling'].pk}/versions/close/",
        {
            "version": programmes["gaoling"].versions.get().pk,
            "effective_to": "2026-12-31",
        },
    )
    response = c.post(url, bad | {"tiers": "80-89 50\n90+ 100"})
    assert response.status_code == 302 and programmes["gaoling"].versions.count() == 2


def test_application_through_the_pages(users, staff, programmes, person):
    poor = person(name="刘低保", birth=dt.date(1944, 1, 1))
    category_add(by=users["alice"], elder=poor, category="dibao", start_date=FROM)
    worker = client_for(staff["cid"])
    response = worker.post(
        f"/benefits/elders/{poor.pk}/apply/",
        {
            "programme": programmes["fuwu"].pk,
            "applicant_kind": "family",
            "applicant_name": "刘女儿",
            "reason": "低保户",
        },
    )
    a = Application.objects.get()
    assert response.status_code == 302 and a.step == 0
    assert (
        "待我审批"
        in client_for(users["carol"])
        .get("/benefits/applications/?mine=1")
        .content.decode()
    )
    assert (
        a.number
        in client_for(users["carol"])
        .get("/benefits/applications/?mine=1")
        .content.decode()
    )
    worker.get("/benefits/")  # shows (and uses up) the "已受理" message
    # Who filed it cannot decide it:
    assert a.number not in worker.get("/benefits/applications/?mine=1").content.decode()
    client_for(users["carol"]).post(
        f"/benefits/applications/{a.pk}/", {"approved": "1"}
    )
    page = (
        client_for(staff["sam"])
        .post(f"/benefits/applications/{a.pk}/", {"approved": "0"})
        .content.decode()
    )
    assert "不同意时请填写理由" in page
    client_for(staff["sam"]).post(
        f"/benefits/applications/{a.pk}/", {"approved": "1", "note": "属实"}
    )
    page = (
        client_for(users["alice"])
        .get(f"/benefits/applications/{a.pk}/")
        .content.decode()
    )
    assert "社区受理" in page
    assert "属实" in page
    assert "县民政审批" in page
    assert "<b>符合条件</b>" in page  # the check panel: 低保, 60+


def test_cycle_approve_pay_and_reconcile_through_the_pages(
    users, staff, regions, programmes, person
):
    old = person(name="赵百岁", birth=dt.date(1925, 6, 1))
    bank_account_set(
        by=users["alice"],
        elder=old,
        bank="中国农业银行",
        holder="赵百岁",
        account="6228480000001111",
    )
    alice, amy = client_for(users["alice"]), client_for(staff["amy"])
    response = alice.post(
        "/benefits/cycles/",
        {"month": months_ago(1).strftime("%Y-%m"), "region": regions["city"].pk},
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and cycle.status == "computed"
    page = alice.get(f"/benefits/cycles/{cycle.pk}/").content.decode()
    assert (
        "400.00元" in page
        and "赵百岁" in page
        and "100+岁档" in page
        and "<svg" in page
    )
    assert (
        "计算人不能审批"
        in alice.post(
            f"/benefits/cycles/{cycle.pk}/approve/",
            {"confirmed_total_fen": 40000},
            follow=True,
        ).content.decode()
    )
    amy.post(f"/benefits/cycles/{cycle.pk}/approve/", {"confirmed_total_fen": 40000})
    again = alice.post(
        "/benefits/cycles/",
        {"month": months_ago(1).strftime("%Y-%m"), "region": regions["city"].pk},
    )
    assert "已审批，不能重新计算" in again.content.decode()
    response = alice.post(f"/benefits/cycles/{cycle.pk}/batches/")
    batch_url = response["Location"]
    csv = alice.get(batch_url.rstrip("/") + "/file.csv", {"bank": "中国农业银行"})
    text = b"".join(csv.streaming_content).decode()
    assert "6228480000001111" in text and mask(old.id_number) in text and "400" in text
    ref = LedgerEntry.objects.get().ref
    bad = alice.post(
        batch_url, {"file": _upload(f"流水号,金额,结果\n{ref},40,成功\n")}
    ).content.decode()
    assert "不符" in bad and LedgerEntry.objects.count() == 1
    alice.post(batch_url, {"file": _upload(f"流水号,金额,结果\n{ref},400.00,成功\n")})
    assert LedgerEntry.objects.filter(event="paid").count() == 1
    history = alice.get(f"/benefits/elders/{old.pk}/").content.decode()
    assert "高龄津贴" in history and "400.00元" in history


def test_scope(users, programmes, person):
    far = person(name="浮梁人", region="jiucheng")
    near = person(name="塘坪人")
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/benefits/elders/{near.pk}/").status_code == 404
    assert dave.get(f"/benefits/elders/{far.pk}/").status_code == 200
    assert client_for(users["carol"]).get("/benefits/recovery/").status_code == 404


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("回盘.csv", text.encode(), content_type="text/csv")
