"""The same rules as `rules.evaluate`, over a whole population at once (issue 6 §2, monthly cycles).

A cycle for a city decides a million people a month; deciding them one at a time in Python is what
makes spreadsheet-era systems slow. Here the facts are columns (NumPy arrays, one entry per person)
and each condition is one array operation. The explanation a clerk reads is still written by the
one-person `rules.evaluate` (for the people who are paid or stopped), so both paths must agree —
a property test checks that they do on random people and policies. Pure module: no Django import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from yanglao.benefits.rules import CATEGORY_NAMES, LIVING_NAMES, Facts, Policy

CATEGORY_BITS = {code: 1 << i for i, code in enumerate(CATEGORY_NAMES)}
LIVING_CODES = {code: i + 1 for i, code in enumerate(LIVING_NAMES)}  # 0: not recorded
LIVING_BY_CODE = {v: k for k, v in LIVING_CODES.items()}
NO_LEVEL = -1


@dataclass
class People:
    """Facts of many people on one day, as columns. `gone` holds, for the row index of each person
    who died or moved away before the day, the reason shown in the explanation."""

    elder_id: np.ndarray  # int64
    birth: np.ndarray  # int32, yyyymmdd
    hukou: np.ndarray  # int64 region id, 0 when not recorded
    residence: np.ndarray  # int64 region id
    living: np.ndarray  # int8, LIVING_CODES
    categories: np.ndarray  # int32 bit mask, CATEGORY_BITS, active on the day
    level: np.ndarray  # int8, NO_LEVEL when no valid assessment
    facility: np.ndarray  # int64 facility id of an open admission, 0 when at home
    gone: dict[int, str] = field(default_factory=dict)
    # int8 valid GB/T 37276 grade of that institution on the day, 0 when none or at home
    facility_grade: np.ndarray | None = None
    # int8 rank of that institution's latest yearly evaluation (rules.EVALUATION_RANKS), 0 none
    facility_evaluation: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.facility_grade is None:
            self.facility_grade = np.zeros(len(self.elder_id), dtype=np.int8)
        if self.facility_evaluation is None:
            self.facility_evaluation = np.zeros(len(self.elder_id), dtype=np.int8)

    def __len__(self) -> int:
        return len(self.elder_id)

    def take(self, index: np.ndarray) -> People:
        """The people at `index` (row numbers), as a smaller table."""
        where = {int(old): new for new, old in enumerate(index)}
        return People(
            *(getattr(self, name)[index] for name in COLUMNS),
            gone={where[i]: why for i, why in self.gone.items() if i in where},
            facility_grade=self.facility_grade[index],
            facility_evaluation=self.facility_evaluation[index],
        )

    def ages(self, day: dt.date) -> np.ndarray:
        """Completed years on `day` (a birthday on the day counts)."""
        years = day.year - self.birth // 10000
        before_birthday = (day.month * 100 + day.day) < (self.birth % 10000)
        return (years - before_birthday).astype(np.int16)

    def gone_mask(self) -> np.ndarray:
        mask = np.zeros(len(self), dtype=bool)
        if self.gone:
            mask[list(self.gone)] = True
        return mask

    def facts(
        self, i: int, day: dt.date, paths: dict[int, str], receiving: frozenset[str]
    ) -> Facts:
        """One person's facts, for the one-person evaluation and its explanation."""
        bits = int(self.categories[i])
        level = int(self.level[i])
        return Facts(
            age=_age(int(self.birth[i]), day),
            hukou_path=paths.get(int(self.hukou[i]), ""),
            residence_path=paths.get(int(self.residence[i]), ""),
            categories=frozenset(c for c, bit in CATEGORY_BITS.items() if bits & bit),
            ability_level=None if level == NO_LEVEL else level,
            living=LIVING_BY_CODE.get(int(self.living[i]), ""),
            in_institution=bool(self.facility[i]),
            facility_grade=int(self.facility_grade[i]),
            facility_evaluation=int(self.facility_evaluation[i]),
            receiving=receiving,
            gone=self.gone.get(i, ""),
        )


COLUMNS = (
    "elder_id",
    "birth",
    "hukou",
    "residence",
    "living",
    "categories",
    "level",
    "facility",
)


def _age(birth: int, day: dt.date) -> int:
    return day.year - birth // 10000 - ((day.month * 100 + day.day) < birth % 10000)


def _under(paths: dict[int, str], prefix: str) -> np.ndarray:
    return np.fromiter(
        (rid for rid, path in paths.items() if path.startswith(prefix)), dtype=np.int64
    )


def evaluate_many(
    p: Policy,
    people: People,
    day: dt.date,
    paths: dict[int, str],
    receiving: dict[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(eligible, amount in 分) for every person, exactly as `rules.evaluate` decides one."""
    c = p.conditions
    n = len(people)
    receiving = receiving or {}
    in_force = p.effective_from <= day and (
        p.effective_to is None or day <= p.effective_to
    )
    ok = np.full(n, in_force, dtype=bool) & ~people.gone_mask()
    if c.min_age is not None or c.max_age is not None:
        ages = people.ages(day)
        if c.min_age is not None:
            ok &= ages >= c.min_age
        if c.max_age is not None:
            ok &= ages <= c.max_age
    if c.hukou_in:
        ok &= np.isin(people.hukou, _under(paths, c.hukou_in))
    if c.residence_in:
        ok &= np.isin(people.residence, _under(paths, c.residence_in))
    if c.categories_any:
        ok &= (people.categories & sum(CATEGORY_BITS[x] for x in c.categories_any)) != 0
    if c.min_level is not None or c.max_level is not None:
        ok &= people.level != NO_LEVEL
        if c.min_level is not None:
            ok &= people.level >= c.min_level
        if c.max_level is not None:
            ok &= people.level <= c.max_level
    if c.living_any:
        ok &= np.isin(people.living, [LIVING_CODES[x] for x in c.living_any])
    if c.in_institution is not None:
        ok &= (people.facility != 0) == c.in_institution
    if c.min_facility_grade is not None:
        ok &= people.facility_grade >= c.min_facility_grade
    if c.min_facility_evaluation is not None:
        ok &= people.facility_evaluation >= c.min_facility_evaluation
    for code in c.excludes:
        if code in receiving:
            ok &= ~receiving[code]
    amount = _amounts(p, people, day)
    ok &= amount > 0
    return ok, np.where(ok, amount, 0)


def _amounts(p: Policy, people: People, day: dt.date) -> np.ndarray:
    a = p.amount
    n = len(people)
    if a.by == "flat":
        return np.full(n, a.flat_fen, dtype=np.int64)
    amount = np.zeros(n, dtype=np.int64)
    if a.by == "category":
        for t in a.tiers:
            held = (people.categories & CATEGORY_BITS[t.category]) != 0
            amount = np.where(held, np.maximum(amount, t.amount_fen), amount)
        return amount
    if a.by == "age":
        value = people.ages(day).astype(np.int64)
    else:
        value = people.level.astype(np.int64)
        value = np.where(value == NO_LEVEL, -(10**6), value)
    for t in a.tiers:
        band = value >= t.low
        if t.high is not None:
            band &= value <= t.high
        amount = np.where(band, t.amount_fen, amount)
    return amount
