"""What can be counted over subsidies (core.measures): the amounts of approved monthly cycles,
in 分, by the region of the person (or facility) entitled."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from yanglao.benefits.models import Cycle, Entitlement, Programme
from yanglao.core.measures import Measure


def _approved_fen(start: dt.date, end: dt.date) -> dict[int, float]:
    rows = (
        Entitlement.objects.filter(
            month__gte=start.replace(day=1),
            month__lte=end,
            cycle__status=Cycle.Status.APPROVED,
        )
        .values("region")
        .annotate(fen=Sum("amount_fen"))
        .order_by()
    )
    return {r["region"]: r["fen"] or 0 for r in rows}


def _workforce_fen(start: dt.date, end: dt.date) -> dict[int, float]:
    """入职奖励, 岗位补贴, 从业年限补贴 and 见习留用补贴 in approved cycles (issue 25 §6)."""
    rows = (
        Entitlement.objects.filter(
            month__gte=start.replace(day=1),
            month__lte=end,
            cycle__status=Cycle.Status.APPROVED,
            programme__unit__in=[Programme.Unit.STAFF, Programme.Unit.RETENTION],
        )
        .values("region")
        .annotate(fen=Sum("amount_fen"))
        .order_by()
    )
    return {r["region"]: r["fen"] or 0 for r in rows}


MEASURES = (
    Measure("benefits.approved_fen", "已审批补贴津贴金额（分）", "分", _approved_fen),
    Measure(
        "benefits.workforce_fen",
        "已审批从业人员补贴金额（分）",
        "分",
        _workforce_fen,
    ),
)
