"""Credit per responsible person: a penalty goes on the institution's record and on its director's
own; a staff member on the 从业禁止 list shows on the institution's credit page; the institution
signs its credit commitment once, on its own page."""

import datetime as dt

import pytest

from yanglao.conftest import client_for, make_user
from yanglao.core import pii
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Ban, Facility, Staff
from yanglao.supervision import services
from yanglao.supervision.models import CreditEntry
from yanglao.supervision.tests.people import make_director

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="瓷都福寿园",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )


def test_a_penalty_goes_on_the_directors_record(home, users):
    Staff.objects.create(
        name="周院长",
        id_number_hash="h-zhou",
        sex="M",
        birth_date=dt.date(1970, 1, 1),
        role="director",
        facility=home,
        hired_on=dt.date(2020, 1, 1),
    )
    case = services.case_open(
        by=users["bob"],
        facility=home,
        source="complaint:1",
        summary="隐瞒老人跌倒事故不报",
    )
    services.case_close(
        by=users["bob"], case=case, decision="penalty", text="景民罚〔2026〕9号，警告"
    )
    director = CreditEntry.objects.get(person_hash="h-zhou")
    assert (director.person_name, director.kind, director.points) == (
        "周院长",
        "penalty",
        -20,
    )
    page = (
        client_for(users["bob"])
        .get(f"/supervision/credit/facility/{home.pk}/")
        .content.decode()
    )
    assert "周院长：B 基本守信（80 分）" in page


def test_a_banned_staff_member_shows_on_the_credit_page(home, users, regions):
    Staff.objects.create(
        name="吴某",
        id_number_hash="h-wu",
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        role="carer",
        facility=home,
        hired_on=dt.date(2024, 1, 1),
    )
    Ban.objects.create(
        name="吴某",
        id_number_enc=pii.encrypt("360203198001010022"),
        id_number_hash="h-wu",
        reason="虐待老年人被判刑",
        source="珠山区人民法院",
        start_date=dt.date(2023, 5, 1),
    )
    page = (
        client_for(users["bob"])
        .get(f"/supervision/credit/facility/{home.pk}/")
        .content.decode()
    )
    assert "从业禁止关联：吴某（虐待老年人被判刑）" in page
    # the reason is the ban list's, for the bureau only: a street clerk learns only that there is one
    street = make_user("st", "street", regions["street"])
    seen = (
        client_for(street)
        .get(f"/supervision/credit/facility/{home.pk}/")
        .content.decode()
    )
    assert (
        "虐待老年人被判刑" not in seen and "从业人员中有 1 人在从业禁止名单上" in seen
    )


def test_the_institution_signs_its_commitment_once(home, users, regions):
    director = make_director(home)
    client = client_for(director)
    client.post(f"/supervision/credit/facility/{home.pk}/", {"action": "commit"})
    assert CreditEntry.objects.get(facility=home).kind == "commitment"
    with pytest.raises(ValidationFailed, match="已签署信用承诺"):
        services.commitment_sign(by=director, facility=home)
    with pytest.raises(ValidationFailed, match="由机构本身签署"):
        services.commitment_sign(by=users["bob"], facility=home)
