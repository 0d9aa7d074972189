"""Hardship-category lists and death/migration notices: each row through the registry's own
service; the preview says exactly what will happen; importing the same list twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.elders.models import ElderCategory
from yanglao.imports import services

pytestmark = pytest.mark.django_db


def _csv(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def _import(users, kind, data, who="bob"):
    job = services.import_check(
        job=services.import_upload(
            by=users[who], kind=kind, file_name="l.csv", data=data
        )
    )
    if job.errors:
        return job
    return services.import_run(job=services.import_confirm(by=users[who], job=job))


def test_category_list_adds_then_ends(users, make_elder):
    a, b = make_elder(name="甲"), make_elder(name="乙")
    data = _csv(
        "身份证号,姓名,类别,起始日期",
        [f"{a.id_number},甲,低保,2025-01-01", f"{b.id_number},乙,特困,2025-02-01"],
    )
    job = _import(users, "categories", data)
    assert job.status == "done" and job.counts["new"] == 2
    assert ElderCategory.objects.get(elder=a).category == "dibao"
    again = _import(users, "categories", data)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "errors": 0}
    ended = _import(
        users,
        "categories",
        _csv("身份证号,类别,终止日期", [f"{a.id_number},低保,2026-06-30"]),
    )
    assert ended.counts["updated"] == 1
    assert ElderCategory.objects.get(elder=a).end_date == dt.date(2026, 6, 30)


def test_category_list_errors(users, make_elder):
    a = make_elder(name="甲")
    far = make_elder(name="远", region="jiucheng")
    data = _csv(
        "身份证号,姓名,类别,终止日期",
        [
            f"{a.id_number},错名,低保,",
            f"{a.id_number},甲,火星类,",
            f"{far.id_number},远,低保,",
            f"{a.id_number},甲,特困,2026-01-01",
            "110101194503081234,某,低保,",
        ],
    )
    job = _import(users, "categories", data)
    reasons = {row: (column, reason) for _s, row, column, _v, reason in job.errors}
    assert (
        "不一致" in reasons[2][1]
        and "火星类" in reasons[3][1]
        and "找不到" in reasons[4][1]
    )
    assert "无法终止" in reasons[5][1] and "校验码" in reasons[6][1]
    assert not ElderCategory.objects.exists()


def test_death_notices(users, make_elder):
    a, b = make_elder(name="甲"), make_elder(name="乙")
    data = _csv(
        "公民身份号码,姓名,事件,死亡日期,信息来源",
        [
            f"{a.id_number},甲,死亡,2026-10-01,公安户籍",
            f"{b.id_number},乙,去世,2026-10-02,医院",
        ],
    )
    job = _import(users, "events", data)
    assert job.status == "done" and job.counts["updated"] == 2
    a.refresh_from_db()
    assert a.status == "deceased" and a.died_on == dt.date(2026, 10, 1)
    again = _import(users, "events", data)
    assert again.counts["unchanged"] == 2 and again.status == "done"
    future = _import(
        users, "events", _csv("身份证号,事件,日期", [f"{a.id_number},迁出,2099-01-01"])
    )
    assert any("未来" in e[4] or "死亡" in e[4] for e in future.errors)
