"""居家服务 pages: ordering (large type, for the older person, family or a community worker), the
order with its timeline and the buttons each role may press, dispatch with suggested carers and a
map, the carer's day (phone), supervision of overdue and abnormal orders, settlement, family care
beds, meal service and the figures with charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.charts import PALETTE, Layer, Marker, bar_chart
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.export import export_response
from yanglao.core.pagination import page_of
from yanglao.core.scope import sees_everything
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    list_export,
    list_page,
    querystring_without_page,
    require,
)
from yanglao.elders.selectors import elder_get, person_url
from yanglao.homecare import forms, rules, selectors, services
from yanglao.regions.maps import region_map

NAV = "homecare"


def _staff(user) -> bool:
    return (
        sees_everything(user)
        or permissions.may_place_orders(user)
        or permissions.is_read_only(user)
    )


@login_required
def index(request):
    if permissions.acts_for_linked_elders(request.user):
        return redirect("homecare:family")
    if permissions.is_carer(request.user):
        return redirect("homecare:carer_day")
    return redirect("homecare:orders")


# --- ordering ---------------------------------------------------------------------------------------


@login_required
def family(request):
    """The family member's (or the older person's own) home page: the people they act for and
    their orders."""
    elders = selectors.family_elders(by=request.user)
    page = page_of(selectors.orders(by=request.user), request.GET, per_page=10)
    context = {"nav": NAV, "elders": elders, "page": page, "querystring": ""}
    return render(request, "homecare/family.html", context)


def _order_elders(request):
    """Whom the user may order for on the form: a family member's linked people; for community
    staff the person named by ?elder= (checked against their area)."""
    if permissions.acts_for_linked_elders(request.user):
        return selectors.family_elders(by=request.user)
    pk = request.POST.get("elder") or request.GET.get("elder")
    if (
        not (pk and ascii_digits(str(pk)))
        or not permissions.may_place_orders(request.user)
        and not sees_everything(request.user)
    ):
        return []
    return [elder_get(by=request.user, pk=int(pk))]


@login_required
def order_new(request):
    require(
        permissions.may_place_orders(request.user)
        or permissions.acts_for_linked_elders(request.user)
    )
    try:
        elders = _order_elders(request)
    except NotInScope:
        raise Http404 from None
    if not elders:
        if permissions.acts_for_linked_elders(request.user):
            messages.error(
                request, "您的账户尚未关联老人，请联系老人所在社区办理家属关联"
            )
            return redirect("homecare:family")
        return render(request, "homecare/order_pick.html", {"nav": NAV})
    wanted = request.POST.get("elder") or request.GET.get("elder")
    elder = next((e for e in elders if str(e.pk) == str(wanted)), elders[0])
    offers = selectors.offers_for(elder)
    quotas = selectors.voucher_quotas(elder)
    initial = {
        "elder": elder.pk,
        "day": timezone.localdate() + dt.timedelta(days=1),
        "time": dt.time(9),
        "rest_paid_by": "family" if permissions.is_family(request.user) else "self",
    }
    form = forms.OrderForm(
        request.POST or None,
        elders=elders,
        offers=offers,
        vouchers=[(q["programme"], q["label"]) for q in quotas if q["usable"]],
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider, item = selectors.offer_get(
            *(int(x) for x in data["offer"].split(":"))
        )
        try:
            order = services.order_place(
                by=request.user,
                elder=elder,
                provider=provider,
                item=item,
                slot_start=data["slot_start"],
                quantity=data["quantity"],
                note=data["note"],
                rest_paid_by=data["rest_paid_by"],
                voucher=selectors.voucher_get(data["voucher"]),
            )
        except ValidationFailed as exc:
            add_service_errors(
                form, exc, {"slot_start": "day", "provider": "offer", "item": "offer"}
            )
        except NotInScope:
            raise Http404 from None
        else:
            messages.success(
                request,
                f"已下单：{order.item.name}，{timezone.localtime(order.slot_start):%m月%d日 %H:%M}",
            )
            return redirect("homecare:order", order.pk)
    context = {
        "nav": NAV,
        "form": form,
        "elder": elder,
        "elders": elders,
        "offers": offers,
        "quotas": quotas,
    }
    return render(request, "homecare/order_new.html", context)


# --- one order ----------------------------------------------------------------------------------------


def _order_or_404(request, pk):
    try:
        return selectors.order_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None


def _dispatch_map(order, suggestions) -> str:
    """The home and the suggested carers, named with their distance and rank (派单)."""
    if order.lat is None:
        return ""
    home = Layer(
        "老人住址",
        (Marker(order.lat, order.lng, order.elder.name),),
        PALETTE[3],
        shape="home",
    )
    carers = Layer(
        "推荐服务人员（序号 姓名 距离）",
        tuple(
            Marker(s.lat, s.lng, f"{i}. {s.name} {_km(s.distance_m)}")
            for i, s in enumerate(suggestions, 1)
            if s.lat is not None
        ),
        PALETTE[0],
        unit="人",
    )
    return region_map([home, carers], title="派单地图", width=560, height=380)


def _km(metres: int | None) -> str:
    if metres is None:
        return ""
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres} m"


@login_required
def order_detail(request, pk: int):
    order = _order_or_404(request, pk)
    actors = services.actors_for(request.user, order)
    steps = rules.steps_open_to(order.state, actors)
    suggestions, carers, map_svg = [], [], ""
    if "dispatch" in steps:
        suggestions = selectors.suggestions(by=request.user, order=order)
        carers = selectors.carers(by=request.user, provider=order.provider)
        map_svg = _dispatch_map(order, suggestions)
    context = {
        "nav": NAV,
        "order": order,
        "steps": steps,
        "step_names": {k: rules.STEPS[k].name for k in steps},
        "events": selectors.order_events(order),
        "suggestions": suggestions,
        "carers": carers,
        "map_svg": map_svg,
        "rating": getattr(order, "rating", None) if order.state == "rated" else None,
        "is_placer": rules.Actor.PLACER in actors,
        "tolerance": settings.HOMECARE_CHECKIN_TOLERANCE_M,
        "state_name": rules.STATE_NAMES[rules.OrderState(order.state)],
        "person_url": person_url(by=request.user, elder_id=order.elder_id),
    }
    return render(request, "homecare/order.html", context)


@login_required
@require_POST
def order_step(request, pk: int, step: str):
    if step not in rules.STEPS:
        raise Http404
    form = forms.StepForm(request.POST)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    if "carer" in data:
        # The service looks the carer up among the order's provider's carers.
        data["carer_id"] = data.pop("carer")
    done = request.POST.getlist("done_items")
    if done:
        data["done_items"] = [d for d in done if d.strip()]
    if request.FILES.get("photo"):
        data["photo"] = request.FILES["photo"]
    version = data.pop("version", None)
    try:
        services.order_step(
            by=request.user, order_id=pk, step=step, version=version, **data
        )
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"已{rules.STEPS[step].name}")
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith("/homecare/") else reverse("homecare:order", args=[pk])
    )


@login_required
def order_photo(request, pk: int):
    """The service record's photo, to those who may see the order."""
    order = _order_or_404(request, pk)
    try:
        photo = services.order_photo_open(by=request.user, order=order)
    except NotInScope:
        raise Http404 from None
    return FileResponse(photo, filename=order.photo.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def complaint(request, pk: int):
    order = _order_or_404(request, pk)
    form = forms.ComplaintForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed({"text": "请填写投诉内容"})
        services.complaint_file(
            by=request.user, order=order, text=form.cleaned_data["text"]
        )
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "投诉已提交，社区将跟进处理")
    return redirect("homecare:order", pk)


