"""助餐: menus, meals served and the subsidy by diner category."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.idnumber import age_on
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.elders.selectors import elder_categories_active
from yanglao.facilities.models import Facility, FacilityType
from yanglao.homecare import rules
from yanglao.homecare.models import (
    Meal,
    Menu,
)
from yanglao.homecare.services.shared import _refuse

# --- meals ------------------------------------------------------------------------------------------------


def _ensure_canteen_staff(by, canteen: Facility) -> None:
    if canteen.type != FacilityType.CANTEEN:
        _refuse("canteen", f"{canteen.name} 不是老年助餐点/幸福食堂")
    if by.is_superuser or (
        permissions.may_place_orders(by)
        and region_path_allowed(by, canteen.region.path)
    ):
        return
    if permissions.acts_for_facility(by) and canteen.staff.filter(user=by).exists():
        return
    raise NotInScope(canteen.pk)


def menu_set(
    *, by, canteen: Facility, day: dt.date, dishes: str, price_fen: int
) -> Menu:
    _ensure_canteen_staff(by, canteen)
    if not dishes.strip():
        _refuse("dishes", "请填写菜品")
    if price_fen <= 0:
        _refuse("price", "标准价应大于 0")
    menu, _ = Menu.objects.update_or_create(
        canteen=canteen,
        day=day,
        defaults={"dishes": dishes.strip()[:300], "price_fen": price_fen},
    )
    return menu


def meal_serve(
    *, by, canteen: Facility, elder: Elder, day: dt.date, kind: str, mode: str
) -> Meal:
    """助餐记录: one meal, priced from the day's menu with the subsidy of the person's category
    (settings.HOMECARE_MEAL_SUBSIDY_FEN)."""
    _ensure_canteen_staff(by, canteen)
    errors = {}
    if kind not in Meal.Kind.values:
        errors["kind"] = "餐次应为午餐或晚餐"
    if mode not in Meal.Mode.values:
        errors["mode"] = "方式应为堂食或送餐上门"
    if day > timezone.localdate():
        errors["day"] = "不能登记以后日期的用餐"
    menu = Menu.objects.filter(canteen=canteen, day=day).first()
    if menu is None:
        errors["day"] = f"{day:%Y-%m-%d} 没有菜单，请先录入当日菜单"
    if elder.status != "active":
        errors["elder"] = "该老人不在册"
    if errors:
        raise ValidationFailed(errors)
    held = {c.category for c in elder_categories_active(elder, day)}
    category = rules.meal_category(age_on(elder.birth_date, day), held)
    subsidy = rules.meal_subsidy(
        menu.price_fen, category, settings.HOMECARE_MEAL_SUBSIDY_FEN
    )
    try:
        with transaction.atomic():
            meal = Meal.objects.create(
                canteen=canteen,
                elder=elder,
                region_id=elder.residence_region_id,
                day=day,
                kind=kind,
                mode=mode,
                category=category,
                price_fen=menu.price_fen,
                subsidy_fen=subsidy,
                paid_fen=menu.price_fen - subsidy,
                by=by,
            )
    except IntegrityError:
        _refuse("elder", f"{elder.name} 当天的{Meal.Kind(kind).label}已登记")
    return meal
