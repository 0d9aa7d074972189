"""Providers' service areas and carers, carers' qualifications, prices, and family links (家属关联
with the older person's or the community's consent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.facilities.models import Provider, Staff, StaffRole
from yanglao.homecare.catalogue import item_fields
from yanglao.homecare.models import (
    Carer,
    FamilyLink,
    Price,
    ProviderArea,
    ProviderTerms,
    ServiceItem,
)
from yanglao.homecare.selectors import (
    provider_of,
)
from yanglao.homecare.services.shared import _is_staff_for, _refuse
from yanglao.regions.models import Region

# --- providers, carers, family --------------------------------------------------------------------


def _ensure_manager(by) -> None:
    if not permissions.may_manage_services(by):
        _refuse("__all__", "只有民政部门工作人员可以维护服务商、服务目录和服务额度")


def provider_area_set(*, by, provider: Provider, regions: list[Region]) -> None:
    """服务区域: replace the regions a provider serves."""
    _ensure_manager(by)
    outside = [r.name for r in regions if not region_path_allowed(by, r.path)]
    if outside:
        _refuse("regions", f"不在您的管辖范围内：{'、'.join(outside)}")
    with transaction.atomic():
        ProviderArea.objects.filter(provider=provider).delete()
        ProviderArea.objects.bulk_create(
            [ProviderArea(provider=provider, region=r) for r in regions]
        )
        audit(
            by=by,
            action="update",
            obj=provider,
            summary=f"服务区域：{'、'.join(r.name for r in regions)}",
        )


def provider_terms_set(*, by, provider: Provider, **values: Any) -> ProviderTerms:
    _ensure_manager(by)
    start, end = values.get("contract_start"), values.get("contract_end")
    if start and end and end < start:
        _refuse("contract_end", "协议截止日期早于起始日期")
    terms, _ = ProviderTerms.objects.get_or_create(provider=provider)
    for k, v in values.items():
        setattr(terms, k, v)
    terms.save()
    audit(by=by, action="update", obj=provider, summary="资质与购买服务协议")
    return terms


def carer_enrol(
    *,
    by,
    staff: Staff,
    qualifications: list[str] | None = None,
    skills: list[str] | None = None,
    base_lat: float | None = None,
    base_lng: float | None = None,
    work_start: dt.time = dt.time(8),
    work_end: dt.time = dt.time(18),
    workdays: list[int] | None = None,
    daily_capacity: int = 8,
) -> Carer:
    """Make a provider's staff member a carer who can be dispatched (资质、技能、工作时间)."""
    if staff.provider_id is None:
        _refuse("staff", "只有服务商的从业人员可以登记为上门服务人员")
    mine = provider_of(by)
    if not (
        permissions.may_manage_services(by) or (mine and mine.pk == staff.provider_id)
    ):
        raise NotInScope(staff.pk)
    quals = set(qualifications or [])
    if staff.role == StaffRole.CARER:
        quals.add("carer")
        if staff.skill_level and staff.skill_level <= "4":
            quals.add("carer_l4")
    if staff.role == StaffRole.NURSE:
        quals.add("nurse")
    if staff.role == StaffRole.DOCTOR:
        quals.add("doctor")
    bad = [d for d in (workdays or []) if d not in range(1, 8)]
    if bad:
        _refuse("workdays", "工作日应为 1（周一）到 7（周日）")
    if work_end <= work_start:
        _refuse("work_end", "下班时间应晚于上班时间")
    carer, _ = Carer.objects.update_or_create(
        staff=staff,
        defaults=dict(
            provider_id=staff.provider_id,
            qualifications=sorted(quals),
            skills=skills or [],
            base_lat=base_lat,
            base_lng=base_lng,
            work_start=work_start,
            work_end=work_end,
            workdays=workdays or [1, 2, 3, 4, 5],
            daily_capacity=daily_capacity,
            active=True,
        ),
    )
    audit(by=by, action="update", obj=carer, summary=f"登记上门服务人员 {staff.name}")
    return carer


def family_link(*, by, user, elder: Elder, relation: str, consent: str) -> FamilyLink:
    """家属关联, made by the community after checking with the older person (or in their name)."""
    if not _is_staff_for(by, elder.residence_region):
        raise NotInScope(elder.pk)
    if not permissions.acts_for_linked_elders(user):
        _refuse("user", "只能关联家属或老年人本人的账户")
    if consent not in FamilyLink.Consent.values:
        _refuse("consent", "请选择老年人本人同意或社区核实同意")
    if not relation.strip():
        _refuse("relation", "请填写与老人的关系")
    if FamilyLink.objects.filter(
        user=user, elder=elder, revoked_at__isnull=True
    ).exists():
        _refuse("user", "该账户已关联这位老人")
    user.__dict__.pop("_homecare_linked", None)
    link = FamilyLink.objects.create(
        user=user,
        elder=elder,
        relation=relation.strip()[:20],
        consent=consent,
        consent_by=by,
    )
    audit(
        by=by,
        action="create",
        obj=link,
        summary=f"{user} 关联 {elder.name}（{relation}）",
    )
    return link


def family_unlink(*, by, link: FamilyLink) -> None:
    if not (_is_staff_for(by, link.elder.residence_region) or link.user_id == by.pk):
        raise NotInScope(link.pk)
    link.user.__dict__.pop("_homecare_linked", None)
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit(by=by, action="update", obj=link, summary="解除家属关联")


def catalogue_load() -> int:
    """Make sure the starting catalogue (homecare/catalogue.py) is there; adds what is missing,
    changes nothing that exists (the migration loads it; a database flushed by tests does not
    have it). Returns how many items were added."""
    have = set(ServiceItem.objects.values_list("code", flat=True))
    new = [ServiceItem(**f) for f in item_fields() if f["code"] not in have]
    ServiceItem.objects.bulk_create(new)
    return len(new)


def price_set(*, by, provider: Provider, item: ServiceItem, price_fen: int) -> Price:
    mine = provider_of(by)
    if not (permissions.may_manage_services(by) or (mine and mine.pk == provider.pk)):
        raise NotInScope(provider.pk)
    if price_fen <= 0:
        _refuse("price", "单价应大于 0")
    price, _ = Price.objects.update_or_create(
        provider=provider, item=item, defaults={"price_fen": price_fen, "active": True}
    )
    audit(
        by=by,
        action="update",
        obj=price,
        summary=f"{item.name} 单价 {price_fen / 100:.2f} 元",
    )
    return price
