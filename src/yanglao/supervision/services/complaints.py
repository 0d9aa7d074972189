"""投诉举报: the public form, phone intake, routing to the responsible street, deadlines, the answer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.regions.models import Region

# Deadlines: acknowledge within 2 days and answer within 15 (the bureau may set its own).
ACKNOWLEDGE_DAYS = 2
ANSWER_DAYS = 15
# A public form flood: at most this many complaints from one source an hour.
PUBLIC_PER_HOUR = 5
CODE_LETTERS = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
)


def complaint_submit(
    *,
    channel: str,
    subject: str,
    region: Region | None,
    facility=None,
    provider=None,
    subject_name: str = "",
    content: str,
    name: str = "",
    phone: str = "",
    source: str = "",
    by=None,
):
    """A complaint from the public form (`source`: the sender's address, kept only as a keyed
    hash, for the rate limit) or taken by phone by a clerk (`by`). Routed to the street or
    township of the institution or home-care provider complained about (the provider's credit
    record takes it when upheld), else to the region given."""
    import datetime as dt

    from yanglao.core import pii
    from yanglao.core.phone import normalize_phone
    from yanglao.supervision.models import Complaint

    errors: dict[str, str] = {}
    if subject not in Complaint.Subject.values:
        errors["subject"] = "请选择投诉对象类别"
    if facility is not None and provider is not None:
        errors["provider"] = "请只选择一个被投诉的机构或服务商"
    elif facility is not None:
        subject_name = facility.name
        region = _responsible_region(facility.region)
    elif provider is not None:
        subject_name = provider.name
        region = _responsible_region(provider.region)
    if not (subject_name or "").strip():
        errors["subject_name"] = "请写明被投诉的机构、服务商或人员"
    if region is None:
        errors["region"] = "请选择所在地区"
    if len((content or "").strip()) < 10:
        errors["content"] = "请具体说明投诉事项（不少于10个字）"
    phone_enc = ""
    if phone.strip():
        try:
            phone_enc = pii.encrypt(normalize_phone(phone))
        except ValueError as exc:
            errors["phone"] = str(exc)
    source_hash = pii.lookup_hash(source) if source else ""
    now = timezone.now()
    if (
        source_hash
        and Complaint.objects.filter(
            source_hash=source_hash, received_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= PUBLIC_PER_HOUR
    ):
        errors["__all__"] = "提交过于频繁，请一小时后再试，或拨打民政服务热线"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = _complaint_create(
            by=by,
            channel=channel,
            subject=subject,
            facility=facility,
            provider=provider,
            subject_name=subject_name.strip(),
            region=region,
            content=content.strip(),
            name=name.strip(),
            phone_enc=phone_enc,
            source_hash=source_hash,
            handled_by=by,
        )
    return made


def _responsible_region(region: Region) -> Region:
    """The street or township a place belongs to (a community's complaint goes to its street)."""
    while region.level > Region.Level.TOWNSHIP and region.parent_id:
        region = region.parent
    return region


def complaint_acknowledge(*, by, complaint):
    from yanglao.supervision.models import Complaint

    _ensure_handler(by, complaint)
    if complaint.state != Complaint.State.RECEIVED:
        raise ValidationFailed({"__all__": "该投诉已受理"})
    complaint.state, complaint.acknowledged_at = (
        Complaint.State.ACKNOWLEDGED,
        timezone.now(),
    )
    complaint.handled_by = by
    complaint.save(update_fields=["state", "acknowledged_at", "handled_by"])
    audit(by=by, action="event", obj=complaint, summary=f"受理投诉 {complaint.code}")
    return complaint


def complaint_answer(*, by, complaint, answer: str, upheld: bool | None):
    from yanglao.supervision.models import Complaint

    _ensure_handler(by, complaint)
    if complaint.state == Complaint.State.ANSWERED:
        raise ValidationFailed({"__all__": "该投诉已答复"})
    if len((answer or "").strip()) < 5:
        raise ValidationFailed({"answer": "请写明答复内容"})
    if upheld is None:
        raise ValidationFailed({"upheld": "请认定投诉是否属实"})
    now = timezone.now()
    complaint.acknowledged_at = complaint.acknowledged_at or now
    complaint.state, complaint.answered_at = Complaint.State.ANSWERED, now
    complaint.answer, complaint.upheld, complaint.handled_by = (
        answer.strip(),
        upheld,
        by,
    )
    complaint.save()
    if upheld and (complaint.facility_id or complaint.provider_id):
        from yanglao.supervision.services.credit import credit_record

        credit_record(
            facility=complaint.facility,
            provider=complaint.provider,
            kind="complaint_upheld",
            day=timezone.localdate(),
            text=f"投诉属实（{complaint.code}）",
            source=f"complaint:{complaint.pk}",
            by=by,
        )
    audit(by=by, action="event", obj=complaint, summary=f"答复投诉 {complaint.code}")
    return complaint


def complaint_phone(*, by, complaint) -> str:
    """The number the complainant left, for the clerk handling it to call back: shown once,
    audited with the complaint as its purpose (as alarms.services.calls does for an alarm)."""
    from yanglao.core import pii
    from yanglao.core.models import AuditEntry

    _ensure_handler(by, complaint)
    if not complaint.phone_enc:
        raise ValidationFailed({"__all__": "投诉人未留联系电话"})
    audit(
        by=by,
        action=AuditEntry.Action.VIEW_PII,
        obj=complaint,
        summary=f"查看投诉人联系电话（回访投诉 {complaint.code}）",
    )
    return pii.decrypt(complaint.phone_enc)


def _ensure_handler(by, complaint) -> None:
    if not permissions.may_handle_complaints(by):
        raise ValidationFailed({"__all__": "您的角色不能办理投诉"})
    if not region_path_allowed(by, complaint.region.path):
        raise NotInScope(complaint.pk)


def complaint_from_order(
    *, provider_id: int, subject_name: str, region, content: str, source: str, by
):
    """core.complaints sink: a family's complaint about a home-care order joins the list, about
    its provider, routed to the street of the order's community, with the usual deadlines."""
    from yanglao.supervision.models import Complaint

    return _complaint_create(
        by=by,
        channel=Complaint.Channel.ORDER,
        subject=Complaint.Subject.PROVIDER,
        provider_id=provider_id,
        source=source[:40],
        subject_name=subject_name[:100],
        region=_responsible_region(region),
        content=content,
    )


def _complaint_create(*, by, **fields):
    """One complaint with its tracking code and deadlines (acknowledge in 2 days, answer in 15),
    audited — whichever way it came in."""
    import datetime as dt
    import secrets

    from yanglao.supervision.models import Complaint

    now = timezone.now()
    made = Complaint.objects.create(
        code="".join(secrets.choice(CODE_LETTERS) for _ in range(10)),
        received_at=now,
        acknowledge_by=now + dt.timedelta(days=ACKNOWLEDGE_DAYS),
        answer_by=now + dt.timedelta(days=ANSWER_DAYS),
        **fields,
    )
    audit(
        by=by,
        action="create",
        obj=made,
        summary=f"收到投诉 {made.code}（{made.get_channel_display()}"
        + (f"，{made.source}" if made.source else "")
        + "）",
    )
    return made
