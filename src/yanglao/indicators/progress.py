"""The arithmetic of indicators and targets. Pure: no Django.

- A value is a ratio of two sums (numerator over denominator, times the unit's scale) or a count;
  a region's value sums its children's numerators and denominators — never an average of rates.
- A zero denominator is not 0%: the value is missing, with the reason.
- Progress towards a target with a deadline follows Open SDG's method (Statistics Canada), as
  TARGETS.md gives it: with baseline b in year y0, latest value v in year y and target t in year T,
  observed growth r_obs = (v/b)^(1/(y−y0)) − 1, required growth r_req = (t/b)^(1/(T−y0)) − 1,
  R = r_obs / r_req: R ≥ 0.95 进度正常, 0.6 ≤ R < 0.95 需加快, 0 ≤ R < 0.6 进展缓慢, R < 0 倒退;
  a target already met is 已达标. Where the baseline is 0 (growth from nothing has no rate) the
  same ratio is taken of the yearly changes, linearly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    AT_LEAST = ">="
    AT_MOST = "<="
    EQUAL = "="


DIRECTION_WORDS = {
    Direction.AT_LEAST: "不低于",
    Direction.AT_MOST: "不高于",
    Direction.EQUAL: "达到",
}


class Status(StrEnum):
    MET = "已达标"
    ON_TRACK = "进度正常"
    SPEED_UP = "需加快"
    SLOW = "进展缓慢"
    REGRESSING = "倒退"
    OVERDUE = "逾期未达标"
    NO_DATA = "无数据"
    NO_TREND = "待观察"  # no year has passed since the baseline: no pace yet


# worst first, for sorting a table of targets by how much attention each needs
STATUS_ORDER = (
    Status.OVERDUE,
    Status.REGRESSING,
    Status.SLOW,
    Status.SPEED_UP,
    Status.NO_TREND,
    Status.NO_DATA,
    Status.ON_TRACK,
    Status.MET,
)


@dataclass(frozen=True)
class Value:
    numerator: float
    denominator: float | None  # None: a count, not a ratio
    value: float | None
    missing: str = ""  # why there is no value (分母为 0 …)


def ratio(numerator: float, denominator: float | None, scale: float) -> Value:
    """numerator / denominator × scale (100 for %, 1000 for ‰); with no denominator an amount,
    numerator × scale (0.01 turns 分 into 元); no value, with the reason, when the denominator
    is 0."""
    if denominator is None:
        return Value(numerator, None, float(numerator) * scale)
    if denominator == 0:
        return Value(numerator, 0, None, "分母为 0：该地区没有统计对象")
    return Value(numerator, denominator, numerator / denominator * scale)


def summed(values: list[tuple[float, float | None]], scale: float) -> Value:
    """A parent region's value from its children's (numerator, denominator) pairs."""
    numerator = sum(n for n, _d in values)
    dens = [d for _n, d in values]
    denominator = (
        None if dens and all(d is None for d in dens) else sum(d or 0 for d in dens)
    )
    return ratio(numerator, denominator, scale)


def is_met(value: float | None, target: float, direction: Direction) -> bool:
    if value is None:
        return False
    tolerance = 1e-9 * max(1.0, abs(target))
    if direction == Direction.AT_LEAST:
        return value >= target - tolerance
    if direction == Direction.AT_MOST:
        return value <= target + tolerance
    return abs(value - target) <= tolerance


@dataclass(frozen=True)
class Progress:
    status: Status
    ratio: float | None = None  # Open SDG's R
    pace_per_year: float | None = (
        None  # the change still needed each year to meet the target
    )


def progress(
    *,
    value: float | None,
    year: int,
    target: float,
    target_year: int,
    direction: Direction,
    baseline: float | None,
    baseline_year: int | None,
) -> Progress:
    """Where a target stands in `year` with the latest `value` (TARGETS.md, "Progress status")."""
    if value is None:
        return Progress(Status.NO_DATA)
    if is_met(value, target, direction):
        return Progress(Status.MET)
    years_left = target_year - year
    if years_left < 0:
        return Progress(Status.OVERDUE)
    pace = (target - value) / years_left if years_left > 0 else None
    if baseline is None or baseline_year is None or year <= baseline_year:
        return Progress(Status.NO_TREND, None, pace)
    r = _growth_ratio(baseline, baseline_year, value, year, target, target_year)
    if r is None:
        return Progress(Status.NO_TREND, None, pace)
    if r >= 0.95:
        status = Status.ON_TRACK
    elif r >= 0.6:
        status = Status.SPEED_UP
    elif r >= 0:
        status = Status.SLOW
    else:
        status = Status.REGRESSING
    return Progress(status, r, pace)


def _growth_ratio(b, y0, v, y, t, big_t) -> float | None:
    if big_t <= y0 or t == b:
        return None
    if b > 0 and v > 0 and t > 0:
        observed = (v / b) ** (1 / (y - y0)) - 1
        required = (t / b) ** (1 / (big_t - y0)) - 1
    else:  # from or to nothing: compare the yearly changes
        observed = (v - b) / (y - y0)
        required = (t - b) / (big_t - y0)
    if required == 0 or math.isnan(observed):
        return None
    return observed / required
