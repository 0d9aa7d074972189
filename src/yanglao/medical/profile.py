"""The institution page's 医养结合 section (facilities.sections, 一院一档): its contracts with
medical institutions and their state, and its in-house medical unit."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.sections import Record, Section
from yanglao.elders.selectors import elder_categories_active
from yanglao.facilities.models import INSTITUTION_TYPES
from yanglao.medical import rules, selectors


def facility_section(by, facility) -> Section | None:
    if facility.type not in INSTITUTION_TYPES:
        return None
    if not (
        permissions.may_view_medical(by) or permissions.may_record_medical_contracts(by)
    ):
        return None
    today = timezone.localdate()
    contracts = selectors.facility_contracts(facility)
    unit = selectors.facility_unit(facility)
    records = [
        Record(
            when=c.ends_on,
            text=f"签约：{c.institution.name}（至 {c.ends_on:%Y-%m-%d}）",
            status=rules.state(c.starts_on, c.ends_on, today),
            url=reverse("medical:contract", args=[c.pk]),
        )
        for c in contracts
    ]
    valid = [
        c
        for c in contracts
        if rules.state(c.starts_on, c.ends_on, today) in ("有效", "即将到期")
    ]
    if unit is not None and unit.closed_on is None:
        unit_text = (
            f"内设{unit.get_kind_display()}（{unit.filed_on:%Y-%m-%d} 备案"
            f"{'，医保定点' if unit.insured else ''}，医师 {unit.doctors} 人、护士 {unit.nurses} 人）"
        )
    else:
        unit_text = "无内设医疗机构"
    actions = []
    if permissions.may_record_medical_contracts(by):
        actions = [
            ("登记医养签约", reverse("medical:contract_new", args=[facility.pk])),
            ("内设医疗机构", reverse("medical:unit_edit", args=[facility.pk])),
        ]
    return Section(
        key="medical",
        title="医养结合",
        count=len(contracts),
        records=records,
        summary=f"有效签约 {len(valid)} 份；{unit_text}",
        actions=actions,
        empty="尚无医养签约。",
    )


def person_section(by, elder) -> Section | None:
    """一人一档: a 特困 person's answers on 集中供养 (and where to record a new one)."""
    if not (permissions.may_record_willingness(by) or permissions.may_view_medical(by)):
        return None
    records = selectors.willingness_of(elder)
    offers = selectors.offers_of(elder)
    is_tekun = "tekun" in {c.category for c in elder_categories_active(elder)}
    if not records and not is_tekun:
        return None
    url = reverse("medical:willingness", args=[elder.pk])
    return Section(
        key="willingness",
        title="集中供养意愿",
        count=len(records),
        records=[
            Record(
                when=w.asked_on,
                text=f"{w.get_answer_display()}（{w.get_occasion_display()}，{w.get_confirmed_by_display()}）",
                url=url,
            )
            for w in records
        ]
        + [
            Record(
                when=o.offered_on,
                text=f"床位安排：{o.bed.facility.name} {o.bed.code} 床（{o.bed.get_kind_display()}）",
                status=o.get_status_display(),
                url=reverse("medical:offer", args=[o.pk]),
            )
            for o in offers
        ],
        more_url=url,
        actions=([("登记意愿", url)] if permissions.may_record_willingness(by) else [])
        + (
            [("网络内转院", reverse("medical:transfer", args=[elder.pk]))]
            if permissions.may_offer_beds(by) and selectors.network_admission_of(elder)
            else []
        ),
        empty="尚未登记集中供养意愿。",
    )


def referral_section(by, elder) -> Section | None:
    """一人一档: the person's referrals (双向转诊) and where to send a new one."""
    if not permissions.may_view_referrals(by):
        return None
    found = selectors.referrals_of_elder(elder, by=by)
    actions = []
    if permissions.may_refer(by):
        actions = [("发起转诊", reverse("medical:referral_new", args=[elder.pk]))]
    return Section(
        key="referrals",
        title="双向转诊",
        count=len(found),
        records=[
            Record(
                when=timezone.localtime(r.created_at).date(),
                text=f"转诊 #{r.pk} → {r.institution.name}：{r.reason[:40]}",
                status=r.get_status_display(),
                url=reverse("medical:referral", args=[r.pk]),
            )
            for r in found
        ],
        actions=actions,
        empty="没有转诊记录。",
    )


def health_section(by, elder) -> Section | None:
    """一人一档: the person's family-doctor contracts, 家庭病床 and the health services the
    health system's roster reports (that they happened, not what was found)."""
    if not (
        permissions.may_view_health_coverage(by) or permissions.acts_for_facility(by)
    ):
        return None
    contracts = selectors.family_contracts_of(elder)
    beds = selectors.home_beds_of(elder)
    services = selectors.health_services_of(elder)
    records = [
        Record(
            when=c.starts_on,
            text=f"家庭医生签约：{c.institution.name} {c.team}（{c.starts_on:%Y-%m-%d} 至 {c.ends_on:%Y-%m-%d}）",
            status=f"已解约（{c.get_end_reason_display()}）" if c.ended_on else "",
            url=""
            if c.ended_on or not permissions.may_record_family_doctors(by)
            else reverse("medical:family_contract_end", args=[c.pk]),
        )
        for c in contracts
    ]
    records += [
        Record(
            when=b.opened_on,
            text=f"家庭病床：{b.institution.name} {b.team}",
            status=f"{b.closed_on:%Y-%m-%d} 撤床" if b.closed_on else "在床",
            url=""
            if b.closed_on or not permissions.may_record_home_beds(by)
            else reverse("medical:home_bed_close", args=[b.pk]),
        )
        for b in beds
    ]
    years = {}
    for s in services:
        years.setdefault(s.year, []).append(s.get_kind_display())
    summary = "；".join(
        f"{y}年：{'、'.join(k)}" for y, k in sorted(years.items(), reverse=True)[:3]
    )
    actions = []
    if permissions.may_record_family_doctors(by):
        actions.append(
            (
                "登记家庭医生签约",
                reverse("medical:family_contract_new", args=[elder.pk]),
            )
        )
    if permissions.may_record_home_beds(by) and not any(
        b.closed_on is None for b in beds
    ):
        actions.append(
            ("登记家庭病床", reverse("medical:home_bed_new", args=[elder.pk]))
        )
    return Section(
        key="health",
        title="家庭医生与健康服务",
        count=len(contracts) + len(beds),
        records=records,
        summary=summary or "健康服务名单中暂无记录",
        actions=actions,
        empty="没有家庭医生签约或家庭病床记录。",
    )
