"""The person page's 智能终端与报警 section (elders.profile, 一人一档)."""

from __future__ import annotations

from django.urls import reverse

from yanglao.alarms import selectors
from yanglao.core import permissions
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


def facility_section(by, facility) -> Section | None:
    """一院一档: the institution's fire detectors (烟感、燃气) and their state (issue 23 §10).
    Whoever may open the institution's page sees the states; the device pages are linked for those
    who manage terminals or answer alarms."""
    detectors = selectors.facility_detectors(facility.pk)
    if not detectors:
        return None
    linked = permissions.may_manage_devices(by) or permissions.may_handle_alarms(by)
    faulty = [d for d in detectors if not d.ok]
    records = [
        Record(
            when=d.device.last_seen,
            text=f"{d.device.get_type_display()} {d.device.serial}",
            status=d.state,
            url=reverse("alarms:device", args=[d.device.pk]) if linked else "",
        )
        for d in sorted(detectors, key=lambda d: d.ok)
    ]
    return Section(
        key="detectors",
        title="消防物联设备",
        count=len(detectors),
        records=records,
        summary=f"共 {len(detectors)} 台，{len(faulty)} 台需处理"
        if faulty
        else f"共 {len(detectors)} 台，全部正常",
    )
