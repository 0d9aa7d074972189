"""The referral's steps and deadlines, pure (medical.referral_flow)."""

import datetime as dt

from yanglao.medical import referral_flow as flow

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_who_takes_which_step():
    assert flow.may_move("requested", "accepted", flow.RECEIVER)
    assert not flow.may_move("requested", "accepted", flow.SENDER)
    assert flow.may_move("proposed", "requested", flow.SENDER)
    assert not flow.may_move("returned", "closed", flow.RECEIVER)


def test_a_reported_state_is_reached_through_the_receivers_steps():
    assert flow.path_to("requested", "returned") == ["accepted", "attended", "returned"]
    assert flow.path_to("accepted", "scheduled") == ["scheduled"]
    assert flow.path_to("requested", "declined") == ["declined"]
    assert flow.path_to("returned", "returned") == []
    assert flow.path_to("returned", "accepted") is None
    assert flow.path_to("proposed", "accepted") is None  # not sent yet


def test_deadlines_and_lateness():
    accept_due, outcome_due = flow.deadlines(T0, 24, 72)
    assert (accept_due, outcome_due) == (
        T0 + dt.timedelta(hours=24),
        T0 + dt.timedelta(hours=72),
    )
    kw = {"accept_due": accept_due, "outcome_due": outcome_due, "closed_at": None}
    on_time = flow.lateness(
        status="attended",
        accepted_at=T0 + dt.timedelta(hours=3),
        attended_at=T0 + dt.timedelta(hours=40),
        now=T0 + dt.timedelta(days=9),
        **kw,
    )
    assert not on_time.late
    answered_late = flow.lateness(
        status="accepted",
        accepted_at=T0 + dt.timedelta(hours=30),
        attended_at=None,
        now=T0 + dt.timedelta(hours=31),
        **kw,
    )
    assert answered_late.accept_late and not answered_late.outcome_late
    waiting = flow.lateness(
        status="requested",
        accepted_at=None,
        attended_at=None,
        now=T0 + dt.timedelta(hours=25),
        **kw,
    )
    assert waiting.accept_late
    assert flow.needs_escalation(
        status="requested",
        now=T0 + dt.timedelta(hours=25),
        accept_due=accept_due,
        outcome_due=outcome_due,
    )
    assert not flow.needs_escalation(
        status="attended",
        now=T0 + dt.timedelta(days=9),
        accept_due=accept_due,
        outcome_due=outcome_due,
    )
