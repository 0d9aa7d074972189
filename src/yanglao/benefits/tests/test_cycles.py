"""Monthly cycles on the database: each rule kind, explanations, the diff against last month,
back-pay after a late approval, recovery after a late death notice, approval separation, and a
cycle that fails midway leaving nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.assessments.models import GBT_42195
from yanglao.assessments.services import assessment_record_historical
from yanglao.benefits import selectors, services
from yanglao.benefits.conftest import months_ago, run_cycle
from yanglao.benefits.models import Application, Cycle, Entitlement
from yanglao.core.errors import ValidationFailed
from yanglao.elders.services import category_add, life_event_record
from yanglao.facilities.models import Bed
from yanglao.facilities.services import admission_create

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2024, 1, 1)


def _level(users, elder, level, on=None):
    assessment_record_historical(
        by=users["alice"],
        elder=elder,
        standard=GBT_42195,
        assessed_on=on or months_ago(3) + dt.timedelta(days=3),
        final_level=level,
    )


def _of(cycle, elder, code=None, kind="regular"):
    rows = Entitlement.objects.filter(cycle=cycle, elder=elder, kind=kind)
    if code:
        rows = rows.filter(programme__code=code)
    return list(rows)


def test_each_rule_kind_pays_with_its_explanation(
    users, regions, programmes, person, home
):
    month = months_ago(1)
    old = person(name="高龄甲", birth=dt.date(1933, 5, 1))  # 93
    young = person(name="年轻乙", birth=dt.date(1950, 5, 1))
    poor = person(name="特困丙", birth=dt.date(1950, 5, 1))
    category_add(by=users["alice"], elder=poor, category="tekun", start_date=LONG_AGO)
    _level(users, poor, 3)
    resident = person(name="入住丁", birth=dt.date(1948, 5, 1))
    _level(users, resident, 2)
    admission_create(
        by=users["admin"],
        elder=resident,
        bed=Bed.objects.filter(facility=home).first(),
        admitted_on=LONG_AGO,
    )
    cycle = run_cycle(users["alice"], month, regions["city"])
    assert cycle.status == Cycle.Status.COMPUTED, cycle.error
    (e,) = _of(cycle, old, "gaoling")
    assert e.amount_fen == 10000 and e.tier == "90–99岁档" and e.change == "new"
    assert (
        "✓ 年满 80 周岁（本人 93 周岁）" in e.explanation
        and "✓ 户籍在景德镇市" in e.explanation
    )
    assert (e.city_fen, e.county_fen, e.town_fen) == (5000, 5000, 0)
    assert _of(cycle, young) == []
    (care,) = _of(cycle, poor, "tekun_care")
    assert (
        care.amount_fen == 120000
        and "本人3级重度失能，3–4级档 1200.00 元/月" in care.explanation
    )
    (op,) = _of(cycle, resident, "yunying")
    assert op.facility_id == home.pk and op.amount_fen == 10000
    assert cycle.totals["total_fen"] == 10000 + 120000 + 10000
    assert cycle.totals["programmes"]["高龄津贴"] == [1, 10000]
    assert cycle.people == 4


def test_an_expired_assessment_pays_nothing_and_says_why(
    users, regions, programmes, person
):
    poor = person(name="过期", birth=dt.date(1950, 5, 1))
    category_add(by=users["alice"], elder=poor, category="tekun", start_date=LONG_AGO)
    _level(users, poor, 4, on=dt.date(2024, 2, 1))  # valid for 12 months only
    facts = selectors.person_facts(poor, months_ago(1))
    assert facts.ability_level is None
    results = services.check_person(by=users["alice"], elder=poor, month=months_ago(1))
    decision = next(d for p, d, _ in results if p.code == "tekun_care")
    assert not decision.eligible and "未评估或评估已过期" in decision.text


def test_diff_against_last_month_and_a_month_already_approved(
    users, staff, regions, programmes, person
):
    turning = person(
        name="满八十",
        birth=months_ago(2).replace(year=months_ago(2).year - 80)
        + dt.timedelta(days=3),
    )
    old = person(name="老寿星", birth=dt.date(1930, 1, 1))
    first = run_cycle(users["alice"], months_ago(2), regions["city"])
    with pytest.raises(ValidationFailed, match="不能审批自己计算"):
        services.cycle_approve(
            by=users["alice"],
            cycle=first,
            confirmed_total_fen=first.totals["total_fen"],
        )
    services.cycle_approve(
        by=staff["amy"], cycle=first, confirmed_total_fen=first.totals["total_fen"]
    )
    with pytest.raises(ValidationFailed, match="已审批"):
        services.cycle_start(
            by=users["alice"], month=months_ago(2), region=regions["zhushan"]
        )
    assert _of(first, turning) == []
    second = run_cycle(users["alice"], months_ago(1), regions["city"])
    (new,) = _of(second, turning)
    assert new.change == "new" and new.amount_fen == 5000
    (same,) = _of(second, old)
    assert same.change == "same" and same.previous_fen == 10000
    assert second.totals["changes"]["new"] == [1, 5000]


def test_recovery_after_a_late_death_notice(users, staff, regions, programmes, person):
    old = person(name="已故者", birth=dt.date(1930, 1, 1))
    first = run_cycle(users["alice"], months_ago(2), regions["city"])
    services.cycle_approve(
        by=staff["amy"], cycle=first, confirmed_total_fen=first.totals["total_fen"]
    )
    assert _of(first, old)[0].amount_fen == 10000
    # The death happened before that month began, but is only reported now.
    life_event_record(
        by=users["alice"],
        elder=old,
        kind="death",
        date=months_ago(2) - dt.timedelta(days=10),
    )
    second = run_cycle(users["alice"], months_ago(1), regions["city"])
    (stopped,) = _of(second, old, kind="stopped")
    assert (
        stopped.previous_fen == 10000
        and "✗ 在世且在册" in stopped.explanation
        and "死亡" in stopped.explanation
    )
    (back,) = _of(second, old, kind="recovery")
    assert back.amount_fen == -10000 and back.month == months_ago(2)
    assert back.explanation.startswith(f"追回{months_ago(2):%Y年%m月}") and (
        back.city_fen,
        back.county_fen,
    ) == (-5000, -5000)
    services.cycle_approve(
        by=staff["amy"], cycle=second, confirmed_total_fen=second.totals["total_fen"]
    )
    # Approved corrections are not made twice.
    third = run_cycle(users["alice"], months_ago(0), regions["city"])
    assert _of(third, old, kind="recovery") == []


def test_backpay_when_approval_comes_late(users, staff, regions, programmes, person):
    poor = person(name="低保户", birth=dt.date(1950, 1, 1))
    category_add(by=users["alice"], elder=poor, category="dibao", start_date=LONG_AGO)
    application = services.application_submit(
        by=users["carol"],
        programme=programmes["fuwu"],
        elder=poor,
        applicant_kind="family",
        applicant_name="王儿子",
        from_month=months_ago(2),
    )
    first = run_cycle(users["alice"], months_ago(2), regions["city"])
    services.cycle_approve(
        by=staff["amy"], cycle=first, confirmed_total_fen=first.totals["total_fen"]
    )
    assert _of(first, poor) == []  # not approved yet: nothing
    for who in (staff["cid"], staff["sam"], users["alice"]):
        application = services.application_decide(
            by=who, application=application, approved=True
        )
    assert application.status == Application.Status.APPROVED
    second = run_cycle(users["alice"], months_ago(1), regions["city"])
    (regular,) = _of(second, poor, "fuwu")
    (back,) = _of(second, poor, "fuwu", kind="backpay")
    assert (
        regular.amount_fen == 5000
        and back.amount_fen == 5000
        and back.month == months_ago(2)
    )
    assert "补发" in back.explanation and "已核定 0.00元" in back.explanation


def test_approval_steps_are_separated(users, staff, programmes, person):
    poor = person(name="申请人", birth=dt.date(1950, 1, 1))
    a = services.application_submit(
        by=staff["cid"],
        programme=programmes["fuwu"],
        elder=poor,
        applicant_kind="self",
        applicant_name="申请人",
    )
    with pytest.raises(ValidationFailed, match="不能审批自己受理"):
        services.application_decide(by=staff["cid"], application=a, approved=True)
    with pytest.raises(ValidationFailed, match="社区受理"):
        services.application_decide(by=staff["sam"], application=a, approved=True)
    a = services.application_decide(  # not 低保 (yet): approving it takes a reason
        by=users["carol"], application=a, approved=True, note="低保审批中，先行受理"
    )
    assert a.step == 1 and a.step_name == "街道审核"
    with pytest.raises(ValidationFailed, match="须由"):
        services.application_decide(by=users["carol"], application=a, approved=True)
    with pytest.raises(ValidationFailed, match="理由"):
        services.application_decide(by=staff["sam"], application=a, approved=False)
    a = services.application_decide(
        by=staff["sam"], application=a, approved=False, note="收入超过标准"
    )
    assert a.status == Application.Status.REJECTED
    with pytest.raises(ValidationFailed, match="已有在办"):
        services.application_submit(
            by=staff["cid"],
            programme=programmes["fuwu"],
            elder=poor,
            applicant_kind="self",
            applicant_name="x",
        ) if False else _second_open(staff, programmes, poor)


def _second_open(staff, programmes, poor):
    services.application_submit(
        by=staff["cid"],
        programme=programmes["fuwu"],
        elder=poor,
        applicant_kind="self",
        applicant_name="申请人",
    )
    services.application_submit(
        by=staff["cid"],
        programme=programmes["fuwu"],
        elder=poor,
        applicant_kind="self",
        applicant_name="申请人",
    )


def test_a_cycle_that_fails_midway_leaves_nothing_and_can_be_rerun(
    users, regions, programmes, person, monkeypatch
):
    person(name="老寿星", birth=dt.date(1930, 1, 1))
    real = services.cycles.bulk_insert_values

    def half_then_fail(model, columns, rows, **kw):
        real(model, columns, list(rows)[:1], **kw)
        raise OSError("磁盘已满")

    monkeypatch.setattr(services.cycles, "bulk_insert_values", half_then_fail)
    cycle = run_cycle(users["alice"], months_ago(1), regions["city"])
    assert cycle.status == Cycle.Status.FAILED and "磁盘已满" in cycle.error
    assert not Entitlement.objects.exists()
    monkeypatch.setattr(services.cycles, "bulk_insert_values", real)
    again = run_cycle(users["alice"], months_ago(1), regions["city"])
    assert again.pk == cycle.pk and again.status == Cycle.Status.COMPUTED
    assert Entitlement.objects.count() == 1


def test_bad_policies_are_refused_with_reasons(users, programmes):
    p = programmes["gaoling"]
    with pytest.raises(ValidationFailed) as exc:
        services.version_create(
            by=users["alice"],
            programme=p,
            version="2026",
            effective_from=dt.date(2026, 1, 1),
            effective_to=None,
            conditions={"min_age": 80},
            amount={"by": "flat", "flat_fen": 5000},
        )
    assert "重叠" in exc.value.errors["effective_from"]
    with pytest.raises(ValidationFailed) as exc:
        services.version_create(
            by=users["alice"],
            programme=p,
            version="x",
            effective_from=dt.date(2020, 1, 1),
            effective_to=dt.date(2020, 12, 31),
            conditions={},
            amount={
                "by": "age",
                "tiers": [
                    {"low": 80, "high": 89, "amount_fen": 1},
                    {"low": 91, "high": None, "amount_fen": 2},
                ],
            },
        )
    assert "空档" in str(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        services.version_create(
            by=users["alice"],
            programme=p,
            version="y",
            effective_from=dt.date(2020, 1, 1),
            effective_to=dt.date(2020, 12, 31),
            conditions={},
            amount={"by": "flat", "flat_fen": 1234.5},
        )
    assert "不足一分" in exc.value.errors["amount.flat_fen"]
    assert p.versions.count() == 1
    with pytest.raises(ValidationFailed, match="没有有效的补贴政策"):
        services.cycle_start(
            by=users["alice"], month=dt.date(2024, 6, 1), region=p.region
        )


def test_region_scope(users, programmes, person):
    far = person(name="浮梁人", region="jiucheng")
    from yanglao.core.errors import NotInScope

    with pytest.raises(NotInScope):
        services.check_person(by=users["bob"], elder=far, month=months_ago(1))
    with pytest.raises(NotInScope):
        services.cycle_start(
            by=users["bob"], month=months_ago(1), region=programmes["gaoling"].region
        )


def test_the_cycle_command(users, staff, programmes, person, capsys):
    from yanglao.cli import main

    person(name="老寿星", birth=dt.date(1930, 1, 1))
    month = months_ago(1).strftime("%Y-%m")
    assert (
        main(
            [
                "benefits",
                "cycle",
                "--month",
                month,
                "--region",
                "360200",
                "--user",
                "alice",
            ]
        )
        == 0
    )
    assert "复核 1 人，合计 100.00 元" in capsys.readouterr().out
    services.cycle_approve(
        by=staff["amy"],
        cycle=(c := Cycle.objects.get()),
        confirmed_total_fen=c.totals["total_fen"],
    )
    assert (
        main(
            [
                "benefits",
                "cycle",
                "--month",
                month,
                "--region",
                "360203",
                "--user",
                "alice",
            ]
        )
        == 2
    )
    assert "已审批，不能重新计算" in capsys.readouterr().err
    assert main(["benefits", "cycle", "--month", "2026/11", "--user", "alice"]) == 2
