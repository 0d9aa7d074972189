"""Writes of 医养结合: medical institutions (the bureau), contracts and their patrol visits, and an
institution's in-house medical unit (the bureau or the institution's own administrator). Each
refuses bad input with the field and the reason, and writes nothing then."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Category
from yanglao.elders.selectors import elder_categories_active
from yanglao.facilities.models import INSTITUTION_TYPES
from yanglao.facilities.selectors import facility_get
from yanglao.medical import rules
from yanglao.medical.models import (
    Contract,
    Grade,
    InstitutionKind,
    MedicalInstitution,
    MedicalUnit,
    Patrol,
    Service,
    UnitKind,
    Willingness,
)
from yanglao.medical.selectors import contract_terms, institutions_for_facility
from yanglao.regions.selectors import region_for_input

INSTITUTION_FIELDS = (
    "name",
    "kind",
    "grade",
    "insured",
    "licence_no",
    "address",
    "lat",
    "lng",
)


def _institution_problems(values: dict) -> dict[str, str]:
    errors = {}
    if not str(values.get("name") or "").strip():
        errors["name"] = "请填写医疗机构名称"
    if values.get("kind") not in InstitutionKind.values:
        errors["kind"] = "请选择医疗机构类别"
    if values.get("grade", Grade.NONE) not in Grade.values:
        errors["grade"] = "等级应为三级、二级、一级或未定级"
    lat, lng = values.get("lat"), values.get("lng")
    if (lat is None) != (lng is None):
        errors["lng" if lat is not None else "lat"] = "经纬度应同时填写"
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = "经纬度超出范围"
    return errors


def institution_save(
    *, by, region, institution: MedicalInstitution | None = None, **values
) -> MedicalInstitution:
    """Register a medical institution, or correct one (the bureau, within its area). `region`:
    a Region, or a division code as a form sends it."""
    if not permissions.may_manage_medical_institutions(by):
        raise ValidationFailed({"__all__": "您的角色不能登记医疗机构"})
    if institution is not None and not region_path_allowed(by, institution.region.path):
        raise NotInScope(institution.pk)
    if isinstance(region, str):  # a form's division code
        problems: dict[str, str] = {}
        region = region_for_input(by, region, "region", problems, within_scope=False)
        if problems:
            raise ValidationFailed(problems)
    if region is None:
        raise ValidationFailed({"region": "请选择所在区域"})
    if not region_path_allowed(by, region.path):
        raise ValidationFailed({"region": "只能登记本辖区的医疗机构"})
    unknown = set(values) - set(INSTITUTION_FIELDS)
    if unknown:
        raise ValidationFailed({k: "未知字段" for k in sorted(unknown)})
    errors = _institution_problems(values)
    if errors:
        raise ValidationFailed(errors)
    values["name"] = values["name"].strip()
    creating = institution is None
    before = None if creating else snapshot(institution)
    target = institution or MedicalInstitution()
    for key, value in values.items():
        setattr(target, key, value)
    target.region = region
    try:
        with transaction.atomic():
            target.save()
            if creating:
                audit_create(by=by, obj=target, summary=f"登记医疗机构 {target.name}")
            else:
                audit_update(
                    by=by,
                    obj=target,
                    before=before,
                    summary=f"修改医疗机构 {target.name}",
                )
    except IntegrityError:
        raise ValidationFailed({"name": "本区域已有同名医疗机构"}) from None
    return target


def _ensure_contract_writer(by, facility) -> None:
    if not permissions.may_record_medical_contracts(by):
        raise ValidationFailed({"__all__": "您的角色不能登记医养签约"})
    facility_get(by=by, pk=facility.pk)  # NotInScope outside the reader's facilities


def contract_create(
    *,
    by,
    facility,
    institution: MedicalInstitution | None,
    services: list[str],
    patrols_per_month: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    note: str = "",
    renews: Contract | None = None,
) -> Contract:
    """签约服务 between an institution and a medical institution of its county or above, for a
    term that overlaps no other term of the same pair. A renewal (续签) names the contract it
    continues and starts after it."""
    _ensure_contract_writer(by, facility)
    errors = rules.term_problems(starts_on, ends_on)
    if facility.type not in INSTITUTION_TYPES:
        errors["facility"] = "只有养老机构登记医养签约"
    if institution is None:
        errors["institution"] = "请选择医疗机构"
    elif not institutions_for_facility(facility).filter(pk=institution.pk).exists():
        errors["institution"] = "应为本县（市、区）或上级区域的医疗机构"
    unknown = [s for s in services if s not in Service.values]
    if not services:
        errors["services"] = "请选择至少一项服务内容"
    elif unknown:
        errors["services"] = "未知的服务内容"
    if patrols_per_month is None or patrols_per_month < 0 or patrols_per_month > 31:
        errors["patrols_per_month"] = "每月巡诊次数应为 0–31"
    elif Service.PATROL in services and patrols_per_month == 0:
        errors["patrols_per_month"] = "约定定期巡诊时请填写每月巡诊次数"
    if renews is not None and (
        renews.facility_id != facility.pk
        or (institution is not None and renews.institution_id != institution.pk)
    ):
        errors["renews"] = "续签应为同一养老机构与同一医疗机构"
    elif renews is not None and starts_on and starts_on <= renews.ends_on:
        errors["starts_on"] = f"续签应自原协议到期（{renews.ends_on:%Y-%m-%d}）之后开始"
    if not errors and institution is not None:
        clash = rules.overlaps(
            starts_on, ends_on, contract_terms(facility.pk, institution.pk)
        )
        if clash:
            errors["starts_on"] = (
                f"与已有签约期限（{clash[0]:%Y-%m-%d} 至 {clash[1]:%Y-%m-%d}）重叠"
            )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = Contract.objects.create(
            facility=facility,
            institution=institution,
            services=[s for s in Service.values if s in services],
            patrols_per_month=patrols_per_month,
            starts_on=starts_on,
            ends_on=ends_on,
            renews=renews,
            note=(note or "").strip()[:300],
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit_create(
            by=by,
            obj=made,
            summary=f"{'续签' if renews else '登记'}医养签约：{facility.name} ↔ {institution.name}",
        )
    return made


def patrol_record(
    *,
    by,
    contract: Contract,
    visited_on: dt.date | None,
    doctor: str,
    residents_seen: int | None,
    note: str = "",
) -> Patrol:
    """巡诊记录: a patrol visit under the contract, on a day within its term and not in the future."""
    _ensure_contract_writer(by, contract.facility)
    errors = {}
    today = timezone.localdate()
    if visited_on is None:
        errors["visited_on"] = "请填写巡诊日期"
    elif visited_on > today:
        errors["visited_on"] = "巡诊日期不能在未来"
    elif not contract.starts_on <= visited_on <= contract.ends_on:
        errors["visited_on"] = "巡诊日期不在签约期限内"
    if not (doctor or "").strip():
        errors["doctor"] = "请填写巡诊医生"
    if residents_seen is None or residents_seen < 0 or residents_seen > 2000:
        errors["residents_seen"] = "诊视老人数应为 0–2000"
    if errors:
        raise ValidationFailed(errors)
    side = (
        Patrol.Side.FACILITY
        if permissions.acts_for_facility(by)
        else Patrol.Side.MEDICAL
    )
    with transaction.atomic():
        made = Patrol.objects.create(
            contract=contract,
            visited_on=visited_on,
            doctor=doctor.strip()[:50],
            residents_seen=residents_seen,
            note=(note or "").strip()[:300],
            side=side,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        audit(
            by=by,
            action="create",
            obj=contract,
            summary=f"登记巡诊 {visited_on:%Y-%m-%d}（{made.doctor}）",
        )
    return made


def unit_save(
    *,
    by,
    facility,
    kind: str,
    filed_on: dt.date | None,
    licence_no: str = "",
    insured: bool = False,
    doctors: int | None = 0,
    nurses: int | None = 0,
    closed_on: dt.date | None = None,
) -> MedicalUnit:
    """内设医疗机构: record or correct the institution's own clinic, infirmary or nursing station."""
    _ensure_contract_writer(by, facility)
    errors = {}
    today = timezone.localdate()
    if facility.type not in INSTITUTION_TYPES:
        errors["facility"] = "只有养老机构登记内设医疗机构"
    if kind not in UnitKind.values:
        errors["kind"] = "请选择内设医疗机构类别"
    if filed_on is None:
        errors["filed_on"] = "请填写备案日期"
    elif filed_on > today:
        errors["filed_on"] = "备案日期不能在未来"
    for key, value in (("doctors", doctors), ("nurses", nurses)):
        if value is None or value < 0 or value > 500:
            errors[key] = "人数应为 0–500"
    if closed_on is not None and filed_on is not None and closed_on < filed_on:
        errors["closed_on"] = "撤销日期早于备案日期"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        unit, created = MedicalUnit.objects.select_for_update().get_or_create(
            facility=facility,
            defaults={"kind": kind, "filed_on": filed_on},
        )
        before = None if created else snapshot(unit)
        wanted = {
            "kind": kind,
            "filed_on": filed_on,
            "licence_no": licence_no.strip()[:40],
            "insured": insured,
            "doctors": doctors,
            "nurses": nurses,
            "closed_on": closed_on,
        }
        if not created and all(getattr(unit, k) == v for k, v in wanted.items()):
            return unit  # saved unchanged: nothing is written, not even who saved it
        for key, value in wanted.items():
            setattr(unit, key, value)
        unit.updated_by = by if getattr(by, "pk", None) else None
        unit.save()
        if created:
            audit_create(by=by, obj=unit, summary=f"登记内设医疗机构：{facility.name}")
        else:
            audit_update(
                by=by,
                obj=unit,
                before=before,
                summary=f"修改内设医疗机构：{facility.name}",
            )
    return unit