# --- lists ----------------------------------------------------------------------------------------------


@login_required
def orders(request):
    form = forms.OrderFilterForm(request.GET or None)
    limit = settings.HOMECARE_UNACCEPTED_PROVIDER_MINUTES
    late = selectors.unaccepted(
        by=request.user, older_than=dt.timedelta(minutes=limit)
    ).count()
    return list_page(
        request,
        form,
        make_filter=selectors.OrderFilter,
        select=selectors.orders,
        template="homecare/orders.html",
        nav=NAV,
        extra=lambda _rows: {"late_new": late, "late_hours": round(limit / 60, 1)},
    )


ORDER_HEADER = [
    "工单号",
    "预约时间",
    "老年人",
    "社区/村",
    "服务项目",
    "服务商",
    "服务人员",
    "状态",
    "金额（元）",
    "服务券（元）",
    "异常",
]


@login_required
def orders_export(request, fmt: str):
    form = forms.OrderFilterForm(request.GET or None)

    def rows(filters):
        for o in selectors.orders(by=request.user, filters=filters).iterator(
            chunk_size=2000
        ):
            yield [
                o.pk,
                timezone.localtime(o.slot_start).strftime("%Y-%m-%d %H:%M"),
                o.elder.name,
                o.region.name,
                o.item.name,
                o.provider.name,
                o.carer.staff.name if o.carer else "",
                o.get_state_display(),
                o.amount_fen / 100,
                o.voucher_fen / 100,
                "；".join(o.problems),
            ]

    return list_export(
        request,
        fmt,
        form,
        make_filter=selectors.OrderFilter,
        rows=rows,
        name="服务工单",
        header=ORDER_HEADER,
        what="服务工单",
    )


