"""康复辅具 pages: the lending points of an area with their use, one point's devices (search,
filters, pagination) with overdue loans, a device's page with its history and the step its state
allows (借出, 归还, 清洁消毒检验, 维修, 报废), and the forms to add points and devices."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from yanglao.core import permissions
from yanglao.core.charts import bar_chart
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    form_page,
    found_or_404,
    querystring_without_page,
    require,
    save_form,
)
from yanglao.elders.selectors import find_one_elder
from yanglao.homesupport import forms, selectors, services

NAV = "homesupport"


def _may_see(user) -> bool:
    return permissions.may_view_aid_lending(user) or permissions.may_lend_aids(user)


@login_required
def points(request):
    require(_may_see(request.user))
    rows = list(selectors.point_list(by=request.user))
    return render(
        request,
        "homesupport/points.html",
        {
            "nav": NAV,
            "points": rows,
            "chart": bar_chart(
                [(p.name, p.on_loan / p.total if p.total else 0) for p in rows],
                title="康复辅具利用率（借出 ÷ 在册）",
                unit="%",
            ),
        },
    )


@login_required
def point_new(request):
    require(permissions.may_lend_aids(request.user))
    form = forms.PointForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda d: services.point_create(by=request.user, **d),
        success="已设立借用点",
        next_url=lambda p: reverse("homesupport:point", args=[p.pk]),
    )
    return done or form_page(
        request,
        form,
        heading="设立康复辅具借用点",
        cancel_url=reverse("homesupport:points"),
        nav=NAV,
    )


@login_required
def point(request, pk: int):
    require(_may_see(request.user))
    found = found_or_404(selectors.point_get, by=request.user, pk=pk)
    form = forms.DeviceFilterForm(request.GET or None)
    filters = (
        selectors.DeviceFilter(**form.cleaned_data)
        if form.is_valid()
        else selectors.DeviceFilter()
    )
    page = page_of(selectors.devices_of(found, filters), request.GET)
    waiting_form = forms.WaitingForm(request.POST or None)
    if request.method == "POST":
        require(permissions.may_lend_aids(request.user))
        if waiting_form.is_valid():
            d = waiting_form.cleaned_data
            elder, why = find_one_elder(by=request.user, text=d["elder"])
            try:
                if elder is None:
                    raise ValidationFailed({"elder": why})
                services.waiting_add(
                    by=request.user, point=found, elder=elder, kind=d["kind"]
                )
            except ValidationFailed as exc:
                add_service_errors(waiting_form, exc)
            else:
                messages.success(request, f"已登记{elder.name}候借")
                return redirect("homesupport:point", pk=found.pk)
    return render(
        request,
        "homesupport/point.html",
        {
            "nav": NAV,
            "point": found,
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request.GET),
            "overdue": selectors.overdue_loans(found)[:50],
            "due_soon": selectors.due_soon(found)[:50],
            "waiting": selectors.waiting_of(found),
            "waiting_form": waiting_form,
        },
    )


@login_required
def device_new(request, pk: int):
    require(permissions.may_lend_aids(request.user))
    found = found_or_404(selectors.point_get, by=request.user, pk=pk)
    form = forms.DeviceForm(request.POST or None)

    def add(d):
        fen = int((d.pop("deposit_yuan") or Decimal(0)) * 100)
        return services.device_add(by=request.user, point=found, deposit_fen=fen, **d)

    done = save_form(
        request,
        form,
        add,
        success=lambda dev: f"已入库：{dev}",
        next_url=reverse("homesupport:point", args=[found.pk]),
        aliases={"deposit_fen": "deposit_yuan"},
    )
    return done or form_page(
        request,
        form,
        heading=f"辅具入库：{found.name}",
        cancel_url=reverse("homesupport:point", args=[found.pk]),
        nav=NAV,
    )


@login_required
def device(request, pk: int):
    require(_may_see(request.user))
    found = found_or_404(selectors.device_get, by=request.user, pk=pk)
    lend_form = forms.LendForm(
        request.POST if request.POST.get("do") == "lend" else None
    )
    if request.method == "POST":
        require(permissions.may_lend_aids(request.user))
        done = _post(request, found, lend_form)
        if done:
            return done
    return render(
        request,
        "homesupport/device.html",
        {
            "nav": NAV,
            "device": found,
            "loan": selectors.current_loan(found),
            "log": selectors.device_log(found)[:50],
            "lend_form": lend_form,
        },
    )


def _post(request, found, lend_form):
    action = request.POST.get("do", "")
    try:
        if action == "lend":
            if not lend_form.is_valid():
                return None
            elder, why = find_one_elder(
                by=request.user, text=lend_form.cleaned_data["elder"]
            )
            if elder is None:
                lend_form.add_error("elder", why)
                return None
            services.loan_create(by=request.user, device_id=found.pk, elder=elder)
            messages.success(request, f"已借给{elder.name}")
        elif action == "return":
            services.loan_return(
                by=request.user, device_id=found.pk, note=request.POST.get("note", "")
            )
            messages.success(request, "已归还，待清洁消毒")
        else:
            services.device_step(
                by=request.user,
                device_id=found.pk,
                action=action,
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已登记")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("homesupport:device", pk=found.pk)
