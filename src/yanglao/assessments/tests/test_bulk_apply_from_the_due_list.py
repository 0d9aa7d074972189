"""Issue 21 §6: a clerk applies for assessments for several people of the due list at once; each
person is checked as one application would be, and the summary names who was not applied for and
why (an open assessment already, or outside the clerk's area) — the others still go through."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.assessments import services
from yanglao.assessments.models import Assessment
from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_several_people_at_once_with_a_summary(users, make_elder):
    old = dict(birth=dt.date(1940, 1, 1))
    first, second, busy = (make_elder(name=n, **old) for n in ("甲一", "乙二", "丙三"))
    elsewhere = make_elder(name="外区", region="xincun", **old)
    services.assessment_apply(
        by=users["carol"], elder=busy, reason="first", applicant="community"
    )
    carol = client_for(users["carol"])
    page = carol.get("/assessments/due/?kind=never").content.decode()
    assert f'name="elder" value="{first.pk}"' in page and 'id="bulk"' in page
    response = carol.post(
        "/assessments/due/apply/",
        {
            "kind": "never",
            "elder": [first.pk, second.pk, busy.pk, elsewhere.pk, "x"],
            "back": "kind=never",
        },
        follow=True,
    )
    said = _messages(response)
    assert said[0] == "已申请评估 2 条，2 条未办理"
    assert any(m.startswith("丙三：") for m in said)
    assert f"编号 {elsewhere.pk}：不在您的管理范围内" in said
    made = Assessment.objects.filter(note="从待评估名单批量申请")
    assert sorted(made.values_list("elder__name", flat=True)) == ["乙二", "甲一"]
    assert set(made.values_list("reason", flat=True)) == {"first"}
    assert response.request["QUERY_STRING"] == "kind=never"


def test_the_leader_cannot_apply(users, make_elder):
    person = make_elder(name="甲一", birth=dt.date(1940, 1, 1))
    response = client_for(users["leader"]).post(
        "/assessments/due/apply/", {"kind": "never", "elder": [person.pk]}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()
