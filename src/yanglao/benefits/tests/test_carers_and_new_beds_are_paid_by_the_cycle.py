"""Subsidies to the care workforce and to new beds through the same cycle (issue 25 §5): 入职奖励
once after 12 months in post, 岗位补贴 by skill level and 从业年限补贴 by years each month, 见习留用补贴
to a unit that kept ≥ 50% of its trainees (100% of the minimum wage), and a one-off construction
subsidy per new 护理型 bed of a private institution once accepted. Someone on the ban list, who
left, or not a carer is not paid, with the reason; a public or membership-fee institution's bed
earns nothing; the payment file pays staff to their own accounts; nothing one-off is paid twice."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.benefits import services
from yanglao.benefits.conftest import months_ago, run_cycle
from yanglao.benefits.models import Entitlement, LedgerEntry
from yanglao.conftest import valid_id
from yanglao.core.dates import add_months
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Bed, Staff
from yanglao.facilities.services import (
    ban_add,
    bed_accept,
    bed_create,
    facility_create,
    staff_hire,
)

pytestmark = pytest.mark.django_db
FROM = dt.date(2025, 1, 1)


def _programme(alice, city, code, name, unit, conditions, amount):
    p = services.programme_create(
        by=alice, code=code, name=name, region=city, unit=unit, funding={"city": 100}
    )
    services.version_create(
        by=alice,
        programme=p,
        version="2025",
        effective_from=FROM,
        effective_to=None,
        conditions=conditions,
        amount=amount,
    )
    return p


@pytest.fixture
def workforce(users, regions):
    alice, city = users["alice"], regions["city"]
    _programme(
        alice,
        city,
        "ruzhi",
        "入职奖励",
        "staff",
        {"kind": "entry", "min_months": 12},
        {"by": "flat", "flat_fen": 300000},
    )
    _programme(
        alice,
        city,
        "gangwei",
        "岗位补贴",
        "staff",
        {"kind": "skill"},
        {
            "by": "level",
            "tiers": [
                {"low": 1, "high": 3, "amount_fen": 30000},
                {"low": 4, "high": 5, "amount_fen": 10000},
            ],
        },
    )
    _programme(
        alice,
        city,
        "nianxian",
        "从业年限补贴",
        "staff",
        {"kind": "years"},
        {
            "by": "age",
            "tiers": [
                {"low": 1, "high": 4, "amount_fen": 5000},
                {"low": 5, "high": None, "amount_fen": 20000},
            ],
        },
    )
    _programme(
        alice,
        city,
        "jianxi",
        "见习留用补贴",
        "retention",
        {"min_retention": 50},
        {"by": "flat", "flat_fen": 179000, "share_percent": 100},
    )
    _programme(
        alice,
        city,
        "jianshe",
        "新增护理型床位建设补贴",
        "bed",
        {},
        {"by": "flat", "flat_fen": 1000000},
    )


def _home(users, name, ownership="private", **extra):
    return facility_create(
        by=users["admin"],
        name=name,
        type="private_home",
        ownership=ownership,
        region="360203001001",
        **extra,
    )


def test_carers_trainee_units_and_new_beds_are_paid_with_reasons(
    users, regions, workforce
):
    month = months_ago(0)
    admin = users["admin"]
    home = _home(users, "康乐护理院")
    seq = iter(range(41, 200, 2))

    def hire(name, role="carer", level="", hired=dt.date(2020, 1, 1), **kw):
        return staff_hire(
            by=admin,
            name=name,
            id_number=valid_id("360203", dt.date(1980, 1, 1), next(seq)),
            role=role,
            hired_on=hired,
            facility=home,
            skill_level=level,
            **kw,
        )

    veteran = hire("老护理员", level="3", hired=dt.date(2019, 3, 1))
    year_ago = add_months(month, -13)
    newcomer = hire("入职满一年", level="4", hired=year_ago)
    fresh = hire("新入职", level="5", hired=add_months(month, -3))
    banned = hire("禁业者", level="4", hired=dt.date(2021, 1, 1))
    ban_add(
        by=users["alice"],
        name="禁业者",
        id_number=valid_id("360203", dt.date(1980, 1, 1), 47),
        reason="虐待老人",
        source="法院判决",
        start_date=add_months(month, -1),
    )
    nurse = hire("护士甲", role="nurse", hired=dt.date(2020, 1, 1))
    # trainees whose 见习期 ended this month: both kept (100%)
    kept = [hire(f"见习{i}", hired=add_months(month, -6)) for i in (1, 2)]
    Staff.objects.filter(pk__in=[t.pk for t in kept]).update(
        internship_until=month + dt.timedelta(days=2)
    )
    # beds: a new accepted 护理型 bed here; a public home's and a membership-fee home's earn nothing
    new_bed = bed_create(
        by=admin, facility=home, code="N-1", kind="nursing", created_on=month
    )
    bed_accept(by=users["alice"], bed=new_bed, accepted_on=month)
    public = _home(users, "公办院", ownership="public")
    club = _home(users, "会员制公寓", membership_fee=True)
    for other in (public, club):
        b = bed_create(
            by=admin, facility=other, code="N-1", kind="nursing", created_on=month
        )
        bed_accept(by=users["alice"], bed=b, accepted_on=month)
    with pytest.raises(ValidationFailed) as exc:
        bed_accept(
            by=users["alice"], bed=Bed.objects.get(pk=new_bed.pk), accepted_on=month
        )
    assert exc.value.errors == {"__all__": f"该床位已于 {month:%Y-%m-%d} 验收"}

    cycle = run_cycle(users["alice"], month, regions["city"])
    assert cycle.status == "computed", cycle.error

    def paid(code, **kw):
        return list(Entitlement.objects.filter(cycle=cycle, programme__code=code, **kw))

    (entry,) = paid("ruzhi")
    assert (
        entry.staff_id == newcomer.pk
        and entry.amount_fen == 300000
        and entry.kind == "item"
    )
    assert "入职满 12 个月（本人已满 13 个月）" in entry.explanation
    post = {e.staff_id: e.amount_fen for e in paid("gangwei")}
    assert post == {veteran.pk: 30000, newcomer.pk: 10000, fresh.pk: 10000}
    years = {e.staff_id: e.amount_fen for e in paid("nianxian")}
    assert years == {veteran.pk: 20000, newcomer.pk: 5000}
    assert banned.pk not in post and nurse.pk not in post
    retention = paid("jianxi")
    assert {e.staff_id for e in retention} == {t.pk for t in kept}
    assert all(e.facility_id == home.pk and e.amount_fen == 179000 for e in retention)
    assert "留用率 100%" in retention[0].explanation
    (bed,) = paid("jianshe")
    assert (
        bed.bed_id == new_bed.pk
        and bed.facility_id == home.pk
        and bed.amount_fen == 1000000
    )

    # paid to the staff member's own account, the rest to the institution
    services.bank_account_set(
        by=users["alice"],
        bank="农业银行",
        holder="入职满一年",
        account="6228480012345678",
        staff=newcomer,
    )
    services.bank_account_set(
        by=users["alice"],
        bank="农业银行",
        holder="康乐护理院",
        account="6228480087654321",
        facility=home,
    )
    approved = services.cycle_approve(
        by=_second_clerk(regions),
        cycle=cycle,
        confirmed_total_fen=cycle.totals["total_fen"],
    )
    batch, missing, _held = services.payment_batch_create(
        by=users["alice"], cycle=approved
    )
    from yanglao.benefits.measures import _workforce_fen

    # K-13 counts what was approved for staff and trainee units, not beds
    staff_total = sum(post.values()) + sum(years.values()) + 300000 + 2 * 179000
    assert sum(_workforce_fen(month, month).values()) == staff_total
    to_newcomer = LedgerEntry.objects.get(batch=batch, staff=newcomer)
    assert to_newcomer.amount_fen == 300000 + 10000 + 5000
    assert (
        LedgerEntry.objects.get(batch=batch, facility=home).amount_fen
        == 2 * 179000 + 1000000
    )
    assert "老护理员" in missing  # no account yet: named, still owed
    # next month: monthly ones again, the one-offs not
    nxt = run_cycle(users["alice"], add_months(month, 1), regions["city"])
    codes = set(
        Entitlement.objects.filter(cycle=nxt).values_list("programme__code", flat=True)
    )
    assert codes == {"gangwei", "nianxian"}
    assert (
        Entitlement.objects.get(
            cycle=nxt, programme__code="gangwei", staff=veteran
        ).change
        == "same"
    )


def _second_clerk(regions):
    from yanglao.conftest import make_user

    return make_user("amy2", "civil_affairs", regions["city"])


def test_the_check_page_says_why_a_banned_carer_is_not_paid(users, regions, workforce):
    from yanglao.conftest import client_for

    home = _home(users, "康宁护理院")
    person = staff_hire(
        by=users["admin"],
        name="禁业乙",
        id_number=valid_id("360203", dt.date(1981, 1, 1), 51),
        role="carer",
        hired_on=dt.date(2022, 1, 1),
        facility=home,
        skill_level="3",
    )
    ban_add(
        by=users["alice"],
        name="禁业乙",
        id_number=valid_id("360203", dt.date(1981, 1, 1), 51),
        reason="虐待老人",
        source="法院判决",
        start_date=timezone.localdate().replace(day=1),
    )
    page = client_for(users["alice"]).get(f"/benefits/staff/{person.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "✗ 不在从业禁止名单" in body and "不符合" in body
    assert (
        client_for(users["dave"]).get(f"/benefits/staff/{person.pk}/").status_code
        == 404
    )
