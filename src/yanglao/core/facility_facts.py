"""Facts about institutions that an upper app keeps and a lower one needs: the GB/T 37276 grade
and the yearly service-quality evaluation (supervision) that a benefits programme may require of
the institution a person lives in (运营补贴与等级挂钩, Jingdezhen 三.(八).1 评价结果作为补贴依据). core names no app's tables: supervision registers the reader in its
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


_EVALUATIONS: list[GradesReader] = []


def register_evaluations(reader: GradesReader) -> None:
    if reader not in _EVALUATIONS:
        _EVALUATIONS.append(reader)


def evaluations_on(day: dt.date) -> dict[int, int]:
    """{facility id: rank 1–3 (基本合格, 合格, 优秀)} of each institution's latest yearly
    evaluation that counts on the day (none registered: {})."""
    found: dict[int, int] = {}
    for reader in _EVALUATIONS:
        found.update(reader(day))
    return found
