"""Pure rules of home and community services: the order state machine, who may take which step,
ranking carers for an order, splitting the price among voucher, family and the person, the
problems a supervisor must see, plan occurrences and meal subsidies. No Django import.

The order process follows GB/T 43153-2023 (咨询接待 → … → 服务实施 → 服务评价与改进) as a work
order: 待受理 → 已受理 → 已派单 → 已接单 → 已到达 → 服务中 → 已完成 → 已评价, with 已取消 / 已拒单 / 异常."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from yanglao.core.geo import distance_m


class OrderState(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    TAKEN = "taken"
    ARRIVED = "arrived"
    SERVING = "serving"
    COMPLETED = "completed"
    RATED = "rated"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    ABNORMAL = "abnormal"


# From dispatch to check-out: while the carer may call the person (services.calls).
UNDER_WAY = frozenset(
    {OrderState.DISPATCHED, OrderState.TAKEN, OrderState.ARRIVED, OrderState.SERVING}
)

STATE_NAMES = {
    OrderState.NEW: "待受理",
    OrderState.ACCEPTED: "已受理",
    OrderState.DISPATCHED: "已派单",
    OrderState.TAKEN: "已接单",
    OrderState.ARRIVED: "已到达",
    OrderState.SERVING: "服务中",
    OrderState.COMPLETED: "已完成",
    OrderState.RATED: "已评价",
    OrderState.CANCELLED: "已取消",
    OrderState.REJECTED: "已拒单",
    OrderState.ABNORMAL: "异常",
}
STATE_CHOICES = [(s.value, n) for s, n in STATE_NAMES.items()]

S = OrderState
BEFORE_ARRIVAL = (S.NEW, S.ACCEPTED, S.DISPATCHED, S.TAKEN)
OPEN_STATES = (*BEFORE_ARRIVAL, S.ARRIVED, S.SERVING)
DONE_STATES = (S.COMPLETED, S.RATED)


class Actor(StrEnum):
    """The part a user plays for one order."""

    PROVIDER = "provider"  # the provider's administrator
    CARER = "carer"  # the carer the order is dispatched to
    PLACER = "placer"  # the older person's side: the family member linked, or a community worker
    STAFF = "staff"  # civil-affairs staff of the area (street, bureau)


@dataclass(frozen=True)
class Step:
    name: str  # Chinese label of the button
    sources: tuple[OrderState, ...]
    target: OrderState | None  # None: the state does not change (a record is added)
    actors: frozenset[Actor]
    needs_reason: bool = False


A = Actor
STEPS: dict[str, Step] = {
    "accept": Step("受理", (S.NEW,), S.ACCEPTED, frozenset({A.PROVIDER})),
    "reject": Step(
        "拒单", (S.NEW, S.ACCEPTED), S.REJECTED, frozenset({A.PROVIDER}), True
    ),
    "dispatch": Step(
        "派单", (S.ACCEPTED, S.DISPATCHED), S.DISPATCHED, frozenset({A.PROVIDER})
    ),
    "take": Step("接单", (S.DISPATCHED,), S.TAKEN, frozenset({A.CARER})),
    "decline": Step(
        "退回派单", (S.DISPATCHED, S.TAKEN), S.ACCEPTED, frozenset({A.CARER}), True
    ),
    "arrive": Step("到达签到", (S.TAKEN,), S.ARRIVED, frozenset({A.CARER, A.PROVIDER})),
    "start": Step("开始服务", (S.ARRIVED,), S.SERVING, frozenset({A.CARER})),
    "complete": Step("完成签退", (S.SERVING,), S.COMPLETED, frozenset({A.CARER})),
    "confirm": Step("确认服务", (S.COMPLETED,), None, frozenset({A.PLACER, A.STAFF})),
    "rate": Step("评价", (S.COMPLETED,), S.RATED, frozenset({A.PLACER})),
    "cancel": Step(
        "取消",
        BEFORE_ARRIVAL,
        S.CANCELLED,
        frozenset({A.PLACER, A.PROVIDER, A.STAFF}),
        True,
    ),
    "abnormal": Step(
        "报告异常",
        (S.TAKEN, S.ARRIVED, S.SERVING),
        S.ABNORMAL,
        frozenset({A.CARER, A.PROVIDER}),
        True,
    ),
    "dispute": Step(
        "提出争议", DONE_STATES, None, frozenset({A.PLACER, A.STAFF, A.PROVIDER}), True
    ),
    "settle_dispute": Step("争议处理完毕", DONE_STATES, None, frozenset({A.STAFF})),
}


ACTION_NAMES = {
    "place": "下单",
    "photo": "补传现场照片",
    **{k: s.name for k, s in STEPS.items()},
}


def step_refusal(step: str, state: str, actors: set[Actor]) -> str:
    """Why `actors` may not take `step` on an order in `state` ('' when they may)."""
    known = STEPS.get(step)
    if known is None:
        return f"未知的操作：{step}"
    if not (actors & known.actors):
        return f"您不能对该工单执行“{known.name}”"
    if state not in known.sources:
        return f"工单当前为“{STATE_NAMES[OrderState(state)]}”，不能{known.name}"
    return ""


def steps_open_to(state: str, actors: set[Actor]) -> list[str]:
    return [k for k, s in STEPS.items() if state in s.sources and actors & s.actors]


# --- carer suggestions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarerStanding:
    """What a carer's suggestion depends on that does not change from order to order."""

    id: int
    lat: float | None
    lng: float | None
    qualifications: frozenset[str]
    skills: frozenset[str]
    workdays: frozenset[int]  # 1 = Monday
    work_start: dt.time
    work_end: dt.time
    capacity: int
    name: str = ""


