"""Service quotas (服务额度) per person and item, kept by the bureau."""

from __future__ import annotations

import datetime as dt

from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.homecare.models import (
    VoucherGrant,
    VoucherProgramme,
)
from yanglao.homecare.selectors import (
    month_of,
)
from yanglao.homecare.services.providers import _ensure_manager
from yanglao.homecare.services.shared import _refuse

# --- quotas -------------------------------------------------------------------------------------------


def voucher_grant(
    *,
    by,
    programme: VoucherProgramme,
    elder: Elder,
    monthly_fen: int = 0,
    monthly_minutes: int = 0,
    start: dt.date,
    end: dt.date | None = None,
) -> VoucherGrant:
    """核定服务额度 for one person."""
    _ensure_manager(by)
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope(elder.pk)
    if programme.kind == VoucherProgramme.Kind.AMOUNT and monthly_fen <= 0:
        _refuse("monthly_fen", "按金额的项目须填写每月金额")
    if programme.kind == VoucherProgramme.Kind.HOURS and monthly_minutes <= 0:
        _refuse("monthly_minutes", "按时长的项目须填写每月时长")
    grant = VoucherGrant.objects.create(
        programme=programme,
        elder=elder,
        monthly_fen=monthly_fen,
        monthly_minutes=monthly_minutes,
        start=month_of(start),
        end=end,
    )
    audit(
        by=by, action="create", obj=grant, summary=f"{elder.name} {programme.name} 额度"
    )
    return grant
