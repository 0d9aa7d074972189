"""Rectification to the end: orders past their deadline are escalated once (flagged to the bureau,
and an entry on the institution's credit record); serious findings open an administrative case
(立案), closed with its decision — a penalty goes on the credit record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.selectors import responsible_people
from yanglao.supervision.models import Case, Rectification
from yanglao.supervision.services.credit import credit_record
from yanglao.supervision.services.draws import _ensure_supervisor


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """Rectification orders not closed by their deadline: escalated once each, with a
    `rectification_overdue` entry on the institution's credit record. Run by the clock."""
    today = today or timezone.localdate()
    done = 0
    overdue = Rectification.objects.filter(
        deadline__lt=today, escalated_at__isnull=True
    ).exclude(state=Rectification.State.CLOSED)
    for pk in list(overdue.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            order = (
                Rectification.objects.select_for_update()
                .select_related("facility")
                .get(pk=pk)
            )
            if order.escalated_at or order.state == Rectification.State.CLOSED:
                continue
            order.escalated_at = timezone.now()
            order.save(update_fields=["escalated_at"])
            credit_record(
                facility=order.facility,
                kind="rectification_overdue",
                day=today,
                text=f"逾期未整改：{order.item_code} {order.item_text}"[:300],
                source=f"rectification:{order.pk}",
            )
            audit(
                by=None,
                action="event",
                obj=order,
                summary=f"整改逾期（期限 {order.deadline:%Y-%m-%d}），已上报",
            )
            done += 1
    return done


def case_open(*, by, facility, source: str, summary: str) -> Case:
    _ensure_supervisor(by)
    if not region_path_allowed(by, facility.region.path):
        raise NotInScope(facility.pk)
    if len((summary or "").strip()) < 6:
        raise ValidationFailed({"summary": "请写明案由（违反的规定和事实）"})
    with transaction.atomic():
        today = timezone.localdate()
        count = Case.objects.filter(opened_at__year=today.year).count()
        made = Case.objects.create(
            number=f"民监立〔{today.year}〕{count + 1:04d}号",
            facility=facility,
            source=source[:40],
            summary=summary.strip()[:300],
            opened_by=by,
        )
        audit_create(by=by, obj=made, summary=f"立案 {made.number}")
    return made


def case_close(*, by, case: Case, decision: str, text: str, fine_fen: int = 0) -> Case:
    """结案 with its decision; a penalty writes the credit record (−20, the kind's points)."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, case.facility.region.path):
        raise NotInScope(case.pk)
    errors = {}
    if decision not in Case.Decision.values:
        errors["decision"] = "请选择处理决定"
    if len((text or "").strip()) < 4:
        errors["decision_text"] = "请写明决定内容（文书编号、事实和依据）"
    if fine_fen < 0 or (fine_fen and decision != Case.Decision.PENALTY):
        errors["fine"] = "只有行政处罚可以有罚款，且金额不能为负"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.state == Case.State.CLOSED:
            raise ValidationFailed({"__all__": "该案件已结案"})
        current.state, current.decision = Case.State.CLOSED, decision
        current.decision_text, current.fine_fen = text.strip()[:300], fine_fen
        current.closed_at, current.closed_by = timezone.now(), by
        current.save()
        if decision == Case.Decision.PENALTY:
            text = f"行政处罚（{current.number}）：{current.decision_text}"[:300]
            credit_record(
                facility=current.facility,
                kind="penalty",
                day=timezone.localdate(),
                text=text,
                source=f"case:{current.pk}",
                by=by,
            )
            # ... and on the record of each of its directors (负责人) at the time
            for person in responsible_people(facility=current.facility):
                credit_record(
                    person=person,
                    kind="penalty",
                    day=timezone.localdate(),
                    text=f"{current.facility.name} 负责人：{text}"[:300],
                    source=f"case:{current.pk}",
                    by=by,
                )
        audit(
            by=by,
            action="event",
            obj=current,
            summary=f"结案 {current.number}：{current.get_decision_display()}",
        )
    return current
