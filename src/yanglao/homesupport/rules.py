"""康复辅具 lending (Baoshan 14: 康复辅具租赁和回收再利用), pure: who may borrow, whether a deposit is
due, how long a loan runs, and which state a device may move to. A returned device is cleaned and
disinfected, then inspected, before anyone else may borrow it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AVAILABLE = "available"
ON_LOAN = "on_loan"
CLEANING = "cleaning"
REPAIR = "repair"
WRITTEN_OFF = "written_off"

# action → (states it may start from, the state it leads to)
MOVES = {
    "lend": ({AVAILABLE}, ON_LOAN),
    "return": ({ON_LOAN}, CLEANING),
    "pass": ({CLEANING}, AVAILABLE),  # cleaned, disinfected and inspected: fit to lend
    "fail": ({CLEANING}, REPAIR),  # cleaned, inspection found a fault
    "repaired": ({REPAIR}, CLEANING),  # back from repair: cleaned and inspected again
    "write_off": ({AVAILABLE, CLEANING, REPAIR}, WRITTEN_OFF),
}

MAX_ITEMS = 2  # devices one person may hold at once
LOAN_DAYS = 90
DEPOSIT_WAIVED = frozenset({"tekun", "dibao"})  # 特困、低保: no deposit


def move(state: str, action: str) -> str | None:
    """The state after `action`, or None when the device is not in a state to take it."""
    starts, ends = MOVES.get(action, (set(), None))
    return ends if state in starts else None


@dataclass(frozen=True)
class Borrower:
    age: int
    ability_level: int | None
    categories: frozenset[str]
    holding: int  # devices on loan to the person now


def lending_problem(b: Borrower) -> str:
    """Why the person may not borrow (empty when they may): registered older people whose
    ability is impaired (level 1 and worse), or who are 80 and over, disabled or 失智."""
    if b.holding >= MAX_ITEMS:
        return f"该老人已借用 {b.holding} 件辅具，达到每人 {MAX_ITEMS} 件的上限"
    impaired = b.ability_level is not None and b.ability_level >= 1
    if not (impaired or b.age >= 80 or b.categories & {"disabled", "dementia"}):
        return "借用条件：能力等级1级及以上、80周岁及以上、重度残疾或失智老年人"
    return ""


def deposit_due(categories: frozenset[str], deposit_fen: int) -> int:
    """The deposit for this device: waived for 特困 and 低保."""
    return 0 if categories & DEPOSIT_WAIVED else deposit_fen


def due_on(lent_on: dt.date, days: int = LOAN_DAYS) -> dt.date:
    return lent_on + dt.timedelta(days=days)
