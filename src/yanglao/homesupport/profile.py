"""一人一档: the assistive devices a person holds or held (康复辅具)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.core import permissions
from yanglao.core.sections import Record, Section
from yanglao.homesupport import selectors


def aids_section(by, elder) -> Section | None:
    if not (permissions.may_view_aid_lending(by) or permissions.may_lend_aids(by)):
        return None
    loans = selectors.holdings_of(elder)
    if not loans:
        return None
    holding = [loan for loan in loans if loan.returned_on is None]
    return Section(
        key="aids",
        title="康复辅具",
        count=len(holding),
        records=[
            Record(
                when=loan.lent_on,
                text=f"{loan.device}（{loan.device.point.name}）",
                status="借用中，应还 " + f"{loan.due_on:%Y-%m-%d}"
                if loan.returned_on is None
                else f"{loan.returned_on:%Y-%m-%d} 已归还",
                url=reverse("homesupport:device", args=[loan.device_id]),
            )
            for loan in loans
        ],
        summary=f"借用中 {len(holding)} 件",
        empty="",
    )
