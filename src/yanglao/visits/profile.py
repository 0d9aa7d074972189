"""The person page's 探访关爱 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.elders.profile import Record, Section
from yanglao.visits import selectors


def person_section(by, elder) -> Section | None:
    visits, rostered = selectors.person_visits(by=by, elder=elder)
    count = visits.count()
    if not count and not rostered:
        return None
    open_follow_ups = selectors.follow_ups(by=by).filter(elder=elder)
    records = [
        Record(
            when=v.visited_at,
            text=f"{v.get_kind_display()} · {v.visitor}"
            + (f" · {'、'.join(v.findings)}" if v.findings else ""),
        )
        for v in visits[:5]
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
