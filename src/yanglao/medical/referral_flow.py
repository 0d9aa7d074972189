"""The referral's life (双向转诊), pure: which step may follow which, which side takes it, the
deadlines, and whether a referral is late. Modelled on FHIR R4 Task.status
(requested → accepted/rejected → in-progress → completed), with the platform's own 已预约 and
已回转 steps that the documents name ("预约就诊、双向转诊", Jingdezhen 三.(四).1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PROPOSED = "proposed"
REQUESTED = "requested"
ACCEPTED = "accepted"
DECLINED = "declined"
SCHEDULED = "scheduled"
ATTENDED = "attended"
RETURNED = "returned"
CLOSED = "closed"

# Who takes each step: the sending side (养老机构, 社区, 接警中心 — whoever may refer) or the
# receiving medical institution (its liaison, or the bureau acting for it).
SENDER, RECEIVER = "sender", "receiver"

NEXT = {
    PROPOSED: {REQUESTED: SENDER, CLOSED: SENDER},
    REQUESTED: {ACCEPTED: RECEIVER, DECLINED: RECEIVER, CLOSED: SENDER},
    ACCEPTED: {SCHEDULED: RECEIVER, ATTENDED: RECEIVER, CLOSED: SENDER},
    SCHEDULED: {ATTENDED: RECEIVER, CLOSED: SENDER},
    ATTENDED: {RETURNED: RECEIVER, CLOSED: RECEIVER},
    DECLINED: {},
    RETURNED: {},
    CLOSED: {},
}
FINISHED = frozenset({DECLINED, RETURNED, CLOSED})
# The loop is closed when the person came back with a care note (下转) or the referral ended
# with a recorded outcome after the visit; a declined or abandoned referral is not a closed loop.
LOOP_CLOSED = frozenset({RETURNED})


def may_move(current: str, target: str, side: str) -> bool:
    return NEXT.get(current, {}).get(target) == side


def deadlines(
    requested_at: dt.datetime, accept_hours: int, outcome_hours: int
) -> tuple[dt.datetime, dt.datetime]:
    """(accept_due, outcome_due) from the moment the request was sent."""
    return (
        requested_at + dt.timedelta(hours=accept_hours),
        requested_at + dt.timedelta(hours=outcome_hours),
    )


@dataclass(frozen=True)
class Lateness:
    accept_late: bool
    outcome_late: bool

    @property
    def late(self) -> bool:
        return self.accept_late or self.outcome_late


def lateness(
    *,
    status: str,
    accept_due: dt.datetime | None,
    outcome_due: dt.datetime | None,
    accepted_at: dt.datetime | None,
    attended_at: dt.datetime | None,
    closed_at: dt.datetime | None,
    now: dt.datetime,
) -> Lateness:
    """Whether the receiving side missed the accept deadline (answered late, or not yet and
    the time is past) and whether the person was not seen, nor the referral ended, in time."""
    if status == PROPOSED or accept_due is None or outcome_due is None:
        return Lateness(False, False)
    answered = accepted_at or (closed_at if status in FINISHED else None)
    accept_late = (answered or now) > accept_due
    ended = attended_at or (closed_at if status in (DECLINED, CLOSED) else None)
    outcome_late = (ended or now) > outcome_due
    return Lateness(accept_late, outcome_late)


def needs_escalation(*, status: str, accept_due, outcome_due, now: dt.datetime) -> bool:
    """An open referral past a deadline that nobody has escalated yet (the caller checks the
    escalation mark)."""
    if status == REQUESTED:
        return accept_due is not None and now > accept_due
    if status in (ACCEPTED, SCHEDULED):
        return outcome_due is not None and now > outcome_due
    return False


def path_to(current: str, target: str) -> list[str] | None:
    """The receiver's steps from `current` to `target` (a health system may report only the
    latest state: a Task 'completed' for a referral we hold as 已申请 means 接收 → 就诊 → 回转).
    [] when already there; None when `target` cannot be reached by the receiver."""
    if current == target:
        return []
    frontier: list[tuple[str, list[str]]] = [(current, [])]
    seen = {current}
    while frontier:
        state, path = frontier.pop(0)
        for nxt, side in NEXT.get(state, {}).items():
            if side != RECEIVER or nxt in seen or nxt == SCHEDULED and nxt != target:
                continue
            if nxt == target:
                return [*path, nxt]
            seen.add(nxt)
            frontier.append((nxt, [*path, nxt]))
    return None
