"""TARGETS.md "Progress status" (Open SDG, Statistics Canada): hand-computed cases, the zero
denominator, and sums of numerators over sums of denominators."""

import pytest

from yanglao.indicators.progress import (
    Direction,
    Status,
    is_met,
    progress,
    ratio,
    summed,
)


def _p(value, year=2023, target=60, target_year=2025, baseline=40, baseline_year=2021):
    return progress(
        value=value,
        year=year,
        target=target,
        target_year=target_year,
        direction=Direction.AT_LEAST,
        baseline=baseline,
        baseline_year=baseline_year,
    )


def test_on_track_needs_95_percent_of_the_required_growth():
    # required: (60/40)^(1/4) − 1 = 0.10668; observed over 2 years at 48: (1.2)^(1/2) − 1 = 0.09545
    p = _p(48)
    assert p.ratio == pytest.approx(0.09545 / 0.10668, rel=1e-3)
    assert p.status == Status.SPEED_UP  # R = 0.895
    assert _p(49).status == Status.ON_TRACK  # (1.225)^(1/2) − 1 = 0.1068: R ≈ 1.001
    assert _p(42).status == Status.SLOW
    assert _p(38).status == Status.REGRESSING
    assert _p(61).status == Status.MET
    assert _p(48).pace_per_year == pytest.approx(6.0)  # 12 points in 2 years


def test_the_deadline_passed_and_no_value_and_no_time_yet():
    assert _p(50, year=2026).status == Status.OVERDUE
    assert _p(None).status == Status.NO_DATA
    assert _p(45, year=2021).status == Status.NO_TREND


def test_from_nothing_the_yearly_changes_are_compared():
    # 2,500 households by 2025 from 0 in 2021: 625 a year needed; 1,000 by 2023 is 500 a year
    p = _p(1000, target=2500, baseline=0)
    assert p.ratio == pytest.approx(500 / 625)
    assert p.status == Status.SPEED_UP


def test_a_target_to_stay_below():
    p = progress(
        value=8,
        year=2023,
        target=5,
        target_year=2025,
        direction=Direction.AT_MOST,
        baseline=10,
        baseline_year=2021,
    )
    # observed (0.8)^(1/2) − 1 = −0.1056, required (0.5)^(1/4) − 1 = −0.1591: R = 0.664
    assert p.ratio == pytest.approx(0.664, abs=1e-3) and p.status == Status.SPEED_UP
    assert is_met(5, 5, Direction.AT_MOST) and not is_met(5.1, 5, Direction.AT_MOST)


def test_a_zero_denominator_is_no_value_with_its_reason_not_zero_percent():
    v = ratio(0, 0, 100)
    assert v.value is None and "分母为 0" in v.missing
    assert ratio(3, 4, 100).value == 75.0
    assert ratio(7, None, 1).value == 7.0
    assert ratio(1_250_000, None, 0.01).value == 12_500.0  # 分 → 元


def test_a_parent_sums_numerators_and_denominators_never_averages_rates():
    # 1/1 (100%) and 1/3 (33%): the county is 2/4 = 50%, not the mean 66.7%
    assert summed([(1, 1), (1, 3)], 100).value == 50.0
    assert summed([(2, None), (5, None)], 1).value == 7.0
