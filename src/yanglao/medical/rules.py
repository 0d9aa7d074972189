"""Rules of medical contracts (签约服务), pure: a contract's state on a day, overlapping terms,
and how much of the promised patrol visits (巡诊) happened in a period."""

from __future__ import annotations

import datetime as dt

EXPIRING_DAYS = 30  # 即将到期: the bureau reminds an institution a month ahead


def term_problems(starts_on: dt.date | None, ends_on: dt.date | None) -> dict[str, str]:
    errors = {}
    if starts_on is None:
        errors["starts_on"] = "请填写起始日期"
    if ends_on is None:
        errors["ends_on"] = "请填写截止日期"
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "截止日期早于起始日期"
    return errors


def overlaps(
    starts_on: dt.date, ends_on: dt.date, terms: list[tuple[dt.date, dt.date]]
) -> tuple[dt.date, dt.date] | None:
    """The first existing term (both ends included) that shares a day with the new one."""
    for s, e in terms:
        if starts_on <= e and s <= ends_on:
            return s, e
    return None


def state(starts_on: dt.date, ends_on: dt.date, day: dt.date) -> str:
    if day < starts_on:
        return "未生效"
    if day > ends_on:
        return "已到期"
    if (ends_on - day).days <= EXPIRING_DAYS:
        return "即将到期"
    return "有效"


def months_covered(
    starts_on: dt.date, ends_on: dt.date, start: dt.date, end: dt.date
) -> int:
    """Calendar months with at least one day inside both the term and [start, end]."""
    first, last = max(starts_on, start), min(ends_on, end)
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def fulfilment(
    per_month: int,
    starts_on: dt.date,
    ends_on: dt.date,
    start: dt.date,
    end: dt.date,
    done: int,
) -> tuple[int, float | None]:
    """(patrols promised in the period, share done — capped at 1; None when none was promised)."""
    expected = per_month * months_covered(starts_on, ends_on, start, end)
    if expected <= 0:
        return 0, None
    return expected, min(done / expected, 1.0)
