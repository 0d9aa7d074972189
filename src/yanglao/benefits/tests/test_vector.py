"""The column evaluation used by monthly cycles decides exactly as the one-person rules do."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from yanglao.benefits.rules import (
    CATEGORY_NAMES,
    LIVING_NAMES,
    Amount,
    Conditions,
    Policy,
    Tier,
    evaluate,
)
from yanglao.benefits.vector import (
    CATEGORY_BITS,
    LIVING_CODES,
    NO_LEVEL,
    People,
    evaluate_many,
)

PATHS = {1: "36/3602/360202/", 2: "36/3602/360222/", 3: "11/1101/"}
DAY = dt.date(2026, 11, 1)

person = st.fixed_dictionaries(
    {
        "birth": st.dates(dt.date(1900, 1, 1), dt.date(1970, 12, 31)),
        "hukou": st.sampled_from([0, 1, 2, 3]),
        "residence": st.sampled_from([1, 2, 3]),
        "living": st.sampled_from([0, *LIVING_CODES.values()]),
        "categories": st.sets(st.sampled_from(sorted(CATEGORY_NAMES))),
        "level": st.sampled_from([NO_LEVEL, 0, 1, 2, 3, 4]),
        "facility": st.sampled_from([0, 0, 7]),
        "facility_grade": st.sampled_from([0, 1, 3, 5]),
        "gone": st.sampled_from(["", "", "", "2026年10月03日死亡"]),
        "receiving": st.booleans(),
    }
)
tiers = {
    "age": st.just((Tier(60, 79, 5000), Tier(80, 99, 10000), Tier(100, None, 40000))),
    "level": st.just((Tier(0, 0, 7000), Tier(1, 2, 30000), Tier(3, 4, 120000))),
    "category": st.just(
        (Tier(0, None, 30000, "dibao"), Tier(0, None, 10000, "family_planning"))
    ),
    "flat": st.just(()),
}


@st.composite
def policies(draw):
    by = draw(st.sampled_from(sorted(tiers)))
    low_age = draw(st.one_of(st.none(), st.integers(60, 100)))
    conditions = Conditions(
        min_age=low_age,
        max_age=draw(st.one_of(st.none(), st.integers(80, 110))),
        hukou_in=draw(st.sampled_from(["", "36/3602/", "36/3602/360222/"])),
        residence_in=draw(st.sampled_from(["", "36/"])),
        region_name="景德镇市",
        categories_any=frozenset(
            draw(st.sets(st.sampled_from(sorted(CATEGORY_NAMES)), max_size=3))
        ),
        min_level=draw(st.one_of(st.none(), st.integers(0, 4))),
        max_level=draw(st.one_of(st.none(), st.integers(2, 4))),
        living_any=frozenset(
            draw(st.sets(st.sampled_from(sorted(LIVING_NAMES)), max_size=2))
        ),
        in_institution=draw(st.sampled_from([None, True, False])),
        excludes=draw(st.sampled_from([frozenset(), frozenset({"tekun_care"})])),
        min_facility_grade=draw(st.one_of(st.none(), st.integers(1, 5))),
    )
    return Policy(
        "p",
        "测试补贴",
        "v1",
        dt.date(2026, 1, 1),
        draw(st.sampled_from([None, dt.date(2026, 10, 31)])),
        conditions,
        Amount(by=by, flat_fen=draw(st.integers(0, 50000)), tiers=draw(tiers[by])),
    )


def _columns(rows):
    return People(
        elder_id=np.arange(1, len(rows) + 1, dtype=np.int64),
        birth=np.array(
            [int(r["birth"].strftime("%Y%m%d")) for r in rows], dtype=np.int32
        ),
        hukou=np.array([r["hukou"] for r in rows], dtype=np.int64),
        residence=np.array([r["residence"] for r in rows], dtype=np.int64),
        living=np.array([r["living"] for r in rows], dtype=np.int8),
        categories=np.array(
            [sum(CATEGORY_BITS[c] for c in r["categories"]) for r in rows],
            dtype=np.int32,
        ),
        level=np.array([r["level"] for r in rows], dtype=np.int8),
        facility=np.array([r["facility"] for r in rows], dtype=np.int64),
        gone={i: r["gone"] for i, r in enumerate(rows) if r["gone"]},
        facility_grade=np.array(
            [r.get("facility_grade", 0) if r["facility"] else 0 for r in rows],
            dtype=np.int8,
        ),
    )


@settings(max_examples=150, deadline=None)
@given(
    policies(),
    st.lists(person, min_size=1, max_size=30),
    st.sampled_from([DAY, dt.date(2026, 2, 28)]),
)
def test_columns_decide_as_the_one_person_rules(policy, rows, day):
    people = _columns(rows)
    receiving = {"tekun_care": np.array([r["receiving"] for r in rows])}
    eligible, amount = evaluate_many(policy, people, day, PATHS, receiving)
    for i, r in enumerate(rows):
        held = frozenset({"tekun_care"}) if r["receiving"] else frozenset()
        one = evaluate(policy, people.facts(i, day, PATHS, held), day)
        assert (bool(eligible[i]), int(amount[i])) == (one.eligible, one.amount_fen), (
            one.text
        )


def test_take_keeps_the_reasons_of_people_gone():
    rows = [
        dict(
            birth=dt.date(1940, 5, 1),
            hukou=1,
            residence=1,
            living=0,
            categories=set(),
            level=2,
            facility=0,
            gone="",
        ),
        dict(
            birth=dt.date(1930, 5, 1),
            hukou=1,
            residence=1,
            living=0,
            categories=set(),
            level=2,
            facility=0,
            gone="2026年10月03日死亡",
        ),
    ]
    people = _columns(rows).take(np.array([1]))
    assert list(people.elder_id) == [2] and people.gone == {0: "2026年10月03日死亡"}
    assert people.ages(DAY)[0] == 96