@login_required
@require_POST
def order_call(request, pk: int):
    """拨打 from the carer's list: the number once, as a tel: link (audited)."""
    try:
        order = selectors.order_get(by=request.user, pk=pk)
        callee, result = services.order_call(by=request.user, order=order)
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        flash_errors(request, exc)
        return redirect("homecare:carer_day")
    context = {"nav": NAV, "order": order, "callee": callee, "result": result}
    return render(request, "homecare/call.html", context)


@login_required
def carer_day(request):
    day = timezone.localdate()
    if request.GET.get("day"):
        try:
            day = dt.date.fromisoformat(request.GET["day"])
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
    todo = selectors.carer_day(by=request.user, day=day)
    steps = {
        o.pk: [
            (k, rules.STEPS[k].name)
            for k in rules.steps_open_to(o.state, {rules.Actor.CARER})
            if k in ("take", "arrive", "start", "complete")
        ]
        for o in todo
    }
    context = {
        "nav": NAV,
        "day": day,
        "orders": todo,
        "steps": steps,
        "prev": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "callable_states": [str(s) for s in rules.UNDER_WAY],
    }
    return render(request, "homecare/carer_day.html", context)


@login_required
def supervision(request):
    """监管: orders nobody checked in to 30 minutes after the slot, orders with problems, and the
    open follow-ups (low ratings, complaints, abnormal orders, disputes)."""
    if not _staff(request.user) and not permissions.acts_for_provider(request.user):
        raise Http404
    late = page_of(
        selectors.overdue(by=request.user), request.GET, param="late", per_page=20
    )
    flagged = page_of(
        selectors.orders(by=request.user, filters=selectors.OrderFilter(problem=True)),
        request.GET,
        param="flagged",
        per_page=20,
    )
    kind = request.GET.get("kind", "")
    open_concerns = page_of(selectors.concerns(by=request.user, kind=kind), request.GET)
    context = {
        "nav": NAV,
        "late": late,
        "flagged": flagged,
        "concerns": open_concerns,
        "kind": kind,
        "querystring": querystring_without_page(request.GET),
        "close_form": forms.CloseForm(),
    }
    return render(request, "homecare/supervision.html", context)


@login_required
@require_POST
def concern_close(request, pk: int):
    try:
        concern = selectors.concern_get(by=request.user, pk=pk)
        services.concern_close(
            by=request.user, concern=concern, note=request.POST.get("note", "")
        )
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "已办结")
    return redirect("homecare:supervision")


# --- settlement -----------------------------------------------------------------------------------------


@login_required
def settlements(request):
    providers = selectors.providers_to_settle(by=request.user)
    if not providers and not _staff(request.user):
        raise Http404
    form = forms.SettlementForm(
        request.POST or None,
        providers=providers,
        initial={"month": timezone.localdate().replace(day=1) - dt.timedelta(days=1)},
    )
    if request.method == "POST" and form.is_valid():
        provider = next(p for p in providers if p.pk == form.cleaned_data["provider"])
        try:
            s = services.settlement_build(
                by=request.user, provider=provider, month=form.cleaned_data["month"]
            )
        except NotInScope:
            raise Http404 from None
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已生成 {provider.name} {s.month:%Y年%m月}结算：{s.orders_count} 单",
            )
            return redirect("homecare:settlement", s.pk)
    page = page_of(selectors.settlements(by=request.user), request.GET)
    return render(
        request,
        "homecare/settlements.html",
        {"nav": NAV, "form": form, "page": page, "querystring": ""},
    )


