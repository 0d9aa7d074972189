"""Facts about institutions that an upper app keeps and a lower one needs: the GB/T 37276 grade
(supervision) that a benefits programme may require of the institution a person lives in
(运营补贴与等级挂钩). core names no app's tables: supervision registers the reader in its
ready(); benefits asks here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

GradesReader = Callable[[dt.date], dict[int, int]]
_GRADES: list[GradesReader] = []


def register_grades(reader: GradesReader) -> None:
    if reader not in _GRADES:
        _GRADES.append(reader)


def grades_on(day: dt.date) -> dict[int, int]:
    """{facility id: grade 1–5} of the grades valid on the day (none registered: {})."""
    found: dict[int, int] = {}
    for reader in _GRADES:
        for facility_id, level in reader(day).items():
            found[facility_id] = max(level, found.get(facility_id, 0))
    return found
