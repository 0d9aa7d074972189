"""医疗机构名录 and 内设医疗机构: the bureau registers a medical institution on its page (a duplicate
name in the same region is named and nothing saved) and finds it by name and kind; an institution's
in-house unit is recorded and counts for SY-8 while it stands, not after it is closed."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.medical import services
from yanglao.medical.measures import MEASURES
from yanglao.medical.models import MedicalInstitution, MedicalUnit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_bureau_registers_and_finds_a_medical_institution(users):
    bob = client_for(users["bob"])
    data = {
        "name": "珠山区人民医院",
        "kind": "hospital",
        "grade": "2",
        "region": "360203",
    }
    response = bob.post("/medical/new/", {**data, "insured": "on"})
    made = MedicalInstitution.objects.get()
    assert response.url == f"/medical/{made.pk}/" and made.insured
    again = bob.post("/medical/new/", data).content.decode()
    assert "本区域已有同名医疗机构" in again and MedicalInstitution.objects.count() == 1
    listing = bob.get("/medical/?q=人民&kind=hospital").content.decode()
    assert "珠山区人民医院" in listing
    assert "珠山区人民医院" not in bob.get("/medical/?kind=village").content.decode()


def test_an_in_house_unit_counts_for_sy8_until_it_is_closed(users, regions):
    home = Facility.objects.create(
        name="珠山区社会福利院",
        type="welfare_home",
        ownership="public",
        region=regions["street"],
    )
    with pytest.raises(ValidationFailed) as exc:
        services.unit_save(
            by=users["bob"], facility=home, kind="infirmary", filed_on=None
        )
    assert exc.value.errors == {"filed_on": "请填写备案日期"}
    assert not MedicalUnit.objects.exists()
    services.unit_save(
        by=users["bob"],
        facility=home,
        kind="infirmary",
        filed_on=TODAY - dt.timedelta(days=100),
        doctors=1,
        nurses=3,
    )
    measures = {m.code: m for m in MEASURES}
    assert measures["medical.key_homes_with_unit"].count(TODAY, TODAY) == {
        home.region_id: 1
    }
    assert measures["medical.key_homes"].count(TODAY, TODAY) == {home.region_id: 1}
    page = client_for(users["bob"]).get(f"/facilities/{home.pk}/").content.decode()
    assert "内设医务室" in page
    services.unit_save(
        by=users["bob"],
        facility=home,
        kind="infirmary",
        filed_on=TODAY - dt.timedelta(days=100),
        closed_on=TODAY - dt.timedelta(days=1),
    )
    assert measures["medical.key_homes_with_unit"].count(TODAY, TODAY) == {}
