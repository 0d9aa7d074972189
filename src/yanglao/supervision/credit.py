"""信用: an institution's or provider's credit score and level from its record, and the rules for
the red and black lists. Pure: no Django.

Every entry in a credit record carries its points (a deduction is negative) and its date. The
score is 100 plus the points of the last 24 months, kept within 0–120, so an old fault fades and a
bureau can explain every point. The points per kind are data (a bureau sets its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

BASE = 100
WINDOW_DAYS = 730
FLOOR, CEILING = 0, 120

# kind → (名称, default points)
KINDS = {
    "commitment": ("信用承诺", 0),
    "inspection_major": ("检查发现重大问题", -5),
    "inspection_minor": ("检查发现一般问题", -1),
    "rectification_overdue": ("逾期未整改", -5),
    "complaint_upheld": ("投诉属实", -3),
    "prepaid_violation": ("预收费违规", -10),
    "penalty": ("行政处罚", -20),
    "grading": ("等级评定", 0),  # points by level: GRADE_POINTS
    "evaluation": ("年度服务质量评价", 0),  # points by result: EVALUATION_POINTS
    "commendation": ("表彰奖励", 5),
}
GRADE_POINTS = {0: 0, 1: 0, 2: 0, 3: 2, 4: 5, 5: 10}
EVALUATION_POINTS = {"优秀": 5, "合格": 0, "基本合格": -5, "不合格": -10}

LEVELS = [
    (90, "A", "守信"),
    (75, "B", "基本守信"),
    (60, "C", "失信"),
    (0, "D", "严重失信"),
]

BLACK_MIN_DAYS = 365  # a black-list entry lasts at least a year
RED_CLEAN_DAYS = 365  # a red list needs a year without a deduction


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str
    points: int


@dataclass(frozen=True)
class Standing:
    score: int
    level: str
    level_name: str
    counted: int  # entries inside the window
    explanation: str


def standing(entries: Iterable[Entry], on: dt.date) -> Standing:
    since = on - dt.timedelta(days=WINDOW_DAYS)
    counted = [e for e in entries if since < e.day <= on]
    raw = BASE + sum(e.points for e in counted)
    score = max(FLOOR, min(CEILING, raw))
    letter, name = next((le, n) for floor, le, n in LEVELS if score >= floor)
    minus = sum(e.points for e in counted if e.points < 0)
    plus = sum(e.points for e in counted if e.points > 0)
    explanation = f"基础分 {BASE}，近两年扣 {-minus} 分、加 {plus} 分，得 {score} 分（{letter} {name}）"
    return Standing(score, letter, name, len(counted), explanation)


def black_list_grounds(level: str, entries: Iterable[Entry], on: dt.date) -> list[str]:
    """Why a subject should be put on the black list (empty: no grounds). The bureau decides."""
    since = on - dt.timedelta(days=WINDOW_DAYS)
    recent = [e for e in entries if since < e.day <= on]
    grounds = []
    if level == "D":
        grounds.append("信用等级为 D（严重失信）")
    if any(e.kind == "penalty" for e in recent):
        grounds.append("近两年受到行政处罚")
    if sum(1 for e in recent if e.kind == "prepaid_violation") >= 2:
        grounds.append("近两年两次以上预收费违规")
    return grounds


def black_list_exit_blockers(
    started: dt.date, level: str, open_rectifications: int, on: dt.date
) -> list[str]:
    """What still keeps a subject on the black list (empty: it may be taken off)."""
    blockers = []
    if (on - started).days < BLACK_MIN_DAYS:
        blockers.append(f"列入未满 {BLACK_MIN_DAYS // 365} 年")
    if level == "D":
        blockers.append("信用等级仍为 D")
    if open_rectifications:
        blockers.append(f"还有 {open_rectifications} 项整改未完成")
    return blockers


def red_list_blockers(
    level: str, grade: int | None, entries: Iterable[Entry], on: dt.date
) -> list[str]:
    """What keeps a subject off the red list: it needs level A, a grade of 四级 or above (for an
    institution; None for a provider, which is not graded) and a clean year."""
    blockers = []
    if level != "A":
        blockers.append("信用等级不是 A")
    if grade is not None and grade < 4:
        blockers.append("等级评定未达四级")
    since = on - dt.timedelta(days=RED_CLEAN_DAYS)
    if any(e.points < 0 and since < e.day <= on for e in entries):
        blockers.append("近一年有扣分记录")
    return blockers
