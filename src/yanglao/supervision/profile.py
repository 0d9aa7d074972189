"""The institution page's 监管 section (facilities.sections, 一院一档): its grade, this year's
evaluation, its credit level and list standing, and its latest inspections."""

from __future__ import annotations

from django.urls import reverse

from yanglao.core import permissions
from yanglao.core.sections import Record, Section
from yanglao.supervision import selectors


def facility_section(by, facility) -> Section | None:
    if not (
        permissions.may_view_supervision(by) or permissions.may_answer_rectification(by)
    ):
        return None
    card = selectors.facility_card(facility)
    records = [
        Record(
            when=i.signed_at or i.started_at,
            text=f"检查（{i.checklist.name}）",
            status=i.get_state_display(),
            url=reverse("supervision:inspection", args=[i.pk]),
        )
        for i in card.inspections
    ]
    return Section(
        key="supervision",
        title="监管与信用",
        count=len(records),
        records=records,
        summary=card.summary,
        more_url=reverse("supervision:credit_facility", args=[facility.pk]),
        empty="尚无检查记录。",
    )