def _settlement_or_404(request, pk):
    try:
        return selectors.settlement_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None


@login_required
def settlement_detail(request, pk: int):
    s = _settlement_or_404(request, pk)
    page = page_of(
        s.orders.select_related("elder", "item", "carer__staff", "region").order_by(
            "slot_start", "id"
        ),
        request.GET,
    )
    can_approve = (
        sees_everything(request.user) or permissions.may_manage_services(request.user)
    ) and s.status == "draft"
    context = {
        "nav": NAV,
        "s": s,
        "page": page,
        "querystring": "",
        "can_approve": can_approve,
    }
    return render(request, "homecare/settlement.html", context)


@login_required
def settlement_export(request, pk: int):
    s = _settlement_or_404(request, pk)
    return export_response(
        by=request.user, fmt="xlsx", full_pii=False, **selectors.settlement_download(s)
    )


@login_required
@require_POST
def settlement_approve(request, pk: int):
    s = _settlement_or_404(request, pk)
    try:
        services.settlement_approve(by=request.user, settlement=s)
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "结算已审核")
    return redirect("homecare:settlement", pk)


# --- family care beds ---------------------------------------------------------------------------------------


@login_required
def beds(request):
    page = page_of(selectors.care_beds(by=request.user), request.GET)
    week_form = forms.WeekForm(
        initial={"week": timezone.localdate() + dt.timedelta(days=7)}
    )
    context = {
        "nav": NAV,
        "page": page,
        "querystring": "",
        "week_form": week_form,
        "can_sign": _staff(request.user) and not permissions.is_read_only(request.user),
    }
    return render(request, "homecare/beds.html", context)


