"""年度服务质量评价 of an institution: its 紧急呼叫及时响应率 part counts the alarms of the fire
detectors installed in it this year, acknowledged within 60 s (the alarms module's own 接警时效),
instead of scoring 80% for want of data."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.alarms.models import Alarm
from yanglao.facilities.models import Facility
from yanglao.supervision import services

pytestmark = pytest.mark.django_db


def test_the_alarm_part_is_the_share_of_its_alarms_answered_in_time(regions, users):
    home = Facility.objects.create(
        name="昌南颐养中心",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )
    now = timezone.now()
    for n, (kind, waited) in enumerate([("smoke", 20), ("gas", 45), ("offline", 600)]):
        Alarm.objects.create(
            facility=home,
            region=home.region,
            kind=kind,
            severity="urgent",
            text="演示",
            status="resolved",
            raised_at=now - dt.timedelta(minutes=n + 1),
            acknowledged_at=now
            - dt.timedelta(minutes=n + 1)
            + dt.timedelta(seconds=waited),
        )
    made = services.evaluation_run(by=users["bob"], facility=home, year=now.year)
    part = next(p for p in made.parts if p["name"] == "紧急呼叫及时响应率")
    assert part["note"] == "2/3" and part["points"] == 10.0
