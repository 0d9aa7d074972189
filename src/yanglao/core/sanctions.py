"""联合惩戒: restrictions other modules must respect, decided in an upper app (the supervision
black list) and asked here by the lower ones (home care taking a government-purchased order).

core names no app's tables: the deciding app registers a check in its ready(); a check answers
the reason a subject is barred from an act, or "" when it is not."""

from __future__ import annotations

from collections.abc import Callable

GOVERNMENT_ORDERS = "government_orders"  # new orders paid by 政府购买服务/服务券
SUBSIDIES = "subsidies"  # operating and construction subsidies

Check = Callable[
    [str, int, str], str
]  # (subject kind "provider"/"facility", pk, act) → reason
_CHECKS: list[Check] = []


def register(check: Check) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def barred(kind: str, pk: int, act: str) -> str:
    """Why the subject may not do `act` now ("" when nothing bars it)."""
    for check in _CHECKS:
        reason = check(kind, pk, act)
        if reason:
            return reason
    return ""
