"""The person page's 能力评估 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.assessments import selectors
from yanglao.core import permissions
from yanglao.elders.profile import Record, Section


def person_section(by, elder) -> Section:
    rows = selectors.elder_assessments(by=by, elder_id=elder.pk)
    records = [
        Record(
            when=row.assessment.assessed_on or row.assessment.applied_on,
            text=f"{row.assessment.get_reason_display()} · {row.assessment.standard}"
            + (
                f" · 等级 {row.assessment.final_level}"
                if row.assessment.final_level is not None
                else ""
            )
            + (f"（{row.change}）" if row.change else ""),
            status=row.assessment.get_status_display(),
            url=reverse("assessments:detail", args=[row.assessment.pk]),
        )
        for row in rows
    ]
    actions = []
    if permissions.may_apply_assessment(by) and elder.status == "active":
        actions.append(("申请评估", reverse("assessments:apply", args=[elder.pk])))
    return Section(
        key="assessments",
        title="能力评估",
        count=len(rows),
        records=records,
        more_url=reverse("assessments:elder_history", args=[elder.pk]),
        actions=actions,
    )
