"""Subsidy rules by hand: the Jingdezhen and Beijing examples of STANDARDS.md, tier tables with
gaps and overlaps refused, overlapping versions found, explanations a clerk can read."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yanglao.benefits.rules import (
    Amount,
    Conditions,
    Facts,
    InvalidPolicy,
    Policy,
    Tier,
    check_policy,
    evaluate,
    overlapping,
)

DAY = dt.date(2026, 11, 1)
JDZ = "360000/360200/"


def gaoling(**kw) -> Policy:
    """Beijing-style 高龄津贴: 80–89 100 元, 90–99 500 元, 100+ 800 元 a month, 户籍 in the city."""
    values = dict(
        programme="gaoling",
        name="高龄津贴",
        version="2026",
        effective_from=dt.date(2026, 1, 1),
        effective_to=None,
        conditions=Conditions(min_age=80, hukou_in=JDZ, region_name="景德镇市"),
        amount=Amount(
            by="age",
            tiers=(Tier(80, 89, 10000), Tier(90, 99, 50000), Tier(100, None, 80000)),
        ),
    )
    return Policy(**(values | kw))


def test_age_tiers_and_the_explanation():
    p = gaoling()
    check_policy(p)
    d = evaluate(p, Facts(age=92, hukou_path=JDZ + "360222/"), DAY)
    assert d.eligible and d.amount_fen == 50000
    assert (
        "✓ 年满 80 周岁（本人 92 周岁）" in d.text
        and "90–99岁档 500.00 元/月" in d.text
    )
    young = evaluate(p, Facts(age=79, hukou_path=JDZ), DAY)
    assert (
        not young.eligible
        and young.amount_fen == 0
        and "✗ 年满 80 周岁（本人 79 周岁）" in young.text
    )
    outsider = evaluate(p, Facts(age=85, hukou_path="110000/"), DAY)
    assert not outsider.eligible and "✗ 户籍在景德镇市" in outsider.text
    assert evaluate(p, Facts(age=101, hukou_path=JDZ), DAY).amount_fen == 80000
    assert not evaluate(
        gaoling(effective_to=dt.date(2026, 6, 30)), Facts(age=85, hukou_path=JDZ), DAY
    ).eligible


def test_category_and_level_tiers():
    hardship = Policy(
        programme="kunnan",
        name="困难老年人养老服务补贴",
        version="BJ",
        effective_from=dt.date(2024, 1, 1),
        effective_to=None,
        conditions=Conditions(
            categories_any=frozenset({"dibao", "dibao_edge", "family_planning"})
        ),
        amount=Amount(
            by="category",
            tiers=(
                Tier(0, None, 30000, "dibao"),
                Tier(0, None, 20000, "dibao_edge"),
                Tier(0, None, 10000, "family_planning"),
            ),
        ),
    )
    check_policy(hardship)
    both = evaluate(
        hardship, Facts(age=70, categories=frozenset({"family_planning", "dibao"})), DAY
    )
    assert both.amount_fen == 30000 and "按低保标准 300.00 元/月" in both.text
    assert not evaluate(
        hardship, Facts(age=70, categories=frozenset({"tekun"})), DAY
    ).eligible
    care = Policy(
        programme="huli",
        name="失能老年人护理补贴",
        version="BJ",
        effective_from=dt.date(2024, 1, 1),
        effective_to=None,
        conditions=Conditions(min_level=2, excludes=frozenset({"tekun_care"})),
        amount=Amount(
            by="level", tiers=(Tier(2, 2, 20000), Tier(3, 3, 40000), Tier(4, 4, 60000))
        ),
    )
    check_policy(care)
    assert evaluate(care, Facts(age=80, ability_level=3), DAY).amount_fen == 40000
    unassessed = evaluate(care, Facts(age=80, ability_level=None), DAY)
    assert not unassessed.eligible and "未评估或评估已过期" in unassessed.text
    assert not evaluate(
        care, Facts(age=80, ability_level=4, receiving=frozenset({"tekun_care"})), DAY
    ).eligible


@pytest.mark.parametrize(
    "tiers, reason",
    [
        ((Tier(80, 89, 1), Tier(91, 99, 1)), "空档：90–90"),
        ((Tier(80, 90, 1), Tier(90, 99, 1)), "重叠"),
        ((Tier(80, None, 1), Tier(90, 99, 1)), "无上限"),
        ((Tier(80, 79, 1),), "上限小于下限"),
        ((), "缺少分档"),
    ],
)
def test_bad_tier_tables_are_refused(tiers, reason):
    with pytest.raises(InvalidPolicy) as exc:
        check_policy(gaoling(amount=Amount(by="age", tiers=tiers)))
    assert any(reason in why for why in exc.value.errors.values())


def test_overlapping_versions():
    a = gaoling(
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2025, 12, 31),
    )
    b = gaoling(version="2026", effective_from=dt.date(2026, 1, 1))
    assert overlapping([b, a]) == []
    c = gaoling(version="2026b", effective_from=dt.date(2026, 6, 1))
    assert overlapping([a, b, c]) == [("2026", "2026b")]


@given(st.integers(0, 120))
def test_an_amount_is_paid_only_when_eligible(age):
    d = evaluate(gaoling(), Facts(age=age, hukou_path=JDZ), DAY)
    assert (d.amount_fen > 0) == d.eligible == (age >= 80)


@pytest.mark.parametrize(
    "key",
    sorted(__import__("yanglao.benefits.examples", fromlist=["TEMPLATES"]).TEMPLATES),
)
def test_shipped_templates_are_valid_and_read_back_in_chinese(key):
    from yanglao.benefits.examples import TEMPLATES
    from yanglao.benefits.rules import describe, policy_from_data

    t = TEMPLATES[key]
    p = policy_from_data(
        programme=key,
        name="模板",
        version="t",
        effective_from=DAY,
        effective_to=None,
        conditions=t["conditions"],
        amount=t["amount"],
        region_path="11/",
        region_name="北京市",
    )
    text = "；".join(describe(p))
    assert "户籍在北京市" in text and "元" in text


def test_stored_rules_refuse_bad_values_naming_the_field():
    from yanglao.benefits.rules import policy_from_data

    with pytest.raises(InvalidPolicy) as exc:
        policy_from_data(
            programme="x",
            name="x",
            version="1",
            effective_from=DAY,
            effective_to=None,
            conditions={"min_age": "八十", "categories_any": ["rich"]},
            amount={
                "by": "age",
                "tiers": [{"low": 80, "high": None, "amount_fen": 99.5}],
            },
        )
    errors = exc.value.errors
    assert errors["conditions.min_age"] == "应为整数"
    assert "rich" in errors["conditions.categories_any"]
    assert "不足一分" in errors["amount.tiers[0]"]


@given(st.integers(-(10**9), 10**9), st.integers(0, 100))
def test_funding_parts_add_up(amount, city):
    from yanglao.benefits.rules import split_funding

    parts = split_funding(amount, {"city": city, "county": 100 - city})
    assert sum(parts) == amount and parts[2] == 0


def test_an_item_programme_names_its_standard_per_event_not_per_month():
    from yanglao.benefits.rules import policy_from_data

    policy = policy_from_data(
        programme="chuanxi",
        name="喘息服务补贴",
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        effective_to=None,
        conditions={"min_age": 60},
        amount={"by": "flat", "flat_fen": 10000, "per_year": 21},
        unit="item",
    )
    decision = evaluate(policy, Facts(age=70), dt.date(2026, 3, 1))
    assert decision.eligible and decision.text.endswith(
        "✓ 补贴标准 100.00 元（按事项核定）"
    )
    assert "元/月" not in decision.text
