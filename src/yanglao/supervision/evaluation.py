"""年度服务质量评价 (每年一次, Jingdezhen 三.(八).1): one score out of 100 for an institution's year,
from what the platform already holds. Pure: no Django.

Parts (points): inspections 30 (share of checklist items met), rectification on time 20, complaints
20 (5 off per upheld complaint), alarms answered in time 15 — for a home-care provider, the
families' ratings instead (average stars of 5) —, staff trained this year 15. A part with nothing to measure scores 80% of its points and
says so: a new institution is neither rewarded nor punished for what was never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

RESULTS = [(90, "优秀"), (75, "合格"), (60, "基本合格"), (0, "不合格")]
NO_DATA_SHARE = 0.8


@dataclass(frozen=True)
class Inputs:
    items_checked: int = 0
    items_met: int = 0
    rectifications_due: int = 0
    rectifications_on_time: int = 0
    complaints_upheld: int = 0
    alarms: int = 0
    alarms_in_time: int = 0
    staff: int = 0
    staff_trained: int = 0
    ratings: int = 0
    stars: int = 0  # sum of the ratings' stars (1–5 each)


@dataclass(frozen=True)
class Part:
    name: str
    points: float
    max: int
    note: str


@dataclass(frozen=True)
class Evaluation:
    score: float
    result: str
    parts: list[Part]


def _share(name: str, max_: int, done: int, of: int, what: str) -> Part:
    if of <= 0:
        return Part(name, max_ * NO_DATA_SHARE, max_, f"本年无{what}，按 80% 计")
    return Part(name, round(max_ * done / of, 1), max_, f"{done}/{of}")


def _satisfaction(inputs: Inputs) -> Part:
    if inputs.ratings <= 0:
        return Part("服务满意度", 15 * NO_DATA_SHARE, 15, "本年无服务评价，按 80% 计")
    average = inputs.stars / inputs.ratings
    return Part(
        "服务满意度",
        round(15 * average / 5, 1),
        15,
        f"平均 {average:.1f} 星（{inputs.ratings} 条）",
    )


def evaluate(inputs: Inputs, *, provider: bool = False) -> Evaluation:
    parts = [
        _share("检查符合率", 30, inputs.items_met, inputs.items_checked, "检查记录"),
        _share(
            "按期整改率",
            20,
            inputs.rectifications_on_time,
            inputs.rectifications_due,
            "到期整改",
        ),
        Part(
            "投诉",
            max(0, 20 - 5 * inputs.complaints_upheld),
            20,
            f"属实投诉 {inputs.complaints_upheld} 件",
        ),
        _satisfaction(inputs)
        if provider
        else _share(
            "紧急呼叫及时响应率", 15, inputs.alarms_in_time, inputs.alarms, "呼叫"
        ),
        _share("员工年度培训率", 15, inputs.staff_trained, inputs.staff, "在职员工"),
    ]
    score = round(sum(p.points for p in parts), 1)
    result = next(name for floor, name in RESULTS if score >= floor)
    return Evaluation(score, result, parts)
