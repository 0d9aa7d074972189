"""Applications (补贴申请): filed by a clerk for the person or family, decided step by step by
separate people (社区受理 → 街道审核 → 县民政审批); approving against the rules takes a reason."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.benefits.models import (
    STEP_NAMES,
    Application,
    Attachment,
    Decision,
    Programme,
)
from yanglao.benefits.selectors import application_get
from yanglao.benefits.services.person_check import _unmet_conditions
from yanglao.benefits.services.shared import (
    ATTACHMENT_MAX,
    ATTACHMENT_TYPES,
    lookback_months,
)
from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.bulk_actions import BulkOutcome, run_each
from yanglao.core.dates import add_months
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder

# --- applications ---------------------------------------------------------------------------------


def application_submit(
    *,
    by,
    programme: Programme,
    elder: Elder,
    applicant_kind: str,
    applicant_name: str,
    reason: str = "",
    from_month: dt.date | None = None,
    files=(),
) -> Application:
    """File an application for the person (by a community worker, for the person or family)."""
    if not permissions.may_write_registry(by):
        raise ValidationFailed({"__all__": "只有社区、街道或民政工作人员可以受理申请"})
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    errors = {}
    if not programme.needs_application:
        errors["programme"] = f"{programme.name}无需申请，符合条件的自动纳入发放"
    if not elder.residence_region.path.startswith(programme.region.path):
        errors["programme"] = f"{programme.name}不在该老年人居住地实施"
    if elder.status != "active":
        errors["elder"] = f"该老年人状态为“{elder.get_status_display()}”，不能申请"
    if applicant_kind not in Application.Applicant.values:
        errors["applicant_kind"] = "请选择申请人"
    if not applicant_name.strip():
        errors["applicant_name"] = "请填写申请人姓名"
    this_month = timezone.localdate().replace(day=1)
    from_month = (from_month or this_month).replace(day=1)
    if from_month > this_month:
        errors["from_month"] = "享受起始月不能晚于本月"
    elif from_month < add_months(this_month, -lookback_months()):
        errors["from_month"] = f"享受起始月最多追溯 {lookback_months()} 个月"
    for i, f in enumerate(files):
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(m) for m in ATTACHMENT_TYPES):
            errors[f"files[{i}]"] = f"{f.name}：附件只能是 PDF、JPEG 或 PNG"
        elif f.size > ATTACHMENT_MAX:
            errors[f"files[{i}]"] = f"{f.name}：附件不能超过 10 MB"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            a = Application.objects.create(
                programme=programme,
                elder=elder,
                applicant_kind=applicant_kind,
                applicant_name=applicant_name.strip(),
                reason=reason.strip(),
                from_month=from_month,
                submitted_by=by,
            )
            for f in files:
                Attachment.objects.create(application=a, file=f, name=f.name[:120])
    except IntegrityError as exc:
        raise ValidationFailed(
            {"programme": f"{elder.name}已有在办或已批准的{programme.name}申请"}
        ) from exc
    audit_create(by=by, obj=a, summary=f"受理 {elder.name} 的{programme.name}申请")
    return a


@transaction.atomic
def application_decide(
    *, by, application: Application, approved: bool, note: str = ""
) -> Application:
    """Decide the current step. Each step by its own role; one person decides at most one step of
    an application and never one they filed. Approving the last step enrols the person from the
    month applied for (months already paid are made up by back-pay in the next cycle)."""
    a = (
        Application.objects.select_for_update()
        .select_related("programme", "elder__residence_region")
        .get(pk=application.pk)
    )
    if not region_path_allowed(by, a.elder.residence_region.path):
        raise NotInScope
    steps = a.programme.steps
    if a.status != Application.Status.PENDING:
        raise ValidationFailed(
            {"__all__": f"申请已{a.get_status_display()}，不能再审批"}
        )
    role = steps[a.step]
    if a.submitted_by_id == by.pk:
        raise ValidationFailed({"__all__": "不能审批自己受理的申请"})
    if a.decisions.filter(by=by).exists():
        raise ValidationFailed(
            {"__all__": "您已审批过此申请的上一环节，本环节须由其他人审批"}
        )
    if not permissions.decides_step(by, role):
        raise ValidationFailed(
            {"__all__": f"“{STEP_NAMES[role]}”须由{_role_name(role)}办理"}
        )
    if not approved and not note.strip():
        raise ValidationFailed({"note": "不同意时请填写理由"})
    unmet = _unmet_conditions(by, a) if approved else []
    if unmet and not note.strip():
        raise ValidationFailed(
            {
                "note": f"按本月信息该老人不符合条件（✗ {'；✗ '.join(unmet)}）；如仍同意，请填写理由"[
                    :300
                ]
            }
        )
    Decision.objects.create(
        application=a,
        step=a.step,
        role=role,
        approved=approved,
        note=note.strip(),
        against_rules=bool(unmet),
        unmet="；".join(unmet)[:300],
        by=by,
    )
    if not approved:
        a.status = Application.Status.REJECTED
        a.decided_at = timezone.now()
    elif a.step + 1 >= len(steps):
        a.status = Application.Status.APPROVED
        a.decided_at = timezone.now()
    else:
        a.step += 1
    a.save(update_fields=["status", "step", "decided_at"])
    audit(
        by=by,
        action="update",
        obj=a,
        summary=f"{STEP_NAMES[role]}：{'同意' if approved else '不同意'} {note}"[:300],
    )
    return a


def _role_name(role: str) -> str:
    return permissions.ROLE_NAMES.get(permissions.Role(role), role)


def application_end(
    *, by, application: Application, ended_month: dt.date, reason: str
) -> Application:
    """Stop an approved entitlement from `ended_month` (the person asked, or no longer qualifies)."""
    if not region_path_allowed(by, application.elder.residence_region.path):
        raise NotInScope
    if application.status != Application.Status.APPROVED:
        raise ValidationFailed({"__all__": "只有已批准的申请可以终止享受"})
    if not reason.strip():
        raise ValidationFailed({"reason": "请填写终止原因"})
    application.status = Application.Status.ENDED
    application.ended_month = ended_month.replace(day=1)
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "ended_month", "decided_at"])
    audit(by=by, action="update", obj=application, summary=f"终止享受：{reason}"[:300])
    return application


def applications_decide_many(
    *, by, application_ids: list[int], approved: bool, note: str = ""
) -> BulkOutcome:
    """批量审批: each application decided as one would be (application_decide): its step, its
    rules (an application against this month's rules still needs a reason), its people."""
    numbers: dict[int, str] = {}

    def decide(pk: int) -> None:
        application = application_get(by=by, pk=pk)
        numbers[pk] = f"{application.number} {application.elder.name}"
        application_decide(by=by, application=application, approved=approved, note=note)

    return run_each(application_ids, decide, lambda pk: numbers.get(pk, f"编号 {pk}"))