@dataclass(frozen=True)
class Suggestion:
    carer_id: int
    name: str
    distance_m: int | None
    orders_that_day: int
    capacity: int
    skilled: bool
    score: float
    reasons: tuple[str, ...]
    lat: float | None = None  # the carer's base, for the dispatch map
    lng: float | None = None


QUALIFIED_BY = {
    "": frozenset(),
    "carer": frozenset({"carer", "carer_l4", "nurse"}),
    "carer_l4": frozenset({"carer_l4", "nurse"}),
    "nurse": frozenset({"nurse"}),
    "doctor": frozenset({"doctor"}),
}


def qualified(needed: str, held: frozenset[str] | set[str]) -> bool:
    """Whether a carer holding `held` may deliver an item needing `needed`."""
    return not needed or bool(QUALIFIED_BY.get(needed, frozenset({needed})) & set(held))


@dataclass(frozen=True)
class CarerDay:
    """A carer's day as far as one order is concerned."""

    orders: int = 0  # orders already on that day
    busy: bool = False  # one of them overlaps the order's slot


class CarerIndex:
    """A provider's carers by latitude, to find those near a home without measuring every one."""

    def __init__(self, carers: Iterable[CarerStanding]):
        everyone = list(carers)
        self.located = sorted(
            (c for c in everyone if c.lat is not None and c.lng is not None),
            key=lambda c: (c.lat, c.id),
        )
        self.lats = [c.lat for c in self.located]
        self.unlocated = [c for c in everyone if c.lat is None or c.lng is None]

    def near(
        self, home: tuple[float, float], km: float
    ) -> tuple[list[CarerStanding], bool]:
        """Every located carer within `km` of `home` (and some a little farther), and whether
        that is every located carer. distance_m ≥ the north–south distance, and ≥ the east–west
        distance at the band's latitude farthest from the equator."""
        dlat = km * 1000 / 111_320
        lo = bisect.bisect_left(self.lats, home[0] - dlat)
        hi = bisect.bisect_right(self.lats, home[0] + dlat)
        edge = max(abs(home[0] - dlat), abs(home[0] + dlat))
        dlng = (
            km * 1000 / (111_320 * max(math.cos(math.radians(min(edge, 89.0))), 1e-3))
        )
        band = [c for c in self.located[lo:hi] if abs(c.lng - home[1]) <= dlng]
        return band, len(band) == len(self.located)


SEARCH_KM = 3.0  # the first radius searched; tripled until the list is certain


