"""A carer calls the person of an order they are assigned to, while the order is under way (issue
21 §2): through the same call backend as the alarm card (core.calling), audited with the order as
the purpose. Before it is taken and after it is done the number is not theirs to see."""

from __future__ import annotations

from yanglao.core.audit import audit
from yanglao.core.calling import Call, CallResult, place_call
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.elders.selectors import elder_contacts
from yanglao.homecare import rules
from yanglao.homecare.models import Order
from yanglao.homecare.services.shared import actors_for


def order_call(*, by, order: Order) -> tuple[str, CallResult]:
    """拨打: the person's own phone, else their first emergency contact's."""
    if rules.Actor.CARER not in actors_for(by, order):
        raise NotInScope(order.pk)
    if order.state not in rules.UNDER_WAY:
        raise ValidationFailed(
            {"__all__": "只有派给您、尚未完成的工单可以拨打老人电话"}
        )
    elder = order.elder
    label, number = f"{elder.name}（本人）", elder.phone
    if not number:
        contact = next((c for c in elder_contacts(elder) if c.phone), None)
        if contact is None:
            raise ValidationFailed({"__all__": f"{elder.name}及其家属都没有登记电话"})
        label, number = (
            f"{contact.name}（{elder.name}的{contact.relation}）",
            contact.phone,
        )
    audit(
        by=by,
        action=AuditEntry.Action.VIEW_PII,
        obj=order,
        summary=f"拨打 {label} 的电话（用途：工单 #{order.pk} {order.item.name}）",
    )
    return label, place_call(
        Call(caller=by, callee_name=label, number=number, purpose=f"工单 #{order.pk}")
    )
