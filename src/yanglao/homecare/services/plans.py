"""Recurring plans and 家庭养老床位: signing a family care bed with its care plan, and the weekly
orders the plans make."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yanglao.assessments.selectors import ability_level_on
from yanglao.core.audit import audit
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.elders.models import Elder
from yanglao.facilities.models import Facility, FacilityType, Provider
from yanglao.homecare import rules
from yanglao.homecare.models import (
    CareBed,
    Order,
    RecurringPlan,
    ServiceItem,
    VoucherProgramme,
)
from yanglao.homecare.selectors import (
    price_of,
    provider_of,
    provider_serves,
)
from yanglao.homecare.services.orders import _placer_channel, order_place
from yanglao.homecare.services.shared import _is_staff_for, _refuse
from yanglao.regions.selectors import in_scope_q

# --- recurring plans and family care beds --------------------------------------------------------------


def plan_create(
    *,
    by,
    elder: Elder,
    provider: Provider,
    item: ServiceItem,
    weekdays: list[int],
    at: dt.time,
    start: dt.date,
    end: dt.date | None = None,
    quantity: int = 1,
    bed: CareBed | None = None,
    voucher: VoucherProgramme | None = None,
) -> RecurringPlan:
    """周期服务 (e.g. 每周二上午助浴)."""
    if bed is None:
        _placer_channel(by, elder)
    errors = {}
    if not weekdays or any(d not in range(1, 8) for d in weekdays):
        errors["weekdays"] = "请选择每周的服务日（周一到周日）"
    if end is not None and end < start:
        errors["end"] = "截止日期早于起始日期"
    if not provider_serves(provider, elder.residence_region):
        errors["provider"] = (
            f"{provider.name} 的服务区域不包括 {elder.residence_region.name}"
        )
    if price_of(provider.pk, item.pk) is None:
        errors["item"] = f"{provider.name} 未提供“{item.name}”服务"
    if errors:
        raise ValidationFailed(errors)
    plan = RecurringPlan.objects.create(
        elder=elder,
        provider=provider,
        item=item,
        weekdays=sorted(set(weekdays)),
        at=at,
        quantity=quantity,
        start=start,
        end=end,
        bed=bed,
        placed_by=by,
        voucher=voucher,
    )
    audit(
        by=by, action="create", obj=plan, summary=f"{elder.name} 周期服务 {item.name}"
    )
    return plan


def plans_generate(
    *, week: dt.date, by=None, progress=lambda m: None
) -> dict[str, int]:
    """Orders of every active plan for the week beginning `week` (a Monday). Run again, it adds
    only what is missing; an occurrence the plan cannot serve (quota used up, provider no longer
    serving the area) is counted and reported, the rest still made."""
    week = rules.week_start(week)
    made = existing = refused = 0
    problems: list[str] = []
    plans = RecurringPlan.objects.filter(
        active=True, start__lte=week + dt.timedelta(days=6)
    )
    if by is not None:  # a community or street makes its own area's orders
        plans = plans.filter(in_scope_q(by, "elder__residence_region"))
    plans = plans.select_related(
        "elder", "elder__residence_region", "provider", "item", "voucher", "placed_by"
    )
    tz = timezone.get_current_timezone()
    for plan in plans:
        if plan.end is not None and plan.end < week:
            continue
        for when in rules.occurrences(
            plan.weekdays, plan.at, plan.start, plan.end, week
        ):
            slot = when.replace(tzinfo=tz)
            if Order.objects.filter(plan=plan, slot_start=slot).exists():
                existing += 1
                continue
            try:
                order_place(
                    by=plan.placed_by,
                    elder=plan.elder,
                    provider=plan.provider,
                    item=plan.item,
                    slot_start=slot,
                    quantity=plan.quantity,
                    voucher=plan.voucher,
                    plan=plan,
                )
                made += 1
            except ValidationFailed as exc:
                refused += 1
                problems.append(
                    f"{plan.elder.name} {when:%m-%d}：{'；'.join(exc.errors.values())}"
                )
        progress(f"{plan.pk}")
    counts = {"made": made, "existing": existing, "refused": refused}
    audit(
        by=by,
        action="event",
        object_type="homecare.plans",
        summary=f"{week:%Y-%m-%d} 周工单：{counts} {'；'.join(problems[:5])}",
    )
    return {**counts, "problems": problems}


def care_bed_sign(
    *,
    by,
    elder: Elder,
    facility: Facility,
    provider: Provider,
    signed_on: dt.date,
    modifications: list[str] | None = None,
) -> CareBed:
    """家庭养老床位签约: the person must have an ability assessment at level ≥ 1 (轻度失能 or more)."""
    if not _is_staff_for(by, elder.residence_region):
        raise NotInScope(elder.pk)
    level = ability_level_on(elder.pk, signed_on)
    if level is None or level.level < 1:
        _refuse(
            "elder",
            f"{elder.name} 没有能力等级为轻度失能及以上的有效评估，不能签约家庭养老床位",
        )
    if CareBed.objects.filter(elder=elder, ended_on__isnull=True).exists():
        _refuse("elder", f"{elder.name} 已签约家庭养老床位")
    if facility.type not in (
        set(FacilityType.values) - {FacilityType.CANTEEN, FacilityType.CHILDCARE}
    ):
        _refuse("facility", "签约机构应为养老机构或养老服务中心")
    bed = CareBed.objects.create(
        elder=elder,
        facility=facility,
        provider=provider,
        ability_level=level.level,
        signed_on=signed_on,
        modifications=modifications or [],
        signed_by=by,
    )
    audit(
        by=by,
        action="create",
        obj=bed,
        summary=f"{elder.name} 签约家庭养老床位（{facility.name}）",
    )
    return bed


def care_plan_add(
    *,
    by,
    bed: CareBed,
    item: ServiceItem,
    weekdays: list[int],
    at: dt.time,
    quantity: int = 1,
) -> RecurringPlan:
    """One line of the bed's care plan (visits per week by service item)."""
    if (
        not _is_staff_for(by, bed.elder.residence_region)
        and (provider_of(by) or Provider()).pk != bed.provider_id
    ):
        raise NotInScope(bed.pk)
    return plan_create(
        by=by,
        elder=bed.elder,
        provider=bed.provider,
        item=item,
        weekdays=weekdays,
        at=at,
        start=max(bed.signed_on, timezone.localdate()),
        quantity=quantity,
        bed=bed,
    )
