"""The person page's 智能终端与报警 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.alarms import selectors
from yanglao.elders.profile import Record, Section


def person_section(by, elder) -> Section | None:
    alarms = selectors.person_alarms(by=by, elder=elder)
    devices = selectors.person_devices(by=by, elder=elder)
    count = alarms.count()
    if not count and not devices:
        return None
    records = [
        Record(
            when=None,
            text=f"终端：{d.get_type_display()} {d.serial}",
            url=reverse("alarms:device", args=[d.pk]),
        )
        for d in devices
    ]
    records = [
        Record(
            when=a.raised_at,
            text=f"{a.get_kind_display()} · {a.get_severity_display()}",
            status=a.get_status_display(),
            url=reverse("alarms:detail", args=[a.pk]),
        )
        for a in alarms[:5]
    ] + records
    return Section(
        key="alarms",
        title="智能终端与报警",
        count=count,
        records=records,
        empty="尚无报警。",
    )
