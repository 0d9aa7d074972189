"""core.push.Horizon: a reader of an append-only table misses no row that commits late."""

from __future__ import annotations

from yanglao.core.push import Horizon


def test_a_row_that_commits_after_a_later_one_is_still_sent():
    h = Horizon(after=10)
    assert h.fresh([12], now=0.0) == [12]  # 11 is taken but not committed yet
    assert h.floor == 10
    assert h.fresh([12], now=0.5) == []  # nothing new; 12 is not sent twice
    assert h.fresh([11, 12, 13], now=1.0) == [11, 13]  # 11 committed late: sent
    assert h.floor == 13


def test_a_hole_that_never_fills_is_given_up_after_the_grace():
    h = Horizon(after=0, grace=5.0)
    assert h.fresh([1, 3], now=0.0) == [1, 3]  # 2 was rolled back
    assert h.floor == 1
    assert h.fresh([3, 4], now=4.9) == [4]
    assert h.floor == 1
    assert h.fresh([3, 4], now=5.0) == []
    assert h.floor == 4
    assert h.fresh([2], now=6.0) == []  # below the floor: already given up


def test_ids_at_or_below_the_starting_point_are_not_sent():
    h = Horizon(after=100)
    assert h.fresh([99, 100, 101], now=0.0) == [101] and h.floor == 101