@login_required
def bed_new(request):
    if not (
        sees_everything(request.user) or permissions.may_place_orders(request.user)
    ):
        raise Http404
    facilities = selectors.bed_facilities(by=request.user)
    providers = selectors.providers_serving_area(by=request.user)
    form = forms.BedForm(
        request.POST or None,
        facilities=facilities,
        providers=providers,
        initial={
            "signed_on": timezone.localdate(),
            "elder_id": request.GET.get("elder"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            elder = elder_get(by=request.user, pk=d["elder_id"])
            bed = services.care_bed_sign(
                by=request.user,
                elder=elder,
                facility=facilities.get(pk=d["facility"]),
                provider=providers.get(pk=d["provider"]),
                signed_on=d["signed_on"],
                modifications=d["modifications"],
            )
        except NotInScope:
            form.add_error("elder_id", "没有这个档案号，或该老人不在您的管辖范围内")
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"elder": "elder_id"})
        else:
            messages.success(
                request, f"{elder.name} 已签约家庭养老床位，请添加照护计划"
            )
            return redirect("homecare:bed", bed.pk)
    return render(request, "homecare/bed_new.html", {"nav": NAV, "form": form})


@login_required
def bed_detail(request, pk: int):
    try:
        bed = selectors.care_bed_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    items = selectors.provider_items(bed.provider)
    may_plan = permissions.may_keep_care_plans(request.user)
    if request.method == "POST":
        require(may_plan)
    form = None
    if may_plan:
        form = forms.PlanLineForm(
            request.POST or None,
            items=items,
            initial={"at": dt.time(9), "quantity": 1},
        )
    if form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.care_plan_add(
                by=request.user,
                bed=bed,
                item=next(i for i, _fen in items if i.pk == d["item"]),
                weekdays=d["weekdays"],
                at=d["at"],
                quantity=d["quantity"],
            )
        except NotInScope:
            raise Http404 from None
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已添加到照护计划")
            return redirect("homecare:bed", pk)
    today = timezone.localdate()
    since, until = _period(request, first=today.replace(day=1))
    report = selectors.bed_report(bed, since, until)
    chart = (
        bar_chart(
            [(f"{r['plan'].item.name}（计划）", r["planned"]) for r in report]
            + [(f"{r['plan'].item.name}（已完成）", r["delivered"]) for r in report],
            title="照护计划与实际完成",
            unit="次",
        )
        if report
        else ""
    )
    context = {
        "nav": NAV,
        "bed": bed,
        "form": form,
        "report": report,
        "since": since,
        "until": until,
        "chart": chart,
        "weekday_names": dict(forms.WEEKDAYS),
    }
    return render(request, "homecare/bed.html", context)


@login_required
@require_POST
def plans_generate(request):
    if not (
        sees_everything(request.user) or permissions.may_place_orders(request.user)
    ):
        raise Http404
    form = forms.WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择日期")
        return redirect("homecare:beds")
    result = services.plans_generate(week=form.cleaned_data["week"], by=request.user)
    messages.success(
        request,
        f"已生成 {result['made']} 张工单（已有 {result['existing']} 张，未能生成 {result['refused']} 张）",
    )
    for problem in result["problems"][:10]:
        messages.warning(request, problem)
    return redirect("homecare:beds")


# --- meals ------------------------------------------------------------------------------------------------------


def _period(request, first: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The ?since=&until= of a figures page; by default the last 30 days (or from `first`)."""
    today = timezone.localdate()
    form = forms.PeriodForm(request.GET or None)
    if (
        form.is_valid()
        and form.cleaned_data.get("since")
        and form.cleaned_data.get("until")
    ):
        return form.cleaned_data["since"], form.cleaned_data["until"]
    since = first or today - dt.timedelta(days=29)
    if form.errors:  # say so, rather than quietly showing another period
        reasons = "；".join(
            f"{form.fields[f].label}：{e}"
            for f, errs in form.errors.items()
            for e in errs
        )
        messages.error(
            request,
            f"日期有误（{reasons}），以下显示 {since:%Y-%m-%d} 至 {today:%Y-%m-%d}",
        )
    return since, today


@login_required
def meals(request):
    since, until = _period(request)
    counts = selectors.meal_counts(by=request.user, since=since, until=until)
    context = {
        "nav": NAV,
        "since": since,
        "until": until,
        "counts": counts,
        "canteens": selectors.canteens(by=request.user)[:200],
        "canteen_chart": bar_chart(
            [(r["canteen__name"], r["n"]) for r in counts["per_canteen"][:15]],
            title="各助餐点用餐人次",
            unit="人次",
        ),
        "region_chart": bar_chart(
            counts["per_region"][:15], title="各地区用餐人次", unit="人次"
        ),
    }
    return render(request, "homecare/meals.html", context)


@login_required
def canteen(request, pk: int):
    try:
        place = selectors.canteen_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    today = timezone.localdate()
    menu = selectors.menu_of(place, today)
    menu_form = forms.MenuForm(
        request.POST if "dishes" in request.POST else None,
        initial={
            "day": today,
            "dishes": menu.dishes if menu else "",
            "price": Decimal(menu.price_fen) / 100 if menu else None,
        },
    )
    meal_form = forms.MealForm(request.POST if "elder_id" in request.POST else None)
    if request.method == "POST":
        try:
            if menu_form.is_bound and menu_form.is_valid():
                d = menu_form.cleaned_data
                services.menu_set(
                    by=request.user,
                    canteen=place,
                    day=d["day"],
                    dishes=d["dishes"],
                    price_fen=int(d["price"] * 100),
                )
                messages.success(request, "菜单已保存")
                return redirect("homecare:canteen", pk)
            if meal_form.is_bound and meal_form.is_valid():
                d = meal_form.cleaned_data
                try:
                    elder = selectors.canteen_diner(
                        by=request.user, canteen=place, pk=d["elder_id"]
                    )
                except NotInScope:
                    raise ValidationFailed(
                        {
                            "elder_id": "没有这个档案号，或该老人不在本助餐点所在县（区）的在册老人中"
                        }
                        if permissions.acts_for_facility(request.user)
                        else {"elder_id": "没有这个档案号，或该老人不在您的管辖范围内"}
                    ) from None
                meal = services.meal_serve(
                    by=request.user,
                    canteen=place,
                    elder=elder,
                    day=today,
                    kind=d["kind"],
                    mode=d["mode"],
                )
                messages.success(
                    request,
                    f"{elder.name}：标准价 {meal.price_fen / 100:.2f} 元，补贴 "
                    f"{meal.subsidy_fen / 100:.2f} 元，个人支付 {meal.paid_fen / 100:.2f} 元",
                )
                return redirect("homecare:canteen", pk)
        except NotInScope:
            raise Http404 from None
        except ValidationFailed as exc:
            add_service_errors(
                meal_form if meal_form.is_bound else menu_form,
                exc,
                {"elder": "elder_id"},
            )
    served = page_of(
        selectors.meals(by=request.user, canteen=place, day=today), request.GET
    )
    context = {
        "nav": NAV,
        "place": place,
        "menu": menu,
        "menu_form": menu_form,
        "meal_form": meal_form,
        "page": served,
        "querystring": "",
        "today": today,
    }
    return render(request, "homecare/canteen.html", context)


# --- figures ----------------------------------------------------------------------------------------------------


@login_required
def figures(request):
    if not _staff(request.user) and not permissions.acts_for_provider(request.user):
        raise Http404
    since, until = _period(request)
    f = selectors.figures(by=request.user, since=since, until=until)
    charts = {
        "region_orders": bar_chart(
            [(n, r["n"]) for n, r in f["by_region"]], title="各地区完成工单", unit="单"
        ),
        "region_hours": bar_chart(
            [(n, round(r["minutes"] / 60, 1)) for n, r in f["by_region"]],
            title="各地区服务时长",
            unit="小时",
        ),
        "provider_orders": bar_chart(
            [(r["provider__name"], r["n"]) for r in f["by_provider"]],
            title="各服务商完成工单",
            unit="单",
        ),
        "provider_rating": bar_chart(
            [
                (r["provider__name"], round(r["rating"], 2))
                for r in f["by_provider"]
                if r["rating"] is not None
            ],
            title="各服务商平均评分",
            unit="星",
        ),
        "states": bar_chart(
            [
                (rules.STATE_NAMES[rules.OrderState(k)], v)
                for k, v in f["states"].items()
            ],
            title="工单状态",
            unit="单",
        ),
    }
    context = {"nav": NAV, "f": f, "charts": charts, "since": since, "until": until}
    return render(request, "homecare/figures.html", context)


# --- family links ------------------------------------------------------------------------------------------


@login_required
def family_links(request):
    """家属关联: the community links a family member's account to an older person, after checking
    with the person (or in their name), and can end the link."""
    if not (
        sees_everything(request.user) or permissions.may_place_orders(request.user)
    ):
        raise Http404
    form = forms.FamilyLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = selectors.account_by_username(d["username"])
            if user is None:
                raise ValidationFailed(
                    {"username": "没有这个账户（家属账户由系统管理员开通）"}
                )
            elder = elder_get(by=request.user, pk=d["elder_id"])
            services.family_link(
                by=request.user,
                user=user,
                elder=elder,
                relation=d["relation"],
                consent=d["consent"],
            )
        except NotInScope:
            form.add_error("elder_id", "没有这个档案号，或该老人不在您的管辖范围内")
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"user": "username", "elder": "elder_id"})
        else:
            messages.success(request, f"已将 {user} 关联到 {elder.name}")
            return redirect("homecare:family_links")
    q = request.GET.get("q", "").strip()
    page = page_of(selectors.family_links(by=request.user, q=q), request.GET)
    context = {
        "nav": NAV,
        "form": form,
        "page": page,
        "q": q,
        "querystring": querystring_without_page(request.GET),
    }
    return render(request, "homecare/family_links.html", context)


@login_required
@require_POST
def family_unlink(request, pk: int):
    link = selectors.family_links(by=request.user).filter(pk=pk).first()
    if link is None:
        raise Http404
    services.family_unlink(by=request.user, link=link)
    messages.success(request, "已解除关联")
    return redirect("homecare:family_links")
