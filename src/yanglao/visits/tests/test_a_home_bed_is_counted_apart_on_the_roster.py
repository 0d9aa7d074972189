"""家庭病床 (issue 24): a person at home with an open 家庭病床 stays on the visit roster, marked as
visited by the medical team too, and the rates page counts them apart; closing the bed clears
the mark at the next roster build. A bed for someone living in an institution is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.medical import services as medical
from yanglao.medical.models import HomeBed
from yanglao.visits import services
from yanglao.visits.models import RosterEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def centre(users, regions):
    return medical.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )


def test_the_roster_marks_and_counts_home_beds(users, make_elder, centre, regions):
    alone = make_elder(name="独居甲", living_arrangement="alone")
    make_elder(name="独居乙", living_arrangement="alone")
    page = client_for(users["carol"])
    response = page.post(
        f"/medical/homebeds/new/{alone.pk}/",
        {
            "institution": centre.pk,
            "opened_on": TODAY.isoformat(),
            "team": "家庭病床一组",
        },
    )
    assert response.status_code == 302
    services.roster_build(month=TODAY.replace(day=1))
    marks = dict(RosterEntry.objects.values_list("elder__name", "home_bed"))
    assert marks == {"独居甲": True, "独居乙": False}
    rates = client_for(users["bob"]).get("/visits/rates/?level=5").content.decode()
    assert "其中家庭病床" in rates
    person = page.get(f"/elders/{alone.pk}/").content.decode()
    assert "家庭病床：周路口卫生院 家庭病床一组" in person
    bed = medical.home_bed_close(
        by=users["carol"], home_bed=HomeBed.objects.get(), closed_on=TODAY
    )
    assert bed.closed_on == TODAY
    services.roster_build(month=TODAY.replace(day=1))
    assert not RosterEntry.objects.filter(home_bed=True).exists()


def test_no_home_bed_for_a_resident(users, make_elder, centre):
    resident = make_elder(name="入住丙")
    home = Facility.objects.create(
        name="颐养院", type="private_home", ownership="private", region=centre.region
    )
    bed = Bed.objects.create(facility=home, code="1")
    admission_create(by=users["admin"], elder=resident, bed=bed, admitted_on=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        medical.home_bed_open(
            by=users["carol"], elder=resident, institution=centre, opened_on=TODAY
        )
    assert exc.value.errors == {
        "__all__": "该老人住在养老机构，家庭病床只为居家老人建立"
    }
