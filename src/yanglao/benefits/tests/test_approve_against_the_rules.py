"""Approving an application the rules say no to (issue 20, finding 8): the page shows ✗, and a
clerk who still approves must say why; the reason and the unmet conditions are recorded and
shown to the next step. Approving a person who meets the rules needs no reason."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits import services
from yanglao.benefits.conftest import FROM
from yanglao.benefits.models import Decision
from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.elders.services import category_add

pytestmark = pytest.mark.django_db


def _apply(staff, programmes, elder):
    return services.application_submit(
        by=staff["cid"],
        programme=programmes["fuwu"],
        elder=elder,
        applicant_kind="self",
        applicant_name=elder.name,
    )


def test_approving_against_a_cross_asks_for_the_reason(
    users, staff, programmes, person
):
    not_poor = person(name="不符合", birth=dt.date(1950, 1, 1))
    application = _apply(staff, programmes, not_poor)
    with pytest.raises(ValidationFailed) as refused:
        services.application_decide(
            by=users["carol"], application=application, approved=True
        )
    assert "不符合条件" in refused.value.errors["note"]
    assert "如仍同意，请填写理由" in refused.value.errors["note"]
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.step == 0


def test_the_reason_and_the_unmet_conditions_reach_the_next_step(
    users, staff, programmes, person
):
    not_poor = person(name="不符合", birth=dt.date(1950, 1, 1))
    application = _apply(staff, programmes, not_poor)
    services.application_decide(
        by=users["carol"],
        application=application,
        approved=True,
        note="低保待批，先行受理",
    )
    decision = Decision.objects.get()
    assert decision.against_rules
    assert "低保" in decision.unmet
    page = client_for(staff["sam"]).get(f"/benefits/applications/{application.pk}/")
    body = page.content.decode()
    assert "不符合条件仍同意" in body
    assert "低保待批，先行受理" in body


def test_a_person_who_meets_the_rules_is_approved_without_a_reason(
    users, staff, programmes, person
):
    poor = person(name="低保户", birth=dt.date(1950, 1, 1))
    category_add(by=users["alice"], elder=poor, category="dibao", start_date=FROM)
    application = _apply(staff, programmes, poor)
    services.application_decide(
        by=users["carol"], application=application, approved=True
    )
    assert not Decision.objects.get().against_rules