def rank_carers(
    carers: CarerIndex | Iterable[CarerStanding],
    *,
    slot_start: dt.datetime,
    minutes: int,
    home: tuple[float, float] | None,
    needed: str,
    item_code: str,
    days_of: Callable[[list[int]], Mapping[int, CarerDay]],
    limit: int = 10,
) -> list[Suggestion]:
    """Suggested carers for an order at `slot_start` (local time) lasting `minutes`, best first.
    Hard limits: the qualification the item needs, working that day within working hours, below
    the day's capacity, not busy at the slot. Among those, nearer is better (1 km ≈ one order of
    load) and so is a lighter day; a carer who lists the item as a skill gets a 2 km bonus:
    score = km + orders that day − 2 if skilled.

    A provider may have thousands of carers, so their days are asked (`days_of(ids)`, a few at a
    time) only while they can still make the list: carers are taken in order of the score they
    would have with an empty day, and once the `limit`-th best found scores below the next
    carer's empty-day score nobody further can enter. Exact (the threshold algorithm).

    Carers are first looked for within 3 km of the home, then 9, 27, …: a carer r km away scores
    at least r − 2, so when the list's last scores less than that nobody farther can enter."""
    index = carers if isinstance(carers, CarerIndex) else CarerIndex(carers)
    # A wider search does not ask again for the days already read.
    known: dict[int, CarerDay] = {}

    def days_once(ids: list[int]) -> Mapping[int, CarerDay]:
        if missing := [pk for pk in ids if pk not in known]:
            got = days_of(missing)
            known.update((pk, got.get(pk) or CarerDay()) for pk in missing)
        return known

    wanted = _Wanted.of(slot_start, minutes, home, needed, item_code)
    rank = partial(_rank_pool, wanted=wanted, days_of=days_once, limit=limit)
    if home is None:
        return rank([*index.located, *index.unlocated])[0]
    km = SEARCH_KM
    while True:
        near, everyone = index.near(home, km)
        ranked, last = rank([*near, *index.unlocated])
        if everyone or (last is not None and last < km - 2):
            return ranked
        km *= 3


@dataclass(frozen=True)
class _Wanted:
    """What an order asks of a carer, worked out once for every pass of the search."""

    weekday: int
    start: dt.time
    end: dt.time
    accepted: frozenset[str] | None  # qualifications that will do (None: anyone)
    home: tuple[float, float] | None
    item_code: str

    @classmethod
    def of(
        cls, slot_start: dt.datetime, minutes: int, home, needed: str, item_code: str
    ) -> _Wanted:
        end = (slot_start + dt.timedelta(minutes=minutes)).time()
        accepted = QUALIFIED_BY.get(needed, frozenset({needed})) if needed else None
        return cls(
            slot_start.isoweekday(), slot_start.time(), end, accepted, home, item_code
        )

    def fits(self, c: CarerStanding) -> bool:
        """Works that day for the whole visit and holds a qualification the item needs."""
        return (
            self.weekday in c.workdays
            and c.work_start <= self.start < self.end <= c.work_end
            and (
                self.accepted is None or not self.accepted.isdisjoint(c.qualifications)
            )
        )


def _rank_pool(
    carers: Iterable[CarerStanding],
    *,
    wanted: _Wanted,
    days_of: Callable[[list[int]], Mapping[int, CarerDay]],
    limit: int,
) -> tuple[list[Suggestion], float | None]:
    """rank_carers among `carers`; also returns the score of the last on the list (or None if
    the list is short)."""
    home, item_code = wanted.home, wanted.item_code
    candidates: list[tuple[float, int, CarerStanding, float | None]] = []
    for c in carers:
        if not wanted.fits(c):
            continue
        dist = None
        if home is not None and c.lat is not None and c.lng is not None:
            dist = distance_m(home, (c.lat, c.lng))
        km = dist / 1000 if dist is not None else 10.0
        candidates.append((km - (2.0 if item_code in c.skills else 0.0), c.id, c, dist))
    candidates.sort()  # by score, then id (ids are unique: nothing further is compared)
    found: list[tuple[float, int, CarerStanding, float | None, int]] = []
    i, batch = 0, max(4 * limit, 40)
    while i < len(candidates):
        if len(found) >= limit and found[limit - 1][:2] < candidates[i][:2]:
            break  # everyone left scores more than the list's last, even with an empty day
        chunk = candidates[i : i + batch]
        i += len(chunk)
        days = days_of([x[1] for x in chunk])
        for base, pk, c, dist in chunk:
            day = days.get(pk) or CarerDay()
            if not day.busy and day.orders < c.capacity:
                found.append((base + day.orders, pk, c, dist, day.orders))
        found.sort()
    last = found[limit - 1][0] if len(found) >= limit else None
    return [
        _suggestion(c, score, dist, n, item_code)
        for score, _, c, dist, n in found[:limit]
    ], last


