"""家庭医生签约 recorded by hand before the health system's roster arrives: from the person's page,
with a term that may not overlap another; ended with a reason. Shown on the person's page."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.medical import services
from yanglao.medical.models import FamilyDoctorContract

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_record_overlap_and_end(users, make_elder, regions):
    centre = services.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )
    person = make_elder(name="签约甲")
    page = client_for(users["carol"])
    assert (
        f"/medical/family-doctors/new/{person.pk}/"
        in page.get(f"/elders/{person.pk}/").content.decode()
    )
    response = page.post(
        f"/medical/family-doctors/new/{person.pk}/",
        {
            "institution": centre.pk,
            "team": "全科一组",
            "starts_on": TODAY.replace(month=1, day=1).isoformat(),
            "ends_on": TODAY.replace(month=12, day=31).isoformat(),
        },
    )
    assert response.status_code == 302
    with pytest.raises(ValidationFailed) as exc:
        services.family_contract_record(
            by=users["carol"],
            elder=person,
            institution=centre,
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=30),
        )
    assert "期限重叠" in exc.value.errors["starts_on"]
    contract = FamilyDoctorContract.objects.get()
    refused = page.post(
        f"/medical/family-doctors/{contract.pk}/end/", {"ended_on": TODAY.isoformat()}
    )
    assert "请选择解约原因" in refused.content.decode()
    page.post(
        f"/medical/family-doctors/{contract.pk}/end/",
        {"ended_on": TODAY.isoformat(), "end_reason": "voluntary"},
    )
    contract.refresh_from_db()
    assert (contract.ended_on, contract.end_reason) == (TODAY, "voluntary")
    assert "已解约（自愿解约）" in page.get(f"/elders/{person.pk}/").content.decode()
