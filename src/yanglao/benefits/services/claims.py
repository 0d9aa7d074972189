"""专项补贴事项 (issue 25 §5): amounts other parts of the platform establish for one event, paid by
the next cycle through the same entitlements, approval, payment files and ledger."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.benefits import selectors
from yanglao.benefits.models import Claim
from yanglao.core.audit import audit_create
from yanglao.core.errors import ValidationFailed
from yanglao.core.money import fen_to_yuan_text


def claim_file(
    *,
    by,
    programme_code: str,
    source: str,
    title: str,
    region,
    amount_fen: int,
    explanation: str,
    quantity: int = 1,
    elder=None,
    facility=None,
    day: dt.date | None = None,
) -> Claim:
    """Record what one event is owed under an item programme (unit 按事项) of `region`. Called by
    the service that established the event, after its own permission and scope checks; refused
    when the programme is not in force there, the amount is not positive, or the event was
    already claimed (`source`)."""
    day = day or timezone.localdate()
    programme, version = selectors.item_programme(programme_code, region, day)
    if amount_fen <= 0:
        raise ValidationFailed({"amount_fen": "补贴金额应大于 0"})
    if elder is None and facility is None:
        raise ValidationFailed({"__all__": "补贴事项须有收款人（老年人或机构）"})
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                programme=programme,
                version=version,
                source=source,
                title=title[:120],
                elder=elder,
                facility=facility,
                region=region,
                month=day.replace(day=1),
                quantity=quantity,
                amount_fen=amount_fen,
                explanation=explanation,
                created_by=by if getattr(by, "pk", None) else None,
            )
    except IntegrityError:
        raise ValidationFailed(
            {"__all__": f"该事项已核定过补贴（{source}），不能重复申报"}
        ) from None
    audit_create(
        by=by,
        obj=claim,
        summary=f"核定{programme.name} {fen_to_yuan_text(amount_fen)}：{title}",
    )
    return claim
