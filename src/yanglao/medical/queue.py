"""特困人员集中供养 priority, pure: who among the 特困 persons willing to move into care comes first
— 失能 (GB/T 42195 level 2 and worse, worst first), then 失智, then 高龄 (80 and over), then the
others (issue 24 §6; Jingdezhen 三.(五).1 "优先接收经济困难的失能失智、高龄…老年人"); within a class,
the one who has waited longest since saying yes, then the older. Each place says why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LEVEL_NAMES = {2: "中度失能", 3: "重度失能", 4: "完全失能"}
DEPENDENT_FROM_LEVEL = 2  # 生活不能自理 (TARGETS.md JDZ-2)
OLD_AGE = 80


@dataclass(frozen=True)
class Candidate:
    elder_id: int
    level: int | None  # latest valid ability level 0–4; None: not assessed
    dementia: bool
    age: int
    willing_since: dt.date  # the day of the latest answer 愿意集中供养


@dataclass(frozen=True)
class Place:
    candidate: Candidate
    number: int  # 1 = first in the queue
    reason: str
    nursing_bed: bool  # needs a 护理型 bed


def priority(c: Candidate) -> tuple[int, str]:
    if c.level is not None and c.level >= DEPENDENT_FROM_LEVEL:
        return 1, f"失能：能力等级{c.level}级（{LEVEL_NAMES[c.level]}）"
    if c.dementia:
        return 2, "失智"
    if c.age >= OLD_AGE:
        return 3, f"高龄：{c.age}岁"
    return 4, "其他特困人员"


def needs_nursing_bed(c: Candidate) -> bool:
    return (c.level is not None and c.level >= DEPENDENT_FROM_LEVEL) or c.dementia


def ranked(candidates: list[Candidate], today: dt.date) -> list[Place]:
    def key(c: Candidate):
        return (priority(c)[0], -(c.level or 0), c.willing_since, -c.age, c.elder_id)

    places = []
    for number, c in enumerate(sorted(candidates, key=key), 1):
        waited = (today - c.willing_since).days
        places.append(
            Place(
                c,
                number,
                f"{priority(c)[1]}；已等待 {waited} 天",
                needs_nursing_bed(c),
            )
        )
    return places
