"""The person page's 补贴津贴 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.benefits import selectors
from yanglao.core import permissions
from yanglao.core.money import fen_to_yuan_text
from yanglao.elders.profile import Record, Section


def person_section(by, elder) -> Section | None:
    if not permissions.may_view_benefits(by):
        return None
    rows = selectors.person_history(by=by, elder=elder)
    records = [
        Record(
            when=e.month,
            text=f"{e.month:%Y年%m月} {e.programme.name} {fen_to_yuan_text(e.amount_fen)}",
            status=e.get_kind_display(),
            url=reverse("benefits:history", args=[elder.pk]),
        )
        for e in rows
    ]
    actions = []
    if permissions.may_write_registry(by) and elder.status == "active":
        actions.append(
            ("申请补贴", reverse("benefits:application_new", args=[elder.pk]))
        )
    return Section(
        key="benefits",
        title="补贴津贴",
        count=len(rows),
        records=records,
        more_url=reverse("benefits:history", args=[elder.pk]),
        actions=actions,
    )
