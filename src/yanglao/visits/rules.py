"""Who must be visited, how often, and the rates (探访关爱; Jingdezhen 三.(二).4, Shaoyang 5,
Litong 4/10). Pure module (no Django import): the roster builder and the tests share it.

A rule names the people it covers — by living arrangement (独居/空巢/留守), hardship category
(重度残疾, 计划生育特殊家庭, 特困, 失智 …), ability level (GB/T 42195-2022, from the latest result)
and age — and how many visits a month they need. A person covered by several rules needs the
most frequent; the reasons are all the rules that matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from yanglao.core.geo import distance_m  # noqa: F401  (re-exported for visits.services)


@dataclass(frozen=True)
class Facts:
    """What the rules look at, for one person on the roster date."""

    age: int
    living: str  # alone / empty_nest / left_behind / with_children / other
    categories: frozenset[str] = frozenset()
    ability_level: int | None = None  # GB/T 42195-2022 0–4, None = not assessed
    rural: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    visits_per_month: int = 1
    living: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    min_ability_level: int | None = None
    min_age: int | None = None
    # All of `all_of` must hold as well (e.g. 独居 AND 失能 → weekly).
    all_of: tuple[str, ...] = ()
    phone_counts: bool = False  # a phone call counts as a visit under this rule

    def matches(self, f: Facts) -> bool:
        any_of = []
        if self.living:
            any_of.append(f.living in self.living)
        if self.categories:
            any_of.append(bool(self.categories & f.categories))
        if self.min_ability_level is not None:
            any_of.append(
                f.ability_level is not None
                and f.ability_level >= self.min_ability_level
            )
        if self.min_age is not None:
            any_of.append(f.age >= self.min_age)
        if self.all_of:
            return all(any_of) and bool(any_of)
        return any(any_of)

    def describe(self) -> str:
        """The rule in plain Chinese, as the rates page shows it."""
        parts = []
        if self.living:
            parts.append(
                "居住情况为"
                + "/".join(LIVING_NAMES.get(x, x) for x in sorted(self.living))
            )
        if self.categories:
            parts.append(
                "属于"
                + "/".join(CATEGORY_NAMES.get(x, x) for x in sorted(self.categories))
            )
        if self.min_ability_level is not None:
            parts.append(f"能力等级{self.min_ability_level}级及以上")
        if self.min_age is not None:
            parts.append(f"{self.min_age}岁及以上")
        joined = ("且" if self.all_of else "或").join(parts) or "所有在册老年人"
        phone = "（电话探访计入）" if self.phone_counts else "（须上门）"
        return f"{self.name}：{joined}，每月探访{self.visits_per_month}次{phone}"


LIVING_NAMES = {
    "alone": "独居",
    "empty_nest": "空巢",
    "left_behind": "留守",
    "with_children": "与子女同住",
    "other": "其他",
}
CATEGORY_NAMES = {
    "tekun": "特困供养",
    "dibao": "低保",
    "dibao_edge": "低保边缘/低收入",
    "family_planning": "计划生育特殊家庭",
    "youfu": "重点优抚对象",
    "disabled": "重度残疾",
    "dementia": "失智",
}

# The documents' 特殊困难老年人: 空巢、留守、独居、失能、重残、计划生育特殊家庭 (plus 特困 and 失智,
# whom every bureau visits), monthly; 独居 and 失能 together, weekly. 失能 = 能力中度受损 or worse.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "独居、空巢、留守老年人",
        1,
        living=frozenset({"alone", "empty_nest", "left_behind"}),
    ),
    Rule("失能老年人（能力中度受损及以上）", 1, min_ability_level=2),
    Rule(
        "重度残疾、计划生育特殊家庭、特困、失智老年人",
        1,
        categories=frozenset({"disabled", "family_planning", "tekun", "dementia"}),
    ),
    Rule(
        "独居且失能（每周探访）",
        4,
        living=frozenset({"alone"}),
        min_ability_level=2,
        all_of=("living", "ability"),
    ),
)


@dataclass(frozen=True)
class Need:
    visits_per_month: int
    reasons: tuple[str, ...]
    phone_counts: bool = False


def need_for(facts: Facts, rules: Sequence[Rule] = DEFAULT_RULES) -> Need | None:
    """The visits a person needs this month, or None when no rule covers them."""
    matched = [r for r in rules if r.matches(facts)]
    if not matched:
        return None
    most = max(r.visits_per_month for r in matched)
    phone = all(r.phone_counts for r in matched)
    return Need(most, tuple(r.name for r in matched), phone)


def is_rural_disabled(facts: Facts) -> bool:
    """农村失能老人 (帮扶率): rural residence and ability level 中度受损 or worse."""
    return facts.rural and facts.ability_level is not None and facts.ability_level >= 2


# --- rates -------------------------------------------------------------------------------------


@dataclass
class Rate:
    rostered: int = 0
    visited: int = 0  # received at least the visits their rule asks for this month

    @property
    def value(self) -> float | None:
        return self.visited / self.rostered if self.rostered else None


RATE_DEFINITION = (
    "月探访率 = 本月按规则完成探访（次数达到规则要求，电话探访仅在规则允许时计入）的名单内老年人数 "
    "÷ 本月名单内老年人数"
)


def rate(rows: Iterable[tuple[int, int]]) -> Rate:
    """rows: (visits required, visits done) per rostered person."""
    r = Rate()
    for required, done in rows:
        r.rostered += 1
        r.visited += done >= required
    return r


# --- walking order -------------------------------------------------------------------------------


def walking_order(points: list[tuple[int, float | None, float | None]]) -> list[int]:
    """Ids in a short walking order: nearest neighbour from the northernmost home; people without
    a location come last, in the order given."""
    located = [
        (pid, lat, lng)
        for pid, lat, lng in points
        if lat is not None and lng is not None
    ]
    rest = [pid for pid, lat, lng in points if lat is None or lng is None]
    if not located:
        return rest
    located.sort(key=lambda p: -p[1])
    order = [located.pop(0)]
    while located:
        here = (order[-1][1], order[-1][2])
        nearest = min(
            range(len(located)),
            key=lambda i: distance_m(here, (located[i][1], located[i][2])),
        )
        order.append(located.pop(nearest))
    return [pid for pid, _lat, _lng in order] + rest


@dataclass
class Load:
    visitor: int
    assigned: int = 0
    capacity: int = 120  # people a month
    regions: set[int] = field(default_factory=set)


def assign(
    people: list[tuple[int, int]], visitors: list[Load]
) -> dict[int, int | None]:
    """{person: visitor} — each person (id, region id) to the least-loaded visitor who covers
    their region and has room; None when nobody covers it (the community assigns by hand)."""
    by_region: dict[int, list[Load]] = {}
    for v in visitors:
        for region in v.regions:
            by_region.setdefault(region, []).append(v)
    result: dict[int, int | None] = {}
    for person, region in people:
        options = [v for v in by_region.get(region, []) if v.assigned < v.capacity]
        if not options:
            result[person] = None
            continue
        chosen = min(options, key=lambda v: (v.assigned, v.visitor))
        chosen.assigned += 1
        result[person] = chosen.visitor
    return result
