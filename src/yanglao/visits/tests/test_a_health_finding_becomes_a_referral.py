"""A visit's health finding (身体不适需就医) becomes a referral (双向转诊) to the nearest medical
institution, and the follow-up links to it (issue 24)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from yanglao.medical import services as medical
from yanglao.medical.models import Referral
from yanglao.visits import services as visits
from yanglao.visits.models import FollowUp, RosterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(users, regions):
    return medical.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )


def test_a_visit_finding_becomes_a_referral(users, make_elder, centre):
    make_elder(name="独居甲", living_arrangement="alone")
    visits.roster_build(month=timezone.localdate().replace(day=1))
    visits.visit_record(
        by=users["carol"],
        entry=RosterEntry.objects.get(),
        kind="phone",
        visited_at=timezone.now(),
        client_id=uuid.uuid4().hex,
        health="咳嗽一周",
        findings=["身体不适需就医"],
    )
    referral = Referral.objects.get()
    assert (referral.status, referral.origin, referral.institution) == (
        "requested",
        "visit",
        centre,
    )
    assert "身体不适需就医" in referral.reason and "咳嗽一周" in referral.reason
    follow_up = FollowUp.objects.get(route="hospital")
    assert follow_up.reference_link == (
        f"转诊 #{referral.pk}",
        f"/medical/referrals/{referral.pk}/",
    )
