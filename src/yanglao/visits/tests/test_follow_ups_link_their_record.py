"""Issue 21 (smaller things): a follow-up routed to an assessment shows a link to that application
("评估申请 #1405"), not the raw reference "assessment:1405"."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from yanglao.assessments.models import Assessment
from yanglao.conftest import client_for
from yanglao.visits import services
from yanglao.visits.models import FollowUp, RosterEntry

pytestmark = pytest.mark.django_db


def test_the_follow_up_links_to_the_assessment(users, make_elder):
    make_elder(name="独居甲", living_arrangement="alone")
    services.roster_build(month=timezone.localdate().replace(day=1))
    services.visit_record(
        by=users["carol"],
        entry=RosterEntry.objects.get(),
        kind="phone",
        visited_at=timezone.now(),
        client_id=uuid.uuid4().hex,
        findings=["需要能力评估"],
    )
    follow_up = FollowUp.objects.get(route="assessment")
    pk = Assessment.objects.get().pk
    assert follow_up.reference_link == (f"评估申请 #{pk}", f"/assessments/{pk}/")
    page = client_for(users["carol"]).get("/visits/follow-ups/").content.decode()
    assert f'<a href="/assessments/{pk}/">评估申请 #{pk}</a>' in page
    assert f"assessment:{pk}" not in page


def test_an_unknown_reference_is_not_a_link():
    assert FollowUp(reference="order:x").reference_link is None
    assert FollowUp(reference="").reference_link is None