def willingness_record(
    *,
    by,
    elder,
    asked_on: dt.date | None,
    answer: str,
    confirmed_by: str,
    occasion: str = "survey",
    confirmer_name: str = "",
    note: str = "",
) -> Willingness:
    """集中供养意愿: a 特困 person's answer, confirmed by the person or their guardian (named)."""
    if not permissions.may_record_willingness(by):
        raise ValidationFailed({"__all__": "您的角色不能登记集中供养意愿"})
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope(elder.pk)
    errors = {}
    today = timezone.localdate()
    if asked_on is None:
        errors["asked_on"] = "请填写询问日期"
    elif asked_on > today:
        errors["asked_on"] = "询问日期不能在未来"
    elif Category.TEKUN not in {
        c.category for c in elder_categories_active(elder, asked_on)
    }:
        errors["elder"] = "该老人在询问日期不是特困人员，无需登记集中供养意愿"
    if answer not in Willingness.Answer.values:
        errors["answer"] = "请选择意愿"
    if occasion not in Willingness.Occasion.values:
        errors["occasion"] = "请选择询问缘由"
    if confirmed_by not in Willingness.ConfirmedBy.values:
        errors["confirmed_by"] = "请选择本人确认或监护人确认"
    elif (
        confirmed_by == Willingness.ConfirmedBy.GUARDIAN and not confirmer_name.strip()
    ):
        errors["confirmer_name"] = "监护人确认时请填写监护人姓名"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = Willingness.objects.create(
            elder=elder,
            asked_on=asked_on,
            answer=answer,
            occasion=occasion,
            confirmed_by=confirmed_by,
            confirmer_name=confirmer_name.strip()[:50]
            if confirmed_by == Willingness.ConfirmedBy.GUARDIAN
            else "",
            note=(note or "").strip()[:300],
            asked_by=by if getattr(by, "pk", None) else None,
        )
        audit_create(
            by=by,
            obj=made,
            summary=f"登记集中供养意愿：{elder.name} {made.get_answer_display()}",
        )
    return made
