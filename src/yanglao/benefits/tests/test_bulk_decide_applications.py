"""Issue 21 §6: a clerk decides several applications at once from 待我审批; each is checked as one
decision would be — an application against this month's rules still needs a reason, so without
one it is left for the clerk with the unmet conditions named — and the others go through."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits.conftest import FROM
from yanglao.benefits.models import Decision
from yanglao.benefits.tests.test_approve_against_the_rules import _apply
from yanglao.conftest import client_for
from yanglao.elders.services import category_add

pytestmark = pytest.mark.django_db


def test_several_applications_at_once_and_the_cross_is_left_with_its_reason(
    users, staff, programmes, person
):
    applications = {}
    for name in ("低保甲", "低保乙"):
        poor = person(name=name, birth=dt.date(1950, 1, 1))
        category_add(by=users["alice"], elder=poor, category="dibao", start_date=FROM)
        applications[name] = _apply(staff, programmes, poor)
    applications["不符合"] = _apply(
        staff, programmes, person(name="不符合", birth=dt.date(1950, 1, 1))
    )
    carol = client_for(users["carol"])
    page = carol.get("/benefits/applications/?mine=1").content.decode()
    assert 'id="bulk"' in page and "同意选中" in page
    response = carol.post(
        "/benefits/applications/decide/",
        {
            "decision": "approve",
            "application": [a.pk for a in applications.values()],
            "back": "mine=1",
        },
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == "已同意 2 条，1 条未办理"
    assert "不符合" in said[1] and "如仍同意，请填写理由" in said[1]
    decided = Decision.objects.values_list("application__elder__name", flat=True)
    assert sorted(decided) == ["低保乙", "低保甲"]


def test_rejecting_needs_a_reason_and_the_leader_cannot_decide(
    users, staff, programmes, person
):
    application = _apply(
        staff, programmes, person(name="甲", birth=dt.date(1950, 1, 1))
    )
    carol = client_for(users["carol"])
    response = carol.post(
        "/benefits/applications/decide/",
        {"decision": "reject", "application": [application.pk]},
        follow=True,
    )
    assert "不同意时请填写理由" in response.content.decode()
    assert not Decision.objects.exists()
    leader = client_for(users["leader"]).post(
        "/benefits/applications/decide/",
        {"decision": "approve", "application": [application.pk], "note": "x"},
    )
    assert leader.status_code == 403
    assert not Decision.objects.exists()


def test_the_permission_knows_every_approval_step():
    from yanglao.benefits.models import STEP_NAMES
    from yanglao.core.permissions import APPLICATION_STEPS

    assert set(APPLICATION_STEPS) == set(STEP_NAMES)
