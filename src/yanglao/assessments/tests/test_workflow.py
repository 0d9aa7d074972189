"""The assessor workflow: application → team → answers → submission → both confirm → the level
on the elder's record; refusals name the field; 复评 and due lists; historical results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.assessments import selectors, services
from yanglao.assessments.conftest import full_answers
from yanglao.assessments.models import GBT_42195, MZT_039, Assessment, Status
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.elders.services import life_event_record

pytestmark = pytest.mark.django_db


def _apply(users, elder, reason="first"):
    return services.assessment_apply(
        by=users["carol"], elder=elder, reason=reason, applicant="community"
    )


def _assigned(users, agency, elder, reason="first", team=(0, 1)):
    a = _apply(users, elder, reason)
    return services.assessment_assign(
        by=users["alice"],
        assessment=a,
        agency=agency,
        assessor_ids=[agency.team[i].pk for i in team],
    )


def _complete(users, agency, elder, answers=None, **kw):
    a = _assigned(users, agency, elder, **kw)
    first, second = (m.assessor.user for m in selectors.assessment_team(a))
    services.assessment_save_answers(
        by=first, assessment=a, part=answers or full_answers(2)
    )
    a = services.assessment_submit(by=first, assessment=Assessment.objects.get(pk=a.pk))
    return services.assessment_confirm(by=second, assessment=a)


def test_whole_workflow_sets_the_level_on_the_record(users, agency, make_elder):
    elder = make_elder()
    a = _assigned(users, agency, elder)
    ann, ben = agency.team[0].user, agency.team[1].user
    # Two tablets fill different halves; neither undoes the other.
    items = full_answers(2)["items"]
    codes = list(items)
    services.assessment_save_answers(
        by=ann, assessment=a, part={"items": {c: items[c] for c in codes[:13]}}
    )
    services.assessment_save_answers(
        by=ben,
        assessment=a,
        part={"items": {c: items[c] for c in codes[13:]}, "diagnoses": ["F01"]},
    )
    a.refresh_from_db()
    assert len(a.answers["items"]) == 26 and a.version == 2
    a = services.assessment_submit(by=ann, assessment=a)
    assert a.status == Status.SUBMITTED
    elder.refresh_from_db()
    assert elder.ability_level is None  # not final until both have confirmed
    a = services.assessment_confirm(by=ben, assessment=a)
    assert a.status == Status.COMPLETED
    # 26 items at 2 (B.3.7/B.3.8 max 1) = 50 → level 2; F01 dementia raises it by one.
    assert a.total == 50 and a.preliminary_level == 2 and a.final_level == 3
    assert a.change_reasons == ["确诊为痴呆（F00–F03）"]
    assert a.assessed_on == timezone.localdate()
    elder.refresh_from_db()
    assert elder.ability_level == 3
    level = selectors.ability_level_on(elder.pk, timezone.localdate())
    assert level.level == 3 and level.valid_on(timezone.localdate())
    assert (
        selectors.ability_level_on(elder.pk, timezone.localdate() - dt.timedelta(1))
        is None
    )


def test_submit_names_every_missing_item_and_changes_nothing(users, agency, make_elder):
    a = _assigned(users, agency, make_elder())
    ann = agency.team[0].user
    services.assessment_save_answers(by=ann, assessment=a, part={"items": {"B.1.1": 4}})
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_submit(by=ann, assessment=Assessment.objects.get(pk=a.pk))
    assert "items.B.4.5" in exc.value.errors and "items.B.1.1" not in exc.value.errors
    assert Assessment.objects.get(pk=a.pk).status == Status.ASSIGNED


def test_bad_answers_are_refused_by_field(users, agency, make_elder):
    a = _assigned(users, agency, make_elder())
    ann = agency.team[0].user
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_save_answers(
            by=ann,
            assessment=a,
            part={"items": {"B.2.4": 4, "B.9.9": 1}, "diagnoses": ["XYZ"]},
        )
    assert set(exc.value.errors) == {"items.B.2.4", "items.B.9.9", "diagnoses[0]"}
    assert Assessment.objects.get(pk=a.pk).answers == {}


def test_same_change_twice_is_harmless(users, agency, make_elder):
    a = _assigned(users, agency, make_elder())
    ann = agency.team[0].user
    services.assessment_save_answers(by=ann, assessment=a, part={"items": {"B.1.1": 3}})
    again = services.assessment_save_answers(
        by=ann, assessment=a, part={"items": {"B.1.1": 3}}
    )
    assert again.version == 1


def test_only_the_team_may_fill_and_confirm(users, agency, make_elder):
    a = _assigned(users, agency, make_elder())
    outsider = agency.team[2].user
    with pytest.raises(ValidationFailed):
        services.assessment_save_answers(by=outsider, assessment=a, part={"coma": True})
    with pytest.raises(ValidationFailed):
        services.assessment_save_answers(by=users["carol"], assessment=a, part={})


def test_changing_answers_after_submission_withdraws_confirmations(
    users, agency, make_elder
):
    a = _assigned(users, agency, make_elder())
    ann, ben = agency.team[0].user, agency.team[1].user
    services.assessment_save_answers(by=ann, assessment=a, part=full_answers(4))
    a = services.assessment_submit(by=ann, assessment=a)
    a = services.assessment_save_answers(by=ben, assessment=a, part={"coma": True})
    assert a.status == Status.ASSIGNED and a.final_level is None
    assert not a.team.filter(confirmed_at__isnull=False).exists()
    a = services.assessment_submit(by=ben, assessment=a)
    a = services.assessment_confirm(by=ann, assessment=a)
    assert a.final_level == 4 and a.status == Status.COMPLETED


def test_team_needs_two_assessors_of_the_agency(users, agency, make_elder):
    a = _apply(users, make_elder())
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_assign(
            by=users["alice"],
            assessment=a,
            agency=agency,
            assessor_ids=[agency.team[0].pk],
        )
    assert "assessors" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.assessment_assign(
            by=users["carol"],
            assessment=a,
            agency=agency,
            assessor_ids=[m.pk for m in agency.team],
        )


def test_agency_must_cover_the_person(users, agency, make_elder):
    a = _apply(users, make_elder(region="jiucheng"))  # 浮梁县, outside 珠山区
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_assign(
            by=users["alice"],
            assessment=a,
            agency=agency,
            assessor_ids=[m.pk for m in agency.team[:2]],
        )
    assert "服务区域" in exc.value.errors["agency"]


def test_one_open_application_per_person(users, agency, make_elder):
    elder = make_elder()
    _apply(users, elder)
    with pytest.raises(ValidationFailed) as exc:
        _apply(users, elder)
    assert "elder" in exc.value.errors


def test_review_within_period_by_other_assessors(users, agency, make_elder, settings):
    elder = make_elder()
    _complete(users, agency, elder)
    review = _apply(users, elder, reason="review")
    assert review.reviews is not None
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_assign(
            by=users["alice"],
            assessment=review,
            agency=agency,
            assessor_ids=[agency.team[0].pk, agency.team[2].pk],
        )
    assert "未参加原评估" in exc.value.errors["assessors"]
    services.assessment_withdraw(
        by=users["carol"], assessment=review, reason="家属撤回"
    )
    settings.ASSESSMENT_REVIEW_DAYS = -1  # the period has passed
    with pytest.raises(ValidationFailed) as exc:
        _apply(users, elder, reason="review")
    assert "复评须在" in exc.value.errors["reason"]


def test_due_lists(users, agency, make_elder):
    today = timezone.localdate()
    never = make_elder(name="从未评")
    done = make_elder(name="已评估")
    _complete(users, agency, done, reason="first")
    due = lambda kind, day=today: {  # noqa: E731
        e.pk
        for e in selectors.assessments_due(
            by=users["alice"], filters=selectors.DueFilter(kind=kind, today=day)
        )
    }
    assert never.pk in due("never") and done.pk not in due("never")
    assert due("overdue") == set()
    assert done.pk in due("overdue", today + dt.timedelta(days=366))
    assert done.pk in due("soon", today + dt.timedelta(days=350))
    life_event_record(by=users["carol"], elder=done, kind="discharge", date=today)
    assert due("immediate") == set()  # discharged the same day as assessed: not after
    Assessment.objects.filter(elder=done).update(
        assessed_on=today - dt.timedelta(days=10)
    )
    assert done.pk in due("immediate")
    _apply(users, never)
    assert never.pk not in due("never")  # already applied


def test_historical_results_keep_their_scale(users, make_elder):
    elder = make_elder()
    old = services.assessment_record_historical(
        by=users["alice"],
        elder=elder,
        standard=MZT_039,
        assessed_on=dt.date(2020, 5, 1),
        final_level=3,
    )
    assert old.final_level_name == "重度失能"
    elder.refresh_from_db()
    assert elder.ability_level is None  # never converted to the GB/T scale
    assert selectors.ability_level_on(elder.pk, dt.date(2021, 1, 1)) is None
    assert (
        selectors.ability_level_on(
            elder.pk, dt.date(2021, 1, 1), standard=MZT_039
        ).level
        == 3
    )
    services.assessment_record_historical(
        by=users["alice"],
        elder=elder,
        standard=GBT_42195,
        assessed_on=dt.date(2024, 5, 1),
        final_level=2,
        total=50,
    )
    elder.refresh_from_db()
    assert elder.ability_level == 2
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_record_historical(
            by=users["alice"],
            elder=elder,
            standard=MZT_039,
            assessed_on=dt.date(2021, 5, 1),
            final_level=4,
        )
    assert "0–3" in exc.value.errors["final_level"]
    with pytest.raises(ValidationFailed) as exc:
        services.assessment_record_historical(
            by=users["alice"],
            elder=elder,
            standard=GBT_42195,
            assessed_on=dt.date(2023, 5, 1),
            final_level=0,
            total=40,
        )
    assert "初步等级3" in exc.value.errors["final_level"]
    history = selectors.elder_assessments(by=users["alice"], elder_id=elder.pk)
    assert [h.assessment.standard for h in history] == [GBT_42195, MZT_039]


def test_scope(users, agency, make_elder):
    a = _apply(users, make_elder())
    assert selectors.assessment_get(by=users["bob"], pk=a.pk) == a
    with pytest.raises(NotInScope):
        selectors.assessment_get(by=users["dave"], pk=a.pk)
    with pytest.raises(NotInScope):  # an assessor sees only their team's work
        selectors.assessment_get(by=agency.team[0].user, pk=a.pk)
    services.assessment_assign(
        by=users["alice"],
        assessment=a,
        agency=agency,
        assessor_ids=[m.pk for m in agency.team[:2]],
    )
    assert selectors.assessment_get(by=agency.team[0].user, pk=a.pk) == a
    with pytest.raises(NotInScope):
        selectors.assessment_get(by=agency.team[2].user, pk=a.pk)


def test_bulk_levels_agree_with_single(users, agency, make_elder):
    elders = [make_elder(name=f"人{i}") for i in range(3)]
    _complete(users, agency, elders[0])
    _complete(users, agency, elders[1], answers=full_answers(0))
    today = timezone.localdate()
    bulk = selectors.ability_levels_on([e.pk for e in elders], today)
    assert set(bulk) == {elders[0].pk, elders[1].pk}
    for e in elders[:2]:
        assert bulk[e.pk] == selectors.ability_level_on(e.pk, today)
    assert bulk[elders[1].pk].level == 4
