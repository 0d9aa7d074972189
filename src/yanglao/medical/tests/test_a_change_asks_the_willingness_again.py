"""Willingness is asked again after a life event or a change of ability (issue 24 §6): the survey
list marks 需重新询问 for a 特困 person whose assessment was completed, or who had a life event
(出院, 迁入), after their latest answer, and filters them; a new answer clears the mark."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.elders.models import ElderCategory, LifeEvent
from yanglao.medical import selectors, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_discharge_after_the_answer_asks_again(make_elder, users, regions):
    person = make_elder(name="特困甲")
    ElderCategory.objects.create(
        elder=person, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    services.willingness_record(
        by=users["admin"],
        elder=person,
        asked_on=TODAY - dt.timedelta(days=40),
        answer="unwilling",
        confirmed_by="self",
    )
    steady = make_elder(name="特困乙")
    ElderCategory.objects.create(
        elder=steady, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    services.willingness_record(
        by=users["admin"],
        elder=steady,
        asked_on=TODAY - dt.timedelta(days=40),
        answer="unwilling",
        confirmed_by="self",
    )
    LifeEvent.objects.create(
        elder=person,
        kind="discharge",
        date=TODAY - dt.timedelta(days=3),
        region=regions["tangping"],
    )
    again = selectors.tekun_survey(
        by=users["bob"], filters=selectors.SurveyFilter(answer="again")
    )
    assert [e.name for e in again] == ["特困甲"]
    page = (
        client_for(users["bob"])
        .get("/medical/willingness/?answer=again")
        .content.decode()
    )
    assert "需重新询问" in page and "特困乙" not in page
    services.willingness_record(
        by=users["admin"],
        elder=person,
        asked_on=TODAY,
        answer="willing",
        confirmed_by="self",
        occasion="life_event",
    )
    assert (
        list(
            selectors.tekun_survey(
                by=users["bob"], filters=selectors.SurveyFilter(answer="again")
            )
        )
        == []
    )
