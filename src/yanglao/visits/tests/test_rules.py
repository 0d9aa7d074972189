"""The roster rules, rates and walking order, checked by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yanglao.visits.rules import (
    Facts,
    Load,
    Rate,
    assign,
    need_for,
    rate,
    walking_order,
)


def facts(**kw):
    base = {"age": 75, "living": "with_children"}
    return Facts(**(base | kw))


def test_who_is_on_the_roster_and_how_often():
    assert need_for(facts()) is None
    assert need_for(facts(living="empty_nest")).visits_per_month == 1
    assert need_for(facts(living="left_behind")).reasons == ("独居、空巢、留守老年人",)
    assert need_for(facts(ability_level=2)).visits_per_month == 1
    assert need_for(facts(ability_level=1)) is None  # 轻度 is not 失能 here
    assert need_for(facts(categories=frozenset({"disabled"}))).visits_per_month == 1
    assert need_for(facts(categories=frozenset({"dibao"}))) is None
    both = need_for(facts(living="alone", ability_level=3))
    assert both.visits_per_month == 4 and len(both.reasons) == 3
    assert need_for(facts(living="alone", ability_level=None)).visits_per_month == 1


def test_monthly_rate_by_hand():
    # four people: one weekly (needs 4, had 3), three monthly (1, 0, 2 visits)
    r = rate([(4, 3), (1, 1), (1, 0), (1, 2)])
    assert (r.rostered, r.visited) == (4, 2) and r.value == 0.5
    assert Rate().value is None


def test_walking_order_starts_north_and_walks_to_the_nearest():
    points = [
        (1, 29.30, 117.20),
        (2, 29.35, 117.20),
        (3, 29.31, 117.20),
        (4, None, None),
    ]
    assert walking_order(points) == [2, 3, 1, 4]


def test_assignment_balances_load_within_the_area():
    a, b = Load(10, regions={1}), Load(11, regions={1, 2})
    result = assign([(100, 1), (101, 1), (102, 2), (103, 3)], [a, b])
    assert result[103] is None and result[102] == 11
    assert sorted([result[100], result[101]]) == [10, 11]


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6)), max_size=50))
def test_rate_is_a_share(rows):
    r = rate(rows)
    assert 0 <= r.visited <= r.rostered == len(rows)
