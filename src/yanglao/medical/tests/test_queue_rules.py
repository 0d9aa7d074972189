"""The 集中供养 priority (pure): 失能 worst first, then 失智, then 高龄, then the others; within a
class the longest wait, then the older; each place says why and whether it needs a 护理型 bed."""

import datetime as dt

from yanglao.medical.queue import Candidate, ranked

TODAY = dt.date(2026, 12, 7)


def _c(pk, level=None, dementia=False, age=70, since=dt.date(2026, 6, 1)):
    return Candidate(pk, level, dementia, age, since)


def test_the_order_and_the_reasons():
    places = ranked(
        [
            _c(1, age=85),
            _c(2, level=2, since=dt.date(2026, 1, 1)),
            _c(3, dementia=True),
            _c(4, level=4),
            _c(5, level=2, since=dt.date(2026, 3, 1)),
            _c(6, level=1, age=72),
            _c(7, level=2, since=dt.date(2026, 1, 1), age=90),
        ],
        TODAY,
    )
    assert [p.candidate.elder_id for p in places] == [4, 7, 2, 5, 3, 1, 6]
    assert places[0].reason == "失能：能力等级4级（完全失能）；已等待 189 天"
    assert places[4].reason.startswith("失智；") and places[4].nursing_bed
    assert places[5].reason.startswith("高龄：85岁") and not places[5].nursing_bed
    assert places[6].reason.startswith("其他特困人员")
    assert [p.number for p in places] == list(range(1, 8))
