"""Measures: named counts over an app's records, per region, that indicators are built from.

An app that owns records declares what can be counted in its `measures.py` (MEASURES, a tuple of
Measure); the indicators app finds them by that name (like Django's admin.py) and composes them
into indicators: a ratio of two measures, or one measure. So a new module adds its measures
without touching the indicators app, and the indicators app names no other app's tables.

A measure counts at the region its records sit in (a person's residence, a facility's community,
a roster entry's region); the indicators app sums the counts up the region tree. It may also list
its members (the records counted) for the drill-down "who or what is behind the gap": the gap is
the denominator's members that are not the numerator's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    """One record a measure counts: its key (to tell numerator from denominator members), what a
    clerk reads, where it lies, and a link to act on it."""

    key: str
    label: str
    region_id: int
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Measure:
    code: str  # "facilities.beds_nursing"
    name: str  # "在用护理型床位数（养老机构）"
    unit: str  # what is counted: "张", "个", "人"
    # (start, end) of the period → {region_id: count}. Point-in-time measures read the records as
    # they were at `end`; flow measures (visits in a month) count over start..end.
    count: Callable[[dt.date, dt.date], dict[int, float]]
    # (start, end, region_ids) → the records counted in those regions, for the drill-down
    members: Callable[[dt.date, dt.date, list[int]], Iterable[Member]] | None = None
