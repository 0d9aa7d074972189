"""The person page's 居家服务 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.core import permissions
from yanglao.elders.profile import Record, Section
from yanglao.homecare import selectors


def person_section(by, elder) -> Section | None:
    if not permissions.may_see_home_services(by):
        return None
    orders = selectors.orders(by=by, filters=selectors.OrderFilter(elder=elder.pk))
    count = orders.count()
    records = [
        Record(
            when=o.slot_start,
            text=f"{o.item.name} · {o.provider.name}"
            + (f" · 评价 {o.rating.score}★" if hasattr(o, "rating") else ""),
            status=o.get_state_display(),
            url=reverse("homecare:order", args=[o.pk]),
        )
        for o in orders.select_related("rating").order_by("-slot_start", "-id")[:5]
    ]
    actions = []
    if permissions.may_place_orders(by) and elder.status == "active":
        actions.append(
            ("预约居家服务", reverse("homecare:order_new") + f"?elder={elder.pk}")
        )
    return Section(
        key="homecare",
        title="居家服务工单",
        count=count,
        records=records,
        more_url=reverse("homecare:orders") + f"?elder={elder.pk}" if count > 5 else "",
        actions=actions,
    )
