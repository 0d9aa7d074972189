"""Calling from the alarm card: the operator handling an alarm dials the older person or a family
contact (issue 21 §2). The full number reaches only that operator (or the shift lead), once per
call, with an audit entry naming the alarm as the purpose; the call is logged as an action."""

from __future__ import annotations

from django.db import transaction

from yanglao.alarms.models import Action, Alarm, AlarmStatus
from yanglao.alarms.services.lifecycle import _locked, _require_handler, alarm_act
from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.calling import Call, CallResult, place_call
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.core.scope import sees_everything
from yanglao.elders.selectors import elder_contact_get


def _may_call(by, alarm: Alarm) -> bool:
    """The operator who took the alarm (or anyone, if nobody has yet: calling takes it), the
    shift lead and the administrator."""
    return (
        alarm.status == AlarmStatus.NEW
        or alarm.acknowledged_by_id == by.pk
        or permissions.may_supervise_alarms(by)
        or sees_everything(by)
    )


def _callee(alarm: Alarm, contact_id: int | None) -> tuple[str, str, str]:
    """Who is called — the person (None) or one of their contacts, or for an institution's
    detector the institution's duty line — as (label, number, action)."""
    if alarm.facility_id:
        facility = alarm.facility
        return f"{facility.name}（值班电话）", facility.duty_phone, Action.CALL_FACILITY
    elder = alarm.elder
    if contact_id is None:
        return f"{elder.name}（本人）", elder.phone, Action.CALL_ELDER
    try:
        contact = elder_contact_get(elder=elder, pk=contact_id)
    except NotInScope:
        raise ValidationFailed({"contact": "该联系人不属于此老人"}) from None
    return f"{contact.name}（{contact.relation}）", contact.phone, Action.CALL_FAMILY


@transaction.atomic
def alarm_call(
    *, by, alarm_id: int, contact_id: int | None = None
) -> tuple[Alarm, str, CallResult]:
    """拨打 the person (contact_id None) or one of their contacts. Returns the alarm, who is called
    ("王明（儿子）") and the backend's answer (a tel: link to dial, or a call it connected)."""
    _require_handler(by)
    alarm = _locked(by, alarm_id)
    if not alarm.is_open:
        raise ValidationFailed({"status": "告警已办结"})
    if not _may_call(by, alarm):
        raise ValidationFailed(
            {"__all__": f"该告警由 {alarm.acknowledged_by} 处置；如需接手请联系值班长"}
        )
    label, number, action = _callee(alarm, contact_id)
    if not number:
        raise ValidationFailed({"contact": f"{label}没有登记电话"})
    alarm = alarm_act(by=by, alarm_id=alarm.pk, action=action, note=f"拨打 {label}")
    audit(
        by=by,
        action=AuditEntry.Action.VIEW_PII,
        obj=alarm,
        summary=f"拨打 {label} 的电话（用途：报警 #{alarm.pk} {alarm.get_kind_display()}）",
    )
    result = place_call(
        Call(caller=by, callee_name=label, number=number, purpose=f"报警 #{alarm.pk}")
    )
    return alarm, label, result


CALL_OUTCOMES = ("已接通", "无人接听", "占线/拒接", "号码有误")


@transaction.atomic
def alarm_call_outcome(
    *, by, alarm_id: int, contact_id: int | None, outcome: str
) -> Alarm:
    """The call's result in one tap, logged on the alarm under who was called (read again from
    the record, not from the page)."""
    if outcome not in CALL_OUTCOMES:
        raise ValidationFailed({"outcome": "请选择通话结果"})
    label, _number, action = _callee(_locked(by, alarm_id), contact_id)
    return alarm_act(
        by=by, alarm_id=alarm_id, action=action, note=f"{label}：{outcome}"
    )
