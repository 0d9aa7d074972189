"""The older person's edit page (issue 20, finding 2): the identity and phone numbers are filled in
only for an account that may see them in full, and that view is audited; others see them masked,
can still save other fields without touching the numbers, and can correct a number by typing it.
The read-only leader, facility, assessor and operator accounts cannot open the form at all."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for, make_user, valid_id
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "13807981234"


@pytest.fixture
def elder(make_elder):
    return make_elder(name="王秀英", phone=PHONE)


def _form(client, elder):
    return client.get(f"/elders/{elder.pk}/edit/")


def test_a_community_worker_sees_the_numbers_masked(users, elder):
    response = _form(client_for(users["carol"]), elder)
    body = response.content.decode()
    assert response.status_code == 200
    assert elder.id_number not in body
    assert PHONE not in body
    assert elder.id_number_masked in body
    assert not AuditEntry.objects.filter(action="view_pii").exists()


def test_saving_without_typing_a_number_keeps_the_numbers(users, elder):
    form = _form(client_for(users["carol"]), elder).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["address"] = "新地址 1 号"
    response = client_for(users["carol"]).post(f"/elders/{elder.pk}/edit/", data)
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.address == "新地址 1 号"
    assert elder.id_number == valid_id("360203", seq=2)
    assert elder.phone == PHONE


def test_a_masked_user_corrects_a_phone_by_typing_it(users, elder):
    form = _form(client_for(users["carol"]), elder).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["phone"] = "13907985678"
    client_for(users["carol"]).post(f"/elders/{elder.pk}/edit/", data)
    elder.refresh_from_db()
    assert elder.phone == "13907985678"


def test_the_bureau_sees_them_in_full_and_it_is_audited(users, elder):
    body = _form(client_for(users["alice"]), elder).content.decode()
    assert elder.id_number in body
    entry = AuditEntry.objects.get(action="view_pii")
    assert entry.actor == users["alice"]
    assert "修改档案" in entry.summary


@pytest.mark.parametrize(
    "role, region, imports",
    [
        ("leader", "city", 403),
        ("facility_admin", "zhushan", 200),
        ("assessor", "zhushan", 403),
        ("operator", "city", 403),
    ],
)
def test_roles_that_do_not_keep_the_registry_cannot_open_its_forms(
    regions, elder, role, region, imports
):
    """The leader and the operator see the person (their area) but get 403 on the form; the
    facility and assessor accounts do not see the person at all (404). A facility admin still
    imports its beds and staff."""
    client = client_for(make_user(f"u-{role}", role, regions[region]))
    expected = 403 if role in ("leader", "operator") else 404
    assert client.get(f"/elders/{elder.pk}/edit/").status_code == expected
    assert client.get("/elders/new/").status_code == 403
    assert client.get("/imports/").status_code == imports