def _suggestion(
    c: CarerStanding, score: float, dist: float | None, n: int, item_code: str
) -> Suggestion:
    skilled = item_code in c.skills
    reasons = []
    if dist is not None:
        reasons.append(f"距离约 {dist / 1000:.1f} 公里")
    reasons.append(f"当天已有 {n}/{c.capacity} 单")
    if skilled:
        reasons.append("擅长该项服务")
    return Suggestion(
        c.id,
        c.name,
        None if dist is None else round(dist),
        n,
        c.capacity,
        skilled,
        round(score, 3),
        tuple(reasons),
        c.lat,
        c.lng,
    )


# --- money ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    amount_fen: int
    voucher_fen: int
    voucher_minutes: int
    family_fen: int
    self_fen: int


def price_of(unit_price_fen: int, quantity: int) -> int:
    return unit_price_fen * quantity


def split_payment(
    amount_fen: int,
    minutes: int,
    *,
    quota_kind: str | None,
    left_fen: int = 0,
    left_minutes: int = 0,
    rest_paid_by: str = "self",
) -> Split:
    """Who pays an order: the voucher/purchased-service quota first (an amount, or hours valued
    pro rata), then the family or the person for the rest."""
    voucher_fen = voucher_min = 0
    if quota_kind == "amount":
        voucher_fen = max(0, min(amount_fen, left_fen))
    elif quota_kind == "hours" and minutes > 0:
        voucher_min = max(0, min(minutes, left_minutes))
        voucher_fen = amount_fen * voucher_min // minutes
    rest = amount_fen - voucher_fen
    family = rest if rest_paid_by == "family" else 0
    return Split(amount_fen, voucher_fen, voucher_min, family, rest - family)


# --- supervision -------------------------------------------------------------------------------


NO_CHECKIN_AFTER = dt.timedelta(minutes=30)


def late_for_checkin(state: str, slot_start: dt.datetime, now: dt.datetime) -> bool:
    """未按时签到: nobody has checked in 30 minutes after the slot began."""
    return state in BEFORE_ARRIVAL and now > slot_start + NO_CHECKIN_AFTER


def service_problems(
    *,
    checkin_distance_m: int | None,
    checkout_distance_m: int | None,
    minutes_served: int | None,
    min_minutes: int,
    tolerance_m: int,
) -> list[str]:
    """What a finished service shows that a supervisor must look at."""
    problems = []
    if checkin_distance_m is None:
        problems.append("签到未定位")
    if checkout_distance_m is not None and checkout_distance_m > tolerance_m:
        problems.append(f"签退位置距住址约 {checkout_distance_m} 米")
    if minutes_served is not None and minutes_served < min_minutes:
        problems.append(f"服务时长 {minutes_served} 分钟，短于最短 {min_minutes} 分钟")
    return problems


# --- plans ---------------------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def occurrences(
    weekdays: list[int], at: dt.time, start: dt.date, end: dt.date | None, week: dt.date
) -> list[dt.datetime]:
    """The (naive, local) times a weekly plan falls on in the week beginning `week` (a Monday)."""
    out = []
    for wd in sorted(set(weekdays)):
        if not 1 <= wd <= 7:
            continue
        day = week + dt.timedelta(days=wd - 1)
        if day < start or (end is not None and day > end):
            continue
        out.append(dt.datetime.combine(day, at))
    return out


# --- meals ---------------------------------------------------------------------------------------

MEAL_CATEGORY_NAMES = {
    "tekun": "特困供养",
    "dibao": "低保/低收入",
    "age80": "80周岁以上",
    "general": "60周岁以上",
}


def meal_category(age: int, categories: set[str]) -> str:
    """The subsidy category of a diner (the most favourable that applies)."""
    if "tekun" in categories:
        return "tekun"
    if categories & {"dibao", "low_income"}:
        return "dibao"
    if age >= 80:
        return "age80"
    return "general"


def meal_subsidy(price_fen: int, category: str, table: dict[str, int]) -> int:
    """Subsidy for one meal: the category's amount, never more than the price."""
    return max(0, min(price_fen, int(table.get(category, 0))))
