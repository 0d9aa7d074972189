"""应急预案与演练: an institution keeps a plan for each of the four kinds of event and records its
drills (with the emergency supplies checked); the bureau sees which institutions lack a plan or
have not drilled this year. The institution's 机构管理员 records its own; the bureau may too."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.core.audit import audit_create
from yanglao.core.errors import ValidationFailed
from yanglao.supervision.models import Drill, EmergencyKind, EmergencyPlan
from yanglao.supervision.services.draws import ensure_institution_or_bureau


def _ensure_keeper(by, facility) -> None:
    ensure_institution_or_bureau(by, facility, "应急预案和演练由机构登记")


def _day(value, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value or ""))
        except ValueError:
            errors[field] = "请填写日期（YYYY-MM-DD）"
            return None
    if day > timezone.localdate():
        errors[field] = "日期不能晚于今天"
    return day


def plan_record(*, by, facility, kind: str, title: str, approved_on) -> EmergencyPlan:
    _ensure_keeper(by, facility)
    errors: dict[str, str] = {}
    if kind not in EmergencyKind.values:
        errors["kind"] = "请选择事件类型"
    if len((title or "").strip()) < 4:
        errors["title"] = "请填写预案名称"
    day = _day(approved_on, "approved_on", errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = EmergencyPlan.objects.create(
            facility=facility,
            kind=kind,
            title=title.strip()[:100],
            approved_on=day,
            recorded_by=by,
        )
        audit_create(by=by, obj=made, summary=f"登记应急预案 {made.title}")
    return made


def drill_record(
    *,
    by,
    facility,
    kind: str,
    held_on,
    staff: int,
    residents: int = 0,
    findings: str = "",
    supplies_ok: bool = True,
    supplies_note: str = "",
) -> Drill:
    _ensure_keeper(by, facility)
    errors: dict[str, str] = {}
    if kind not in EmergencyKind.values:
        errors["kind"] = "请选择事件类型"
    day = _day(held_on, "held_on", errors)
    if not isinstance(staff, int) or not 1 <= staff <= 5000:
        errors["staff"] = "参加员工人数应在 1 到 5000 之间"
    if not isinstance(residents, int) or not 0 <= residents <= 5000:
        errors["residents"] = "参加老人人数应在 0 到 5000 之间"
    if not supplies_ok and len((supplies_note or "").strip()) < 2:
        errors["supplies_note"] = "物资不齐全时请写明缺项"
    if (
        kind in EmergencyKind.values
        and not EmergencyPlan.objects.filter(facility=facility, kind=kind).exists()
    ):
        errors["kind"] = "该类事件尚未登记应急预案，请先登记预案"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = Drill.objects.create(
            facility=facility,
            kind=kind,
            held_on=day,
            staff=staff,
            residents=residents,
            findings=(findings or "").strip()[:300],
            supplies_ok=supplies_ok,
            supplies_note=(supplies_note or "").strip()[:200],
            recorded_by=by,
        )
        audit_create(by=by, obj=made, summary=f"登记应急演练 {made}")
    return made
