"""Issue 23 §7 联合惩戒: an institution on the black list has its subsidies held. The payment batch
leaves it out with the reason and keeps what it is owed; the first batch after it leaves the list
pays it. Other payees of the same batch are paid as usual."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.assessments.models import GBT_42195
from yanglao.assessments.services import assessment_record_historical
from yanglao.benefits import selectors, services
from yanglao.benefits.conftest import (  # noqa: F401  (fixtures)
    months_ago,
    person,
    programmes,
    run_cycle,
    staff,
)
from yanglao.benefits.models import LedgerEntry
from yanglao.facilities.conftest import home  # noqa: F401  (a fixture)
from yanglao.facilities.models import Bed
from yanglao.facilities.services import admission_create
from yanglao.supervision.models import ListEntry

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2020, 1, 1)


@pytest.fixture
def approved_cycle(users, staff, regions, programmes, person, home):  # noqa: F811
    """A resident of 塘坪敬老院 (运营补贴 100 元 to the institution) and a 93-year-old at home
    (高龄津贴 100 元), both payees with bank accounts, in an approved cycle."""
    resident = person(name="入住丁", birth=dt.date(1948, 5, 1))
    assessment_record_historical(
        by=users["admin"],
        elder=resident,
        standard=GBT_42195,
        assessed_on=months_ago(3) + dt.timedelta(days=3),
        final_level=2,
    )
    admission_create(
        by=users["admin"],
        elder=resident,
        bed=Bed.objects.filter(facility=home).first(),
        admitted_on=LONG_AGO,
    )
    old = person(name="高龄甲", birth=dt.date(1933, 5, 1))
    for kw in (
        {"facility": home, "holder": "塘坪敬老院"},
        {"elder": old, "holder": "高龄甲"},
    ):
        services.bank_account_set(
            by=users["alice"], bank="中国农业银行", account="6228480012345678", **kw
        )
    cycle = run_cycle(users["alice"], months_ago(1), regions["city"])
    return services.cycle_approve(
        by=staff["amy"], cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"]
    ), old


def _black_list(home, users):  # noqa: F811
    return ListEntry.objects.create(
        kind=ListEntry.Kind.BLACK,
        facility=home,
        reason="行政处罚：未按规定整改消防隐患",
        started_on=timezone.localdate(),
        decided_by=users["alice"],
    )


def test_the_black_listed_institution_is_held_and_paid_after_it_leaves(
    users,
    approved_cycle,
    home,  # noqa: F811
):
    cycle, old = approved_cycle
    entry = _black_list(home, users)
    batch, missing, held = services.payment_batch_create(by=users["alice"], cycle=cycle)
    assert missing == []
    assert held == [
        (
            "塘坪敬老院",
            f"已于 {entry.started_on:%Y-%m-%d} 列入失信黑名单，联合惩戒期间暂停拨付补贴",
        )
    ]
    paid = {
        p["entry"].elder_id or p["entry"].facility_id
        for p in selectors.batch_payments(batch)
    }
    assert paid == {old.pk}  # the person at home is paid as usual
    assert not LedgerEntry.objects.filter(facility=home).exists()
    assert (
        selectors.balances(cycle.region)[("facility", home.pk)] == 10000
    )  # still owed

    entry.ended_on = timezone.localdate()
    entry.save(update_fields=["ended_on"])
    later, _missing, held = services.payment_batch_create(
        by=users["alice"], cycle=cycle
    )
    assert held == []
    (payment,) = selectors.batch_payments(later)
    assert (
        payment["entry"].facility_id == home.pk and payment["entry"].amount_fen == 10000
    )


def test_the_batch_page_says_who_was_held_and_why(users, approved_cycle, home):  # noqa: F811
    from yanglao.conftest import client_for

    cycle, _old = approved_cycle
    _black_list(home, users)
    response = client_for(users["alice"]).post(
        f"/benefits/cycles/{cycle.pk}/batches/", follow=True
    )
    page = response.content.decode()
    assert (
        "塘坪敬老院：已于" in page and "暂停拨付补贴，本批次暂不拨付，余额保留" in page
    )
