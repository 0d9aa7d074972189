"""Helpers the subsidy writes share: the bureau's own business (民政局), and the look-back."""

from __future__ import annotations

import logging

from django.conf import settings

from yanglao.core import permissions
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.regions.models import Region

log = logging.getLogger(__name__)

ATTACHMENT_TYPES = {b"%PDF": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG": "PNG"}
ATTACHMENT_MAX = 10 * 1024 * 1024


def lookback_months() -> int:
    return getattr(settings, "YANGLAO_BENEFIT_LOOKBACK_MONTHS", 12)


def _require_bureau(by, region: Region) -> None:
    if not permissions.is_bureau(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以办理此项业务"})
    if not region_path_allowed(by, region.path):
        raise NotInScope
