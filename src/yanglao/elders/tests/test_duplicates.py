"""Probable duplicates are found (same name and birth date; same name in a community with
identity numbers one slip apart) and merged by a clerk: history moves, the merged record stays
findable and the merge is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.elders import selectors, services
from yanglao.elders.models import Contact, Elder
from yanglao.elders.selectors import _near_miss

pytestmark = pytest.mark.django_db


def test_near_misses():
    assert (
        _near_miss("360203194503080023", "360203194503080028") == "身份证号仅第18位不同"
    )
    assert (
        _near_miss("360203194503080023", "360203194530080023")
        == "身份证号第11、12位颠倒"
    )
    assert _near_miss("360203194503080023", "360203194503080023") == ""
    assert _near_miss("360203194503080023", "360203195403080032") == ""


def test_found_and_merged(users, make_elder):
    a = make_elder(name="王秀英", birth=dt.date(1945, 3, 8))
    b = make_elder(
        name="王秀英", birth=dt.date(1945, 3, 8)
    )  # another number, same person?
    make_elder(name="王秀英", birth=dt.date(1950, 1, 1), region="xincun")
    services.contact_add(
        by=users["bob"], elder=b, name="李明", relation="儿子", phone="13907980002"
    )
    groups = selectors.duplicate_groups(by=users["bob"])
    assert [sorted(e.pk for e in g.elders) for g in groups] == [[a.pk, b.pk]]
    assert selectors.duplicate_groups(by=users["dave"]) == []  # outside 浮梁县's area
    page = client_for(users["bob"]).get("/elders/duplicates/").content.decode()
    assert "姓名和出生日期相同" in page
    r = client_for(users["bob"]).post(
        "/elders/merge/", {"keep": a.pk, "remove": b.pk, "reason": "身份证号录入错误"}
    )
    assert r.status_code == 302 and r["Location"] == f"/elders/{a.pk}/"
    b.refresh_from_db()
    assert b.status == "merged" and b.merged_into == a
    assert Contact.objects.get(name="李明").elder == a
    assert AuditEntry.objects.filter(
        summary__startswith="合并重复档案至 王秀英"
    ).exists()
    assert selectors.duplicate_groups(by=users["bob"]) == []
    with pytest.raises(ValidationFailed):
        services.elder_merge(by=users["bob"], keep=a, remove=b, reason="again")
    # Searching by the merged record's number still finds it, marked.
    assert Elder.objects.get(pk=b.pk).get_status_display().startswith("已合并")


def test_merge_refused_when_both_have_open_work(users, make_elder):
    from yanglao.assessments.services import assessment_apply

    a = make_elder(name="甲", birth=dt.date(1945, 3, 8))
    b = make_elder(name="甲", birth=dt.date(1945, 3, 8))
    for e in (a, b):
        assessment_apply(
            by=users["bob"], elder=e, reason="first", applicant="community"
        )
    with pytest.raises(ValidationFailed) as exc:
        services.elder_merge(by=users["bob"], keep=a, remove=b, reason="重复")
    assert "进行中" in exc.value.errors["remove"]
    b.refresh_from_db()
    assert b.status == "active" and b.assessments.count() == 1
