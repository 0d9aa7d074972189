"""The person page's 探访关爱 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.elders.profile import Record, Section
from yanglao.visits.models import RosterEntry, Visit
from yanglao.visits.selectors import entry_scope_q, follow_ups


def person_section(by, elder) -> Section | None:
    entries = RosterEntry.objects.filter(entry_scope_q(by), elder=elder)
    visits = Visit.objects.filter(entry__in=entries).select_related("visitor")
    count = visits.count()
    open_follow_ups = follow_ups(by=by).filter(elder=elder)
    if not count and not entries.exists():
        return None
    records = [
        Record(
            when=v.visited_at,
            text=f"{v.get_kind_display()} · {v.visitor}"
            + (f" · {'、'.join(v.findings)}" if v.findings else ""),
        )
        for v in visits.order_by("-visited_at")[:5]
    ]
    records += [
        Record(
            when=f.created_at,
            text=f"待跟进：{f.finding}（{f.get_route_display()}）",
            status=f.get_status_display(),
            url=reverse("visits:follow_ups"),
        )
        for f in open_follow_ups[:3]
    ]
    return Section(
        key="visits",
        title="探访关爱",
        count=count,
        records=records,
        empty="尚无探访记录。",
    )
