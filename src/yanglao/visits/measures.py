"""What can be counted over the visit rosters (core.measures): the people on a month's roster and
those visited as their rule requires (特殊困难老年人月探访率). A year counts each month's entries."""

from __future__ import annotations

from django.db.models import Count, F, Q

from yanglao.core.measures import Measure, Member
from yanglao.visits.models import RosterEntry


def _entries(done: bool):
    def q_of(start, end):
        q = Q(month__gte=start.replace(day=1), month__lte=end)
        return q & Q(visits_done__gte=F("visits_required")) if done else q

    def count(start, end):
        rows = (
            RosterEntry.objects.filter(q_of(start, end))
            .values("region")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {r["region"]: r["n"] for r in rows}

    def members(start, end, region_ids):
        rows = (
            RosterEntry.objects.filter(q_of(start, end), region_id__in=region_ids)
            .select_related("elder")
            .order_by("elder__name_order", "month")
        )
        for e in rows:
            yield Member(
                f"entry:{e.pk}",
                e.elder.name,
                e.region_id,
                f"/elders/{e.elder_id}/",
                f"{e.month:%Y-%m} 已探访 {e.visits_done}/{e.visits_required} 次",
            )

    return count, members


MEASURES = (
    Measure("visits.rostered", "探访名单人次", "人次", *_entries(done=False)),
    Measure("visits.visited", "按要求完成探访的人次", "人次", *_entries(done=True)),
)
