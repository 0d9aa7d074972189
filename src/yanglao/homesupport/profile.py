"""一人一档: what 家庭支持 did for a person — assistive devices held (康复辅具), home-modification
projects (适老化改造), respite stays (喘息服务) and family carers trained."""

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


def family_support_section(by, elder) -> Section | None:
    """适老化改造, 喘息服务 and the family carers trained, for region staff."""
    if not permissions.works_by_region(by):
        return None
    records = [
        Record(
            when=p.applied_at.date(),
            text=f"居家适老化改造 {p.number}",
            status=p.get_state_display(),
            url=reverse("homesupport:project", args=[p.pk]),
        )
        for p in selectors.modifications_of(elder)
    ]
    records += [
        Record(
            when=s.start_on,
            text=f"喘息服务 {s.facility.name} {s.days} 天",
            status=s.get_state_display(),
            url=reverse("homesupport:stay", args=[s.pk]),
        )
        for s in selectors.stays_of(elder)
    ]
    trained = selectors.trained_carers(elder)
    records += [
        Record(
            when=a.session.held_on,
            text=f"{a.carer_name}（{a.relation}）已参加照护培训：{a.session.course.title}",
            status=f"证书 {a.certificate_no}" if a.certificate_no else "已参加",
        )
        for a in trained
    ]
    if not records:
        return None
    records.sort(key=lambda r: r.when, reverse=True)
    return Section(
        key="family_support",
        title="家庭支持",
        count=len(records),
        records=records,
        summary="家庭照护者已参加培训" if trained else "家庭照护者未参加培训",
        empty="",
    )
