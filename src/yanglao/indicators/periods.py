"""Periods: "2026" (a year) or "2026-11" (a month). Pure."""

from __future__ import annotations

import calendar
import datetime as dt
import re

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def parse_period(period: str) -> tuple[str, int, int | None]:
    """("year", 2026, None) or ("month", 2026, 11); ValueError in Chinese for anything else."""
    m = PERIOD.match(period or "")
    if not m:
        raise ValueError("统计期格式应为 2026 或 2026-11")
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise ValueError("统计期超出范围")
    return ("month" if month else "year"), year, month


def bounds(period: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first day and the last day of the period — today, for the period under way."""
    _kind, year, month = parse_period(period)
    if month:
        start = dt.date(year, month, 1)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    today = today or dt.date.today()
    return start, min(end, max(today, start))


def months_of(year: int, today: dt.date | None = None) -> list[str]:
    """The year's months that have begun."""
    today = today or dt.date.today()
    last = 12 if year < today.year else today.month
    return [f"{year}-{m:02d}" for m in range(1, last + 1)] if year <= today.year else []


def year_of(period: str) -> int:
    return parse_period(period)[1]
