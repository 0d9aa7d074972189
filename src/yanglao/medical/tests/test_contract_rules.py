"""签约服务 rules (pure): a term's state on a day, an overlap with the pair's other terms, and the
patrol visits promised in a period against those done."""

import datetime as dt

from yanglao.medical import rules

D = dt.date


def test_a_term_that_ends_before_it_starts_is_named():
    assert rules.term_problems(D(2026, 5, 1), D(2026, 4, 30)) == {
        "ends_on": "截止日期早于起始日期"
    }
    assert rules.term_problems(D(2026, 5, 1), D(2026, 5, 1)) == {}


def test_overlaps_share_a_day_and_touching_terms_do_not():
    terms = [(D(2025, 1, 1), D(2025, 12, 31))]
    assert rules.overlaps(D(2025, 12, 31), D(2026, 12, 30), terms) == terms[0]
    assert rules.overlaps(D(2026, 1, 1), D(2026, 12, 31), terms) is None


def test_the_state_of_a_term():
    term = (D(2026, 1, 1), D(2026, 12, 31))
    assert rules.state(*term, D(2025, 12, 31)) == "未生效"
    assert rules.state(*term, D(2026, 6, 1)) == "有效"
    assert rules.state(*term, D(2026, 12, 1)) == "即将到期"
    assert rules.state(*term, D(2027, 1, 1)) == "已到期"


def test_fulfilment_counts_the_months_of_the_term_inside_the_period():
    # a contract from 15 March, 2 patrols a month; the year 2026 to date 30 June: 4 months, 8 due
    assert (
        rules.months_covered(
            D(2026, 3, 15), D(2027, 3, 14), D(2026, 1, 1), D(2026, 6, 30)
        )
        == 4
    )
    expected, share = rules.fulfilment(
        2, D(2026, 3, 15), D(2027, 3, 14), D(2026, 1, 1), D(2026, 6, 30), done=6
    )
    assert (expected, share) == (8, 0.75)
    assert rules.fulfilment(
        0, D(2026, 1, 1), D(2026, 12, 31), D(2026, 1, 1), D(2026, 12, 31), 3
    ) == (0, None)
    assert (
        rules.fulfilment(
            1, D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 1), D(2026, 12, 31), 5
        )[1]
        == 1.0
    )
