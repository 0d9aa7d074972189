"""投诉举报 about a home-care provider from the public form: the complainant picks the provider,
the complaint goes to the street where the provider is registered, and when it is upheld the
provider's credit record takes the deduction (issue 23 §7–8). Naming both an institution and a
provider is refused, and nothing is written."""

import pytest
from django.test import Client

from yanglao.conftest import client_for, make_user
from yanglao.facilities.models import Facility, Provider
from yanglao.supervision.models import Complaint, CreditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(regions):
    return Provider.objects.create(name="康乐居家服务中心", region=regions["tangping"])


def _post(provider, **over):
    data = {
        "subject": "provider",
        "provider": provider.pk,
        "content": "护理员连续三次未按约定时间上门，也未提前告知。",
    }
    data.update(over)
    return Client().post("/public/complaints/new/", data)


def test_an_upheld_complaint_about_a_provider_enters_its_credit(provider, regions):
    page = _post(provider).content.decode()
    made = Complaint.objects.get()
    assert made.code in page
    assert (made.provider, made.subject_name) == (provider, "康乐居家服务中心")
    assert made.region == regions["street"]
    street = client_for(make_user("st", "street", regions["street"]))
    street.post(f"/supervision/complaints/{made.pk}/", {"action": "acknowledge"})
    street.post(
        f"/supervision/complaints/{made.pk}/",
        {"answer": "经核实属实，已约谈服务商并扣减信用分。", "upheld": "yes"},
    )
    entry = CreditEntry.objects.get(provider=provider)
    assert entry.kind == "complaint_upheld" and entry.points < 0


def test_naming_an_institution_and_a_provider_together_is_refused(provider, regions):
    home = Facility.objects.create(
        name="塘坪颐养院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
    )
    page = _post(provider, facility=home.pk).content.decode()
    assert "请只选择一个被投诉的机构或服务商" in page
    assert not Complaint.objects.exists()
