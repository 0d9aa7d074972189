"""Issue 21 §7: approving a month's payments asks first — the page shows the total, last month's
approved total and the difference, and who is new, changed or stopped; the approver confirms the
figure they saw, and a cycle whose total changed since is not approved on the old figure."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits import services
from yanglao.benefits.conftest import months_ago, run_cycle
from yanglao.benefits.models import Cycle
from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db


def _approved(cycle, by):
    return services.cycle_approve(
        by=by, cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"]
    )


def test_the_approver_sees_the_total_and_last_month_then_confirms(
    users, staff, regions, programmes, person
):
    person(name="赵百岁", birth=dt.date(1925, 6, 1))
    _approved(run_cycle(users["alice"], months_ago(2), regions["city"]), staff["amy"])
    person(name="钱九十", birth=dt.date(1934, 1, 1))
    cycle = run_cycle(users["alice"], months_ago(1), regions["city"])
    total, url = cycle.totals["total_fen"], f"/benefits/cycles/{cycle.pk}/approve/"
    amy = client_for(staff["amy"])
    page = amy.get(url).content.decode()
    assert f"确认审批，合计 {total / 100:,.2f}元" in page
    assert "上月已审批" in page and "较上月" in page and "新增" in page
    cycle.refresh_from_db()
    assert cycle.status == "computed"  # opening the page approves nothing
    stale = amy.post(url, {"confirmed_total_fen": total - 100}, follow=True)
    assert "核定结果已变化" in stale.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == "computed"
    amy.post(url, {"confirmed_total_fen": total})
    assert Cycle.objects.get(pk=cycle.pk).status == "approved"


def test_a_missing_confirmation_is_refused(users, staff, regions, programmes, person):
    person(name="赵百岁", birth=dt.date(1925, 6, 1))
    cycle = run_cycle(users["alice"], months_ago(1), regions["city"])
    response = client_for(staff["amy"]).post(
        f"/benefits/cycles/{cycle.pk}/approve/", follow=True
    )
    assert "核定结果已变化" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == "computed"
