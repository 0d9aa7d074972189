"""Every write to facilities, beds, admissions and staff: validated, scoped, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions, pii
from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.idnumber import InvalidIdNumber, parse
from yanglao.core.phone import normalize_landline, normalize_phone
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder, Status
from yanglao.elders.selectors import elder_find_by_id_number, elder_get
from yanglao.elders.services import elder_set_care_setting
from yanglao.facilities.models import (
    Admission,
    Ban,
    Bed,
    CarerLevel,
    Facility,
    FacilityType,
    FireSafety,
    Ownership,
    Provider,
    Staff,
    StaffRole,
    Training,
)
from yanglao.facilities.selectors import ban_active_for
from yanglao.regions.selectors import region_for_input


def _ensure_facility_writer(by, facility: Facility | None = None) -> None:
    if not permissions.may_write_facilities(by):
        raise ValidationFailed({"__all__": "您的角色没有修改机构信息的权限"})
    if (
        facility is not None
        and permissions.acts_for_facility(by)
        and not facility.staff.filter(user=by).exists()
    ):
        raise ValidationFailed({"__all__": "只能修改本机构的信息"})


FACILITY_FIELDS = {
    "name",
    "type",
    "ownership",
    "operator",
    "region",
    "address",
    "duty_phone",
    "lat",
    "lng",
    "floor_area_m2",
    "licence_no",
    "has_medical_unit",
    "contracted_hospital",
    "fire_safety",
    "fire_safety_date",
    "childcare_places",
    "membership_fee",
    "opened_on",
    "closed_on",
}


def _facility_problems(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if "name" in values and not str(values["name"] or "").strip():
        errors["name"] = "名称不能为空"
    if "type" in values and values["type"] not in FacilityType.values:
        errors["type"] = "机构类型不在可选范围内"
    if "ownership" in values and values["ownership"] not in Ownership.values:
        errors["ownership"] = "机构性质应为公办、公建民营或民办"
    if "fire_safety" in values and values["fire_safety"] not in FireSafety.values:
        errors["fire_safety"] = "消防验收状态不在可选范围内"
    if values.get("fire_safety") in (
        FireSafety.ACCEPTED,
        FireSafety.FILED,
    ) and not values.get("fire_safety_date"):
        errors["fire_safety_date"] = "已验收或已备案的需填写日期"
    for key in ("floor_area_m2", "childcare_places"):
        if values.get(key) is not None and int(values[key]) < 0:
            errors[key] = "不能为负数"
    if values.get("duty_phone"):
        try:
            values["duty_phone"] = normalize_landline(values["duty_phone"])
        except ValueError as e:
            errors["duty_phone"] = str(e)
    today = timezone.localdate()
    for key in ("fire_safety_date", "opened_on"):
        if values.get(key) and values[key] > today:
            errors[key] = "日期不能在未来"
    return errors


def facility_create(*, by, **values: Any) -> Facility:
    _ensure_facility_writer(by)
    if permissions.acts_for_facility(by):
        raise ValidationFailed({"__all__": "机构管理员不能新增机构"})
    unknown = set(values) - FACILITY_FIELDS
    if unknown:
        raise ValidationFailed({k: "未知字段" for k in sorted(unknown)})
    values.setdefault("name", "")
    values.setdefault("type", "")
    values.setdefault("ownership", "")
    errors = _facility_problems(values)
    region = region_for_input(by, values.pop("region", ""), "region", errors)
    if errors:
        raise ValidationFailed(errors)
    facility = Facility(region=region, **values)
    with transaction.atomic():
        facility.save()
        audit_create(by=by, obj=facility, summary=f"新增机构 {facility.name}")
    return facility


def facility_update(*, by, facility: Facility, **values: Any) -> Facility:
    _ensure_facility_writer(by, facility)
    unknown = set(values) - FACILITY_FIELDS
    if unknown:
        raise ValidationFailed({k: "未知字段" for k in sorted(unknown)})
    merged = {
        "fire_safety": facility.fire_safety,
        "fire_safety_date": facility.fire_safety_date,
        **values,
    }
    errors = _facility_problems(merged)
    if "duty_phone" in values:
        values["duty_phone"] = merged["duty_phone"]
    if "region" in values:
        values["region"] = region_for_input(by, values["region"], "region", errors)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(facility)
    for key, value in values.items():
        setattr(facility, key, value)
    with transaction.atomic():
        facility.save()
        audit_update(
            by=by, obj=facility, before=before, summary=f"修改机构 {facility.name}"
        )
    return facility


def bed_create(
    *,
    by,
    facility: Facility,
    code: str,
    kind: str = Bed.Kind.ORDINARY,
    created_on: dt.date | None = None,
) -> Bed:
    """A new bed; it records the day it was built (建成日期, today unless given), from which a
    new 护理型 bed may earn the construction subsidy once accepted (bed_accept)."""
    _ensure_facility_writer(by, facility)
    errors = {}
    if not code or not code.strip():
        errors["code"] = "床位号不能为空"
    elif Bed.objects.filter(facility=facility, code=code.strip()).exists():
        errors["code"] = "本机构已有该床位号"
    if kind not in Bed.Kind.values:
        errors["kind"] = "床位类型应为护理型或普通"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        bed = Bed.objects.create(
            facility=facility,
            code=code.strip(),
            kind=kind,
            created_on=created_on or timezone.localdate(),
        )
        audit_create(by=by, obj=bed, summary=f"{facility.name} 新增床位 {bed.code}")
    return bed


def bed_accept(*, by, bed: Bed, accepted_on: dt.date | None) -> Bed:
    """验收 of a new bed by the bureau: the date it passed. Refused for a bed already accepted,
    a date in the future or before the bed was built."""
    if not permissions.may_accept_new_beds(by):
        raise ValidationFailed({"__all__": "只有民政局可以验收新增床位"})
    if not region_path_allowed(by, bed.facility.region.path):
        raise NotInScope(bed.pk)
    errors = {}
    if accepted_on is None:
        errors["accepted_on"] = "请填写验收日期"
    elif accepted_on > timezone.localdate():
        errors["accepted_on"] = "验收日期不能晚于今天"
    elif bed.created_on and accepted_on < bed.created_on:
        errors["accepted_on"] = f"验收日期早于建成日期 {bed.created_on:%Y-%m-%d}"
    if bed.accepted_on:
        errors["__all__"] = f"该床位已于 {bed.accepted_on:%Y-%m-%d} 验收"
    if errors:
        raise ValidationFailed(errors)
    Bed.objects.filter(pk=bed.pk).update(accepted_on=accepted_on)
    bed.accepted_on = accepted_on
    audit(
        by=by,
        action="update",
        obj=bed,
        summary=f"{bed.facility.name} 床位 {bed.code} 验收 {accepted_on:%Y-%m-%d}",
    )
    return bed


def bed_update(*, by, bed: Bed, **values: Any) -> Bed:
    _ensure_facility_writer(by, bed.facility)
    errors = {}
    if "kind" in values and values["kind"] not in Bed.Kind.values:
        errors["kind"] = "床位类型应为护理型或普通"
    if "state" in values and values["state"] not in Bed.State.values:
        errors["state"] = "状态应为在用或停用"
    if (
        values.get("state") == Bed.State.OUT_OF_SERVICE
        and bed.admissions.filter(discharged_on__isnull=True).exists()
    ):
        errors["state"] = "床位上有在住老人，不能停用"
    if set(values) - {"kind", "state", "code"}:
        errors.update({k: "未知字段" for k in set(values) - {"kind", "state", "code"}})
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(bed)
    for key, value in values.items():
        setattr(bed, key, value)
    with transaction.atomic():
        bed.save()
        audit_update(by=by, obj=bed, before=before)
    return bed


def admission_create(*, by, elder: Elder, bed: Bed, admitted_on: dt.date) -> Admission:
    """入住: an elder holds at most one bed at a time, a bed at most one elder."""
    _ensure_facility_writer(by, bed.facility)
    errors = {}
    if admitted_on > timezone.localdate():
        errors["admitted_on"] = "入住日期不能在未来"
    if elder.status != Status.ACTIVE:
        errors["elder"] = f"该老人状态为“{elder.get_status_display()}”，不能办理入住"
    current = (
        Admission.objects.filter(elder=elder, discharged_on__isnull=True)
        .select_related("bed__facility")
        .first()
    )
    if current is not None:
        errors["elder"] = (
            f"该老人已入住 {current.bed.facility.name} {current.bed.code} 床，请先办理退住"
        )
    if bed.state != Bed.State.IN_SERVICE:
        errors["bed"] = "该床位已停用"
    elif Admission.objects.filter(bed=bed, discharged_on__isnull=True).exists():
        errors["bed"] = "该床位已有老人入住"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            admission = Admission.objects.create(
                elder=elder, bed=bed, admitted_on=admitted_on
            )
            elder_set_care_setting(by=by, elder=elder, care_setting="institution")
            audit_create(by=by, obj=admission, summary=f"{elder.name} 入住 {bed}")
    except IntegrityError:
        # Two clerks at once: the partial unique indexes decide, and the loser is told why.
        raise ValidationFailed(
            {"bed": "该床位或该老人刚刚被他人办理了入住，请刷新后重试"}
        ) from None
    return admission


def admission_admit(
    *,
    by,
    bed: Bed,
    admitted_on: dt.date,
    elder_id: int | None = None,
    id_number: str = "",
) -> Admission:
    """入住 from a form or the API: the person is named by record id (within the user's scope) or
    by the identity number on the card they show (looked up across the registry)."""
    if elder_id:
        try:
            elder = elder_get(by=by, pk=elder_id)
        except NotInScope:
            raise ValidationFailed(
                {"elder_id": "老年人档案不存在或不在您的管辖范围内"}
            ) from None
    elif id_number:
        elder = elder_find_by_id_number(id_number)
        if elder is None:
            raise ValidationFailed(
                {"id_number": "未找到该身份证号的老年人档案，请先由社区建档"}
            )
    else:
        raise ValidationFailed({"id_number": "请提供老年人档案编号或身份证号"})
    return admission_create(by=by, elder=elder, bed=bed, admitted_on=admitted_on)


def admission_discharge(
    *, by, admission: Admission, discharged_on: dt.date, reason: str = ""
) -> Admission:
    _ensure_facility_writer(by, admission.bed.facility)
    errors = {}
    if admission.discharged_on is not None:
        errors["discharged_on"] = "该入住记录已退住"
    elif discharged_on < admission.admitted_on:
        errors["discharged_on"] = "退住日期不能早于入住日期"
    elif discharged_on > timezone.localdate():
        errors["discharged_on"] = "退住日期不能在未来"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(admission)
    admission.discharged_on, admission.discharge_reason = discharged_on, reason
    with transaction.atomic():
        admission.save()
        if admission.elder.status == Status.ACTIVE:
            elder_set_care_setting(by=by, elder=admission.elder, care_setting="home")
        audit_update(
            by=by, obj=admission, before=before, summary=f"{admission.elder.name} 退住"
        )
    return admission


def staff_hire(
    *,
    by,
    name: str,
    id_number: str,
    role: str,
    hired_on: dt.date,
    facility: Facility | None = None,
    provider: Provider | None = None,
    phone: str = "",
    skill_level: str = "",
) -> Staff:
    """入职登记 with 入职查询: a person on the ban list (从业禁止) is refused with the reason."""
    if facility is not None:
        _ensure_facility_writer(by, facility)
    elif not permissions.may_hire_provider_staff(by):
        raise ValidationFailed({"__all__": "您的角色没有登记从业人员的权限"})
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "姓名不能为空"
    if role not in StaffRole.values:
        errors["role"] = "岗位不在可选范围内"
    if skill_level and skill_level not in CarerLevel.values:
        errors["skill_level"] = "技能等级不在可选范围内"
    if (facility is None) == (provider is None):
        errors["facility"] = "请选择所在机构或所在服务商（二选一）"
    if hired_on > timezone.localdate() + dt.timedelta(days=90):
        errors["hired_on"] = "入职日期不能晚于三个月以后"
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        errors["id_number"] = exc.reason
        parsed = None
    clean_phone = ""
    if phone:
        try:
            clean_phone = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if parsed is not None:
        id_hash = pii.lookup_hash(parsed.value)
        ban = ban_active_for(id_hash, hired_on)
        if ban is not None:
            until = f"至{ban.end_date:%Y年%m月%d日}" if ban.end_date else "终身"
            errors["id_number"] = (
                f"该人员在从业禁止名单中（{ban.reason}；{ban.source}；{until}），不得录用"
            )
        elif Staff.objects.filter(
            id_number_hash=id_hash,
            left_on__isnull=True,
            facility=facility,
            provider=provider,
        ).exists():
            errors["id_number"] = "该人员已在本单位在职"
    if errors:
        raise ValidationFailed(errors)
    staff = Staff(
        name=name.strip(),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        role=role,
        skill_level=skill_level,
        facility=facility,
        provider=provider,
        hired_on=hired_on,
    )
    staff.id_number_enc, staff.id_number_hash = pii.protect(parsed.value)
    staff.phone_enc, _ = pii.protect(clean_phone)
    with transaction.atomic():
        staff.save()
        audit_create(by=by, obj=staff, summary=f"{staff.employer} 录用 {staff.name}")
    return staff


def staff_update(*, by, staff: Staff, **values: Any) -> Staff:
    """Correct a staff record: name, phone, role, carer skill level."""
    if staff.facility is not None:
        _ensure_facility_writer(by, staff.facility)
    errors: dict[str, str] = {
        k: "该字段不能在此修改"
        for k in set(values) - {"name", "phone", "role", "skill_level"}
    }
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "姓名不能为空"
    if "role" in values and values["role"] not in StaffRole.values:
        errors["role"] = "岗位不在可选范围内"
    if values.get("skill_level") and values["skill_level"] not in CarerLevel.values:
        errors["skill_level"] = "技能等级不在可选范围内"
    phone = ""
    if values.get("phone"):
        try:
            phone = normalize_phone(values["phone"])
        except ValueError as exc:
            errors["phone"] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(staff)
    for key in ("name", "role", "skill_level"):
        if key in values:
            setattr(staff, key, str(values[key]).strip())
    if "phone" in values:
        staff.phone_enc, _ = pii.protect(phone)
    with transaction.atomic():
        staff.save()
        audit_update(
            by=by, obj=staff, before=before, summary=f"修改从业人员 {staff.name}"
        )
    return staff


def staff_leave(*, by, staff: Staff, left_on: dt.date) -> Staff:
    if staff.facility is not None:
        _ensure_facility_writer(by, staff.facility)
    if left_on < staff.hired_on:
        raise ValidationFailed({"left_on": "离职日期不能早于入职日期"})
    before = snapshot(staff)
    staff.left_on = left_on
    with transaction.atomic():
        staff.save()
        audit_update(by=by, obj=staff, before=before, summary=f"{staff.name} 离职")
    return staff


def training_add(
    *,
    by,
    staff: Staff,
    kind: str,
    title: str,
    completed_on: dt.date,
    certificate_no: str = "",
) -> Training:
    if staff.facility is not None:
        _ensure_facility_writer(by, staff.facility)
    errors = {}
    if kind not in Training.Kind.values:
        errors["kind"] = "培训类别不在可选范围内"
    if not title.strip():
        errors["title"] = "名称不能为空"
    if completed_on > timezone.localdate():
        errors["completed_on"] = "完成日期不能在未来"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        item = Training.objects.create(
            staff=staff,
            kind=kind,
            title=title.strip(),
            completed_on=completed_on,
            certificate_no=certificate_no,
        )
        audit_create(by=by, obj=item, summary=f"{staff.name} {item.get_kind_display()}")
    return item


def ban_add(
    *,
    by,
    name: str,
    id_number: str,
    reason: str,
    source: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Ban:
    """Put a person on the 从业禁止 list (民政部门 only)."""
    if not permissions.may_keep_ban_list(by):
        raise ValidationFailed({"__all__": "只有民政部门可维护从业禁止名单"})
    errors = {}
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        errors["id_number"] = exc.reason
        parsed = None
    for key, value in (("name", name), ("reason", reason), ("source", source)):
        if not value.strip():
            errors[key] = "不能为空"
    if end_date and end_date <= start_date:
        errors["end_date"] = "终止日期应晚于起始日期"
    if errors:
        raise ValidationFailed(errors)
    ban = Ban(
        name=name.strip(),
        reason=reason.strip(),
        source=source.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    ban.id_number_enc, ban.id_number_hash = pii.protect(parsed.value)
    with transaction.atomic():
        ban.save()
        audit(by=by, action="create", obj=ban, summary=f"从业禁止 {ban.name}")
    return ban
