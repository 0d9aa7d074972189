"""喘息服务 (issue 25 §3): a family member books three days in a free bed of an institution for
the disabled person they care for; the institution checks them in and out; the days come off
the year's allowance and the institution is paid per day in the next cycle. Refused, writing
nothing: days beyond the allowance, a person the rules do not cover, a bed taken."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.benefits import services as benefits
from yanglao.benefits.models import Claim, Entitlement
from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.homecare.models import FamilyLink
from yanglao.homesupport import selectors, services
from yanglao.homesupport.models import RespiteStay
from yanglao.homesupport.tests.conftest import assess

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def family(users, make_elder):
    person = make_elder(name="喘息甲", birth=dt.date(1938, 1, 1))
    assess(users, person, 3)
    daughter = make_user("nv", "family", None)
    FamilyLink.objects.create(
        user=daughter,
        elder=person,
        relation="女儿",
        consent="elder",
        consent_by=users["carol"],
    )
    return person, daughter


def test_a_family_books_three_days_and_the_institution_is_paid(
    users, regions, family, home, chuanxi
):
    person, daughter = family
    start = TODAY + dt.timedelta(days=1)
    page = client_for(daughter)
    form = page.get("/homesupport/respite/new/").content.decode()
    assert "喘息甲" in form and "塘坪敬老院" in form
    bed = selectors.free_beds(person.residence_region, start, start).first()
    response = page.post(
        "/homesupport/respite/new/",
        {
            "elder": str(person.pk),
            "bed": str(bed.pk),
            "start_on": start.isoformat(),
            "days": "3",
            "carer_name": "女儿",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stay = RespiteStay.objects.get()
    assert (stay.days, stay.end_on) == (3, start + dt.timedelta(days=2))
    assert selectors.days_used(person, start.year) == 3
    # the bed is not free for those days any more
    assert not selectors.free_beds(person.residence_region, start, start).filter(
        pk=bed.pk
    )
    admin = users["carol"]
    services.respite_check_in(by=admin, stay=stay)
    services.respite_end(by=admin, stay=stay, ended_on=start + dt.timedelta(days=2))
    claim = Claim.objects.get()  # payable from the month the stay ended
    cycle = benefits.cycle_start(
        by=users["alice"], month=claim.month, region=regions["city"]
    )
    cycle = benefits.cycle_run(cycle.pk)
    (row,) = Entitlement.objects.filter(cycle=cycle, kind="item")
    assert row.facility_id == home.pk and row.amount_fen == 30000
    assert "共 3 天 × 100.00 元/天" in row.explanation
    assert "喘息甲" in page.get(f"/homesupport/respite/{stay.pk}/").content.decode()


def test_days_beyond_the_allowance_are_refused(users, family, home, chuanxi):
    person, daughter = family
    start = dt.date(TODAY.year + 1, 3, 2)  # both stays in one year
    bed = selectors.free_beds(person.residence_region, start, start).first()
    services.respite_book(
        by=daughter, elder=person, bed=bed, start_on=start, days=20, carer_name="女儿"
    )
    later = start + dt.timedelta(days=25)
    other_bed = selectors.free_beds(person.residence_region, later, later).first()
    with pytest.raises(ValidationFailed) as exc:
        services.respite_book(
            by=daughter,
            elder=person,
            bed=other_bed,
            start_on=later,
            days=3,
            carer_name="女儿",
        )
    assert exc.value.errors == {
        "days": f"超过{start.year}年剩余喘息天数：每年 21 天，还剩 1 天"
    }
    assert RespiteStay.objects.count() == 1


def test_a_person_not_covered_and_a_taken_bed_are_refused(
    users, make_elder, family, home, chuanxi
):
    person, daughter = family
    able = make_elder(name="能自理")
    assess(users, able, 1)
    start = TODAY + dt.timedelta(days=2)
    bed = selectors.free_beds(person.residence_region, start, start).first()
    with pytest.raises(ValidationFailed) as exc:
        services.respite_book(
            by=users["carol"],
            elder=able,
            bed=bed,
            start_on=start,
            days=2,
            carer_name="子",
        )
    assert exc.value.errors["elder"].startswith(
        "不符合喘息服务条件：能力等级 3级及以上"
    )
    second = make_elder(name="喘息乙", birth=dt.date(1936, 1, 1))
    assess(users, second, 4)
    services.respite_book(
        by=users["carol"],
        elder=person,
        bed=bed,
        start_on=start,
        days=2,
        carer_name="女儿",
    )
    with pytest.raises(ValidationFailed) as exc:
        services.respite_book(
            by=users["carol"],
            elder=second,
            bed=bed,
            start_on=start,
            days=1,
            carer_name="子",
        )
    assert "bed" in exc.value.errors
    assert RespiteStay.objects.count() == 1
