"""The person page's 机构入住 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.elders.profile import Record, Section
from yanglao.facilities.selectors import admission_list


def person_section(by, elder) -> Section | None:
    stays = list(
        admission_list(by=by, current=False)
        .filter(elder=elder)
        .order_by("-admitted_on", "-id")
    )
    if not stays:
        return None
    records = [
        Record(
            when=s.admitted_on,
            text=f"{s.bed.facility.name} {s.bed.code} 床"
            + (f"，{s.discharged_on:%Y-%m-%d} 退住" if s.discharged_on else ""),
            status="在住" if s.discharged_on is None else "已退住",
            url=reverse("facilities:detail", args=[s.bed.facility_id]),
        )
        for s in stays
    ]
    return Section(
        key="facilities", title="机构入住", count=len(stays), records=records
    )
