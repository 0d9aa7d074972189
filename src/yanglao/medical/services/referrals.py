"""Writes of 双向转诊: sending a referral (or confirming one the alarm centre proposed), the
receiving institution's steps (接收/拒绝 → 预约 → 就诊 → 回转), closing, escalating what is past
its deadline, liaison accounts, and the FHIR R4 Task bundle a health system sends back. Every
step is checked against `referral_flow` and written as a ReferralStep; bad input names the field
and writes nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.accounts.services import user_create
from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.permissions import Role
from yanglao.facilities.selectors import residence_facility
from yanglao.medical import fhir
from yanglao.medical import referral_flow as flow
from yanglao.medical.models import Liaison, MedicalInstitution, Referral, ReferralStep
from yanglao.medical.selectors.referrals import referral_scope_q, referral_targets

S = Referral.Status


def _actor_name(by) -> str:
    if by is None or not getattr(by, "pk", None):
        return "系统"
    return (getattr(by, "full_name", "") or by.username)[:60]


def _step(
    referral: Referral, status: str, by, note: str = "", *, at=None, escalation=False
):
    return ReferralStep.objects.create(
        referral=referral,
        status=status,
        at=at or timezone.now(),
        by=by if getattr(by, "pk", None) else None,
        by_name=_actor_name(by),
        note=(note or "")[:500],
        escalation=escalation,
    )


def _target_problems(elder, facility, institution, outside_reason: str):
    """The institution must be one the person may be referred to; outside the institution's
    contracts only with a reason. Returns (errors, contract)."""
    if institution is None:
        return {"institution": "请选择转入的医疗机构"}, None
    targets = dict(
        (i.pk, c) for i, c in referral_targets(elder=elder, facility=facility)
    )
    if institution.pk not in targets:
        return {"institution": "该医疗机构不在老人所在县（市、区）及上级区域内"}, None
    contract = targets[institution.pk]
    if facility is not None and contract is None and not outside_reason.strip():
        return {
            "outside_contract_reason": f"{facility.name}与{institution.name}没有有效的签约，向非签约机构转诊须说明理由"
        }, None
    return {}, contract


def _send(referral: Referral, by, now: dt.datetime) -> None:
    accept_h, outcome_h = (
        settings.REFERRAL_ACCEPT_HOURS,
        settings.REFERRAL_OUTCOME_HOURS,
    )
    referral.accept_due, referral.outcome_due = flow.deadlines(now, accept_h, outcome_h)
    referral.requested_at, referral.requested_by = (
        now,
        by if getattr(by, "pk", None) else None,
    )
    referral.status = S.REQUESTED


def referral_request(
    *,
    by,
    elder,
    institution: MedicalInstitution | None,
    reason: str,
    origin: str,
    urgency: str = Referral.Urgency.ROUTINE,
    outside_contract_reason: str = "",
    origin_ref: int | None = None,
    at: dt.datetime | None = None,
) -> Referral:
    """发起转诊 for a person the sender may see, to a medical institution of their county (or
    above); from an institution, to a contracted one unless a reason is given. `at`: when a
    referral made on paper is entered afterwards (补录), within the last 30 days; the deadlines
    run from then."""
    if not permissions.may_refer(by):
        raise ValidationFailed({"__all__": "您的角色不能发起转诊"})
    facility = residence_facility(elder.pk)
    errors, contract = _target_problems(
        elder, facility, institution, outside_contract_reason or ""
    )
    if not (reason or "").strip():
        errors["reason"] = "请填写转诊原因"
    if origin not in Referral.Origin.values:
        errors["origin"] = "发起方不在可选范围内"
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = "紧急程度应为普通或加急"
    now = timezone.now()
    if at is not None and not now - dt.timedelta(days=30) <= at <= now:
        errors["at"] = "补录的转诊时间应在最近 30 天内，且不在未来"
    if errors:
        raise ValidationFailed(errors)
    now = at or now
    with transaction.atomic():
        referral = Referral(
            elder=elder,
            region_id=elder.residence_region_id,
            facility=facility,
            institution=institution,
            contract=contract,
            outside_contract_reason=(outside_contract_reason or "").strip()[:200]
            if contract is None
            else "",
            reason=reason.strip()[:300],
            urgency=urgency,
            origin=origin,
            origin_ref=origin_ref,
        )
        _send(referral, by, now)
        referral.save()
        _step(referral, S.REQUESTED, by, referral.reason, at=now)
        audit(
            by=by,
            action="create",
            obj=referral,
            summary=f"转诊 {elder.name} → {institution.name}",
        )
    return referral


def referral_propose_for_alarm(*, alarm_id: int, elder, text: str) -> Referral | None:
    """拟转诊: a fall or an abnormal vital sign proposes a referral to the nearest suitable
    institution; nothing is sent until a person confirms it (referral_confirm). One proposal per
    alarm; None when the person has nowhere to be referred."""
    facility = residence_facility(elder.pk)
    targets = referral_targets(elder=elder, facility=facility)
    if not targets:
        return None
    institution, contract = targets[0]
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                elder=elder,
                region_id=elder.residence_region_id,
                facility=facility,
                institution=institution,
                contract=contract,
                reason=text[:300],
                urgency=Referral.Urgency.URGENT,
                origin=Referral.Origin.ALARM,
                origin_ref=alarm_id,
                status=S.PROPOSED,
            )
            _step(referral, S.PROPOSED, None, f"紧急呼叫中心告警 #{alarm_id}：{text}")
    except IntegrityError:
        return Referral.objects.filter(
            origin=Referral.Origin.ALARM, origin_ref=alarm_id
        ).first()
    return referral


def _locked(by, referral_id: int) -> Referral:
    found = (
        Referral.objects.select_for_update()
        .filter(referral_scope_q(by), pk=referral_id)
        .first()
    )
    if found is None:
        raise NotInScope(referral_id)
    return found


def referral_confirm(
    *,
    by,
    referral_id: int,
    send: bool,
    institution: MedicalInstitution | None = None,
    outside_contract_reason: str = "",
    note: str = "",
) -> Referral:
    """确认 or 不转诊 a proposal: confirming sends it (the deadlines start now), to the proposed
    institution or another the sender chooses; declining closes it with the reason."""
    if not permissions.may_refer(by):
        raise ValidationFailed({"__all__": "您的角色不能确认转诊"})
    with transaction.atomic():
        referral = _locked(by, referral_id)
        if referral.status != S.PROPOSED:
            raise ValidationFailed(
                {
                    "__all__": f"该转诊已是“{referral.get_status_display()}”，不是待确认的拟转诊"
                }
            )
        if not send:
            if not note.strip():
                raise ValidationFailed({"note": "不转诊须说明理由"})
            referral.status, referral.closed_at = S.CLOSED, timezone.now()
            referral.outcome = f"未转诊：{note.strip()}"[:300]
            referral.save()
            _step(referral, S.CLOSED, by, referral.outcome)
            return referral
        target = institution or referral.institution
        errors, contract = _target_problems(
            referral.elder, referral.facility, target, outside_contract_reason
        )
        if errors:
            raise ValidationFailed(errors)
        referral.institution, referral.contract = target, contract
        if contract is None:
            referral.outside_contract_reason = outside_contract_reason.strip()[:200]
        if note.strip():
            referral.reason = f"{referral.reason}；{note.strip()}"[:300]
        _send(referral, by, timezone.now())
        referral.save()
        _step(referral, S.REQUESTED, by, note or "确认转诊")
        audit(by=by, action="update", obj=referral, summary="确认拟转诊并发出")
    return referral


def _side(by, referral: Referral) -> str | None:
    """Which side of the referral the user acts for: the receiver (the institution's liaison,
    or the bureau), the sender (whoever may refer and sees it), or none."""
    if permissions.is_medical_liaison(by):
        return (
            flow.RECEIVER
        )  # scope already limited them to their institution's referrals
    if permissions.may_answer_referrals(by):
        return "either"
    if permissions.may_refer(by):
        return flow.SENDER
    return None


def referral_move(
    *,
    by,
    referral_id: int,
    to: str,
    note: str = "",
    appointment_at: dt.datetime | None = None,
    department: str = "",
    return_to: str = "",
    at: dt.datetime | None = None,
) -> Referral:
    """One step of the referral by the side whose step it is (referral_flow.NEXT). 拒绝 and 关闭
    need a reason, 预约 a time, 回转 a destination and a care note."""
    with transaction.atomic():
        referral = _locked(by, referral_id)
        side = _side(by, referral)
        allowed = flow.NEXT.get(referral.status, {})
        if to not in allowed:
            raise ValidationFailed(
                {
                    "to": f"“{referral.get_status_display()}”的转诊不能改为“{S(to).label if to in S.values else to}”"
                }
            )
        if side is None or (side != "either" and allowed[to] != side):
            who = "医疗机构" if allowed[to] == flow.RECEIVER else "转出方"
            raise ValidationFailed({"__all__": f"这一步应由{who}办理"})
        now = at or timezone.now()
        errors = _step_problems(referral, to, note, appointment_at, return_to, now)
        if errors:
            raise ValidationFailed(errors)
        _apply(referral, to, note, appointment_at, department, return_to, now)
        referral.save()
        _step(referral, to, by, note, at=now)
        audit(
            by=by,
            action="update",
            obj=referral,
            summary=f"转诊 #{referral.pk}：{referral.get_status_display()}",
        )
    return referral


def _step_problems(
    referral, to, note, appointment_at, return_to, now
) -> dict[str, str]:
    errors = {}
    if to in (S.DECLINED, S.CLOSED) and not (note or "").strip():
        errors["note"] = "请填写理由或结果"
    if to == S.SCHEDULED:
        if appointment_at is None:
            errors["appointment_at"] = "请填写预约就诊时间"
        elif appointment_at < now - dt.timedelta(days=1):
            errors["appointment_at"] = "预约时间不能早于今天"
    if now > timezone.now() + dt.timedelta(minutes=5):
        errors["at"] = "办理时间不能在未来"
    elif referral.requested_at and now < referral.requested_at:
        errors["at"] = "办理时间早于转诊申请时间"
    if to == S.RETURNED:
        if return_to not in Referral.ReturnTo.values:
            errors["return_to"] = "请选择回转去向（养老机构或居家）"
        elif return_to == Referral.ReturnTo.FACILITY and referral.facility_id is None:
            errors["return_to"] = "该老人转诊时不在养老机构，应回转居家"
        if not (note or "").strip():
            errors["note"] = "回转须附照护要点（用药、护理、复诊安排）"
    return errors


def _apply(referral, to, note, appointment_at, department, return_to, now) -> None:
    referral.status = to
    note = (note or "").strip()
    if to in (S.ACCEPTED, S.DECLINED) or (
        to == S.CLOSED and referral.accepted_at is None and referral.requested_at
    ):
        referral.accepted_at = referral.accepted_at or now
    if to == S.SCHEDULED:
        referral.appointment_at, referral.department = (
            appointment_at,
            department.strip()[:50],
        )
    if to == S.ATTENDED:
        referral.attended_at = now
    if to == S.RETURNED:
        referral.returned_at, referral.return_to = now, return_to
        referral.care_note = note[:500]
    if to in (S.DECLINED, S.CLOSED, S.RETURNED):
        referral.closed_at = now
        referral.outcome = note[:300]


def referrals_escalate(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """超时督办: every open referral past a deadline gets one escalation step (shown to the
    sender and the area's staff, and counted late); run by the clock with the alarm checks."""
    now = now or timezone.now()
    due = Referral.objects.filter(escalated_at__isnull=True).filter(
        _past_deadline_q(now)
    )[:limit]
    done = 0
    for referral in due:
        if not flow.needs_escalation(
            status=referral.status,
            accept_due=referral.accept_due,
            outcome_due=referral.outcome_due,
            now=now,
        ):
            continue
        what = "未在时限内接收" if referral.status == S.REQUESTED else "未在时限内就诊"
        with transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
            _step(
                referral,
                referral.status,
                None,
                f"超时督办：{referral.institution}{what}",
                at=now,
                escalation=True,
            )
        done += 1
    return done


def _past_deadline_q(now) -> Q:
    return Q(status=S.REQUESTED, accept_due__lt=now) | Q(
        status__in=(S.ACCEPTED, S.SCHEDULED), outcome_due__lt=now
    )


def liaison_create(
    *,
    by,
    institution: MedicalInstitution,
    username: str,
    password: str,
    full_name: str,
    phone: str = "",
) -> Liaison:
    """An account for the institution's 联络员, who then sees only its referrals."""
    if not permissions.may_appoint_liaisons(by):
        raise ValidationFailed({"__all__": "只有系统管理员可以创建联络员账户"})
    if not (full_name or "").strip():
        raise ValidationFailed({"full_name": "请填写联络员姓名"})
    with transaction.atomic():
        user = user_create(
            by=by,
            username=username,
            password=password,
            role=Role.MEDICAL_LIAISON,
            full_name=full_name.strip(),
        )
        link = Liaison.objects.create(
            user=user, institution=institution, phone=(phone or "").strip()[:20]
        )
        audit(
            by=by,
            action="create",
            obj=institution,
            summary=f"设置联络员 {user.username}",
        )
    return link


def referrals_import_fhir(*, by, payload: bytes | str) -> int:
    """A health system's answer as a FHIR R4 Bundle of Tasks (see medical.fhir): every Task is
    checked first — it names one of our referrals the user may answer, and its step may follow
    the referral's state — and then all are applied in one transaction, or none."""
    if not permissions.may_answer_referrals(by):
        raise ValidationFailed(
            {"__all__": "只有医疗机构联络员或民政局可以导入转诊回执"}
        )
    updates = fhir.read_task_bundle(payload)  # raises fhir.FhirProblem with row reasons
    errors: dict[str, str] = {}
    visible = {
        r.pk: r
        for r in Referral.objects.filter(
            referral_scope_q(by), pk__in=[u.referral_id for u in updates]
        )
    }
    for n, u in enumerate(updates, start=1):
        r = visible.get(u.referral_id)
        if r is None:
            errors[f"entry[{n}]"] = f"转诊 #{u.referral_id} 不存在或不属于您的机构"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for n, u in enumerate(updates, start=1):
            current = Referral.objects.get(pk=u.referral_id).status
            path = flow.path_to(current, u.status)
            if path is None:
                raise ValidationFailed(
                    {
                        f"entry[{n}]": f"转诊 #{u.referral_id} 当前为“{S(current).label}”，不能改为“{S(u.status).label}”"
                    }
                )
            for target in path:
                last = target == u.status  # the note belongs to the reported step
                try:
                    referral_move(
                        by=by,
                        referral_id=u.referral_id,
                        to=target,
                        note=u.note if last else "",
                        appointment_at=u.appointment_at,
                        department=u.department,
                        # A Task rarely says where the person went back to: where
                        # they came from (their institution, or home).
                        return_to=u.return_to or _came_from(visible[u.referral_id]),
                        at=u.at,
                    )
                except ValidationFailed as exc:
                    raise ValidationFailed(
                        {
                            f"entry[{n}]": f"转诊 #{u.referral_id}："
                            + "；".join(exc.errors.values())
                        }
                    ) from exc
    return len(updates)


def _came_from(referral: Referral) -> str:
    return (
        Referral.ReturnTo.FACILITY if referral.facility_id else Referral.ReturnTo.HOME
    )
