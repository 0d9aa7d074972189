"""Writes of 喘息服务 (issue 25 §3): a family (or area staff for them) books days in a free bed of
an institution for a person the bureau's rules cover (item programme `chuanxi`), within the
year's allowance; the institution checks the person in and out; the days used are paid to the
institution per day as a benefits claim, taken by the next cycle."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.benefits import selectors as benefit_selectors
from yanglao.benefits.services import claim_file
from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import Bed, Staff
from yanglao.homecare.selectors import linked_elder_ids
from yanglao.homesupport.models import RespiteStay
from yanglao.homesupport.selectors.respite import (
    RESPITE_PROGRAMME,
    days_used,
    free_beds,
)

MAX_DAYS_AT_ONCE = 30


def _may_act_for(by, elder) -> bool:
    if permissions.is_family(by):
        return elder.pk in linked_elder_ids(by)
    return permissions.may_file_modifications(by) and region_path_allowed(
        by, elder.residence_region.path
    )


def respite_book(
    *,
    by,
    elder,
    bed: Bed | None,
    start_on: dt.date | None,
    days: int | None,
    carer_name: str,
    today: dt.date | None = None,
) -> RespiteStay:
    """预约喘息服务. Refused with the reason, writing nothing: a person the rules do not cover
    (the failing condition), days beyond what is left of the year's allowance, a bed taken or
    not in the person's county, a start in the past."""
    if not permissions.may_book_respite(by):
        raise ValidationFailed({"__all__": "您的角色不能预约喘息服务"})
    if not _may_act_for(by, elder):
        raise NotInScope(elder.pk)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if start_on is None:
        errors["start_on"] = "请选择开始日期"
    elif start_on < today:
        errors["start_on"] = "开始日期不能早于今天"
    if not days or not 1 <= days <= MAX_DAYS_AT_ONCE:
        errors["days"] = f"天数应在 1–{MAX_DAYS_AT_ONCE} 天之间"
    if not (carer_name or "").strip():
        errors["carer_name"] = "请填写家庭照护者姓名"
    if bed is None:
        errors["bed"] = "请选择床位"
    if errors:
        raise ValidationFailed(errors)
    end_on = start_on + dt.timedelta(days=days - 1)
    decision = benefit_selectors.item_decision(RESPITE_PROGRAMME, elder, start_on)
    if not decision.eligible:
        unmet = "；".join(why for why, ok in decision.explanation if not ok)
        raise ValidationFailed({"elder": f"不符合喘息服务条件：{unmet}"})
    amount, _policy = benefit_selectors.item_standard(
        RESPITE_PROGRAMME, elder.residence_region, start_on
    )
    with transaction.atomic():
        Bed.objects.select_for_update().filter(pk=bed.pk).first()
        if amount.per_year is not None:
            left = amount.per_year - days_used(elder, start_on.year)
            if days > left:
                raise ValidationFailed(
                    {
                        "days": f"超过{start_on.year}年剩余喘息天数：每年 {amount.per_year} 天，还剩 {max(left, 0)} 天"
                    }
                )
        if not free_beds(elder.residence_region, start_on, end_on).filter(pk=bed.pk):
            raise ValidationFailed(
                {
                    "bed": "该床位在这段时间不空闲，或不在老年人所在县（市、区）的养老机构"
                }
            )
        stay = RespiteStay.objects.create(
            elder=elder,
            region=elder.residence_region,
            bed=bed,
            facility=bed.facility,
            start_on=start_on,
            end_on=end_on,
            days=days,
            carer_name=carer_name.strip()[:50],
            eligibility=decision.text,
            booked_by=by,
        )
        audit_create(
            by=by,
            obj=stay,
            summary=f"预约喘息服务 {elder.name} {bed.facility.name} {start_on:%Y-%m-%d} 起 {days} 天",
        )
    return stay


def _may_run(by, stay: RespiteStay) -> bool:
    if permissions.acts_for_facility(by):
        return Staff.objects.filter(user=by, facility_id=stay.facility_id).exists()
    return permissions.may_run_respite_stays(by) and region_path_allowed(
        by, stay.region.path
    )


def _locked(stay: RespiteStay, *states: str) -> RespiteStay:
    current = (
        RespiteStay.objects.select_for_update()
        .select_related("elder", "facility", "region")
        .get(pk=stay.pk)
    )
    if current.state not in states:
        raise ValidationFailed(
            {"__all__": f"喘息服务状态为“{current.get_state_display()}”，不能办理"}
        )
    return current


def respite_check_in(*, by, stay: RespiteStay) -> RespiteStay:
    if not _may_run(by, stay):
        raise ValidationFailed({"__all__": "只有入住机构或本地区工作人员可以办理入住"})
    with transaction.atomic():
        current = _locked(stay, RespiteStay.State.BOOKED)
        current.state = RespiteStay.State.STAYING
        current.save(update_fields=["state"])
        audit(by=by, action="update", obj=current, summary="喘息服务入住")
    return current


def respite_end(
    *, by, stay: RespiteStay, ended_on: dt.date | None = None, note: str = ""
) -> RespiteStay:
    """结束: the days actually stayed (an early return gives the rest back) are paid to the
    institution per day through the benefits ledger."""
    if not _may_run(by, stay):
        raise ValidationFailed({"__all__": "只有入住机构或本地区工作人员可以办理结束"})
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        current = _locked(stay, RespiteStay.State.STAYING)
        if ended_on < current.start_on:
            raise ValidationFailed({"ended_on": "结束日期不能早于开始日期"})
        used = min((ended_on - current.start_on).days + 1, current.days)
        amount, policy = benefit_selectors.item_standard(
            RESPITE_PROGRAMME, current.region, current.start_on
        )
        current.state = RespiteStay.State.ENDED
        current.ended_on = min(ended_on, current.end_on)
        current.days = used
        current.note = (note or "").strip()[:200]
        current.save(update_fields=["state", "ended_on", "days", "note"])
        if amount.flat_fen:
            claim_file(
                by=by,
                programme_code=RESPITE_PROGRAMME,
                source=f"homesupport.respite:{current.pk}",
                title=f"喘息服务 {current.elder.name} {current.start_on:%m月%d日}起 {used} 天",
                region=current.region,
                facility=current.facility,
                elder=current.elder,
                quantity=used,
                amount_fen=used * amount.flat_fen,
                explanation=(
                    f"{policy}；{current.facility.name} 床位 {current.bed.code}，"
                    f"{current.start_on:%Y年%m月%d日}–{current.ended_on:%Y年%m月%d日} 共 {used} 天"
                    f" × {amount.flat_fen / 100:,.2f} 元/天"
                ),
                day=current.ended_on,
            )
        audit(by=by, action="update", obj=current, summary=f"喘息服务结束：{used} 天")
    return current


def respite_cancel(*, by, stay: RespiteStay, reason: str) -> RespiteStay:
    if not (_may_act_for(by, stay.elder) or _may_run(by, stay)):
        raise NotInScope(stay.pk)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "请填写取消原因"})
    with transaction.atomic():
        current = _locked(stay, RespiteStay.State.BOOKED)
        current.state = RespiteStay.State.CANCELLED
        current.note = reason.strip()[:200]
        current.save(update_fields=["state", "note"])
        audit(
            by=by, action="update", obj=current, summary=f"取消喘息服务：{current.note}"
        )
    return current
