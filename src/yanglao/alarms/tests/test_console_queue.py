"""The console's queue never leaves out a new alarm (issue 21): with more alarms open than the
queue holds, the newest are kept, and new alarms come before those in hand, the most severe first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms import selectors
from yanglao.alarms.models import Alarm

pytestmark = pytest.mark.django_db


def _alarm(elder, region, minutes_ago, severity="normal", status="new", kind="sos"):
    raised = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Alarm.objects.create(
        elder=elder,
        region=region,
        kind=kind,
        severity=severity,
        status=status,
        raised_at=raised,
        last_signal_at=raised,
        text="测试",
    )


def test_a_new_alarm_is_in_the_queue_when_more_are_open_than_it_holds(
    users, regions, make_elder, monkeypatch
):
    monkeypatch.setattr(selectors, "QUEUE_SIZE", 5)
    for k in range(8):
        _alarm(make_elder(name=f"老人{k}"), regions["tangping"], minutes_ago=60 + k)
    newest = _alarm(
        make_elder(name="张三"), regions["tangping"], minutes_ago=0, severity="urgent"
    )
    queue = selectors.open_alarms(by=users["alice"])
    assert len(queue) == 5
    assert queue[0] == newest  # new, and the most severe


def test_new_alarms_come_before_those_in_hand(users, regions, make_elder):
    in_hand = _alarm(
        make_elder(name="甲"),
        regions["tangping"],
        minutes_ago=30,
        severity="urgent",
        status="acknowledged",
    )
    older = _alarm(make_elder(name="乙"), regions["tangping"], minutes_ago=20)
    newer = _alarm(make_elder(name="丙"), regions["tangping"], minutes_ago=1)
    assert selectors.open_alarms(by=users["alice"]) == [older, newer, in_hand]
