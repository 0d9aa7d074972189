"""探访关爱 pages: a visitor's monthly list (phone first), the visit record, the community's
follow-up inbox, overdue lists and the rates table with its chart."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.bulk_actions import chosen_ids
from yanglao.core.charts import PALETTE, Layer, Marker, bar_chart
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    list_export,
    querystring_without_page,
    report_bulk,
    require,
)
from yanglao.regions.maps import region_map
from yanglao.regions.models import Region
from yanglao.visits import selectors, services
from yanglao.visits.forms import CloseForm, RatesForm, VisitForm
from yanglao.visits.rules import RATE_DEFINITION

NAV = "visits"


def _month():
    return timezone.localdate().replace(day=1)


@login_required
def my_list(request):
    month = _month()
    entries = selectors.my_list(by=request.user, month=month)
    done = sum(1 for e in entries if e.done)
    context = {"nav": NAV, "month": month, "entries": entries, "done": done}
    return render(request, "visits/my_list.html", context)


@login_required
def record(request, pk: int):
    entry = selectors.entry_get(by=request.user, pk=pk)
    require(permissions.may_record_visits(request.user))
    initial = {"kind": "home", "client_id": uuid.uuid4().hex}
    form = VisitForm(request.POST or None, request.FILES or None, initial=initial)
    wants_json = (
        request.headers.get("Accept") == "application/json"
    )  # the page's own script
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["photo"] = data.get("photo") or None
        try:
            services.visit_record(
                by=request.user, entry=entry, visited_at=timezone.now(), **data
            )
        except ValidationFailed as exc:
            if wants_json:
                return JsonResponse({"errors": exc.errors}, status=422)
            # Location and submission id are hidden fields: their reasons go on top of the form.
            add_service_errors(form, exc, {"lat": "__all__", "client_id": "__all__"})
        else:
            messages.success(request, f"已记录对 {entry.elder.name} 的探访")
            if wants_json:
                return JsonResponse({"ok": True, "next": reverse("visits:mine")})
            return redirect("visits:mine")
    elif request.method == "POST" and wants_json:
        errors = {k: "；".join(v) for k, v in form.errors.items()}
        return JsonResponse({"errors": errors}, status=422)
    context = {
        "nav": NAV,
        "entry": entry,
        "form": form,
        "last": selectors.last_visit(entry),
    }
    return render(request, "visits/record.html", context)


@login_required
def follow_ups(request):
    status = request.GET.get("status", "open")
    page = page_of(selectors.follow_ups(by=request.user, status=status), request.GET)
    context = {
        "nav": NAV,
        "page": page,
        "status": status,
        "form": CloseForm(),
        "querystring": f"status={status}&",
    }
    return render(request, "visits/follow_ups.html", context)


@login_required
@require_POST
def follow_up_close(request, pk: int):
    item = selectors.follow_up_get(by=request.user, pk=pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_close(
                by=request.user, follow_up=item, note=form.cleaned_data["note"]
            )
            messages.success(request, "已办结")
        except ValidationFailed as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, "请填写办理情况")
    return redirect("visits:follow_ups")


@login_required
def rates(request):
    initial = {"month": _month(), "level": Region.Level.TOWNSHIP}
    form = RatesForm(request.GET or None, initial=initial)
    month, level = form.month_and_level(timezone.localdate())
    rows = selectors.rates(by=request.user, month=month, level=level)
    chart = bar_chart(
        [(r.region.name, r.rate or 0) for r in rows if r.rostered][:40],
        title=f"{month:%Y年%m月} 月探访率",
        unit="%",
    )
    applying = (
        services.region_rules()(request.user.region_id)
        if request.user.region_id
        else None
    )
    context = {
        "nav": NAV,
        "form": form,
        "page": page_of(rows, request.GET, per_page=50),
        "querystring": querystring_without_page(request.GET),
        "month": month,
        "chart": chart,
        "definition": RATE_DEFINITION,
        "level": level,
        "rules": [r.describe() for r in (applying or services.rules.DEFAULT_RULES)],
        "workload": page_of(
            list(selectors.workload(by=request.user, month=month)),
            request.GET,
            param="workers",
            per_page=50,
        ),
    }
    return render(request, "visits/rates.html", context)


@login_required
def overdue(request):
    people = selectors.overdue(by=request.user, month=_month())
    page = page_of(people, request.GET)
    points = selectors.unvisited_points(by=request.user, month=_month())
    title = "本月尚未完成探访的老年人分布（按住址坐标）"
    unvisited = Layer(
        "尚未探访",
        tuple(Marker(lat, lng) for lat, lng in points),
        PALETTE[3],
        unit="人",
    )
    chart = region_map([unvisited], title=title)
    return render(
        request,
        "visits/overdue.html",
        {"nav": NAV, "page": page, "querystring": "", "map": chart},
    )


@login_required
@require_POST
def roster_build(request):
    if not permissions.may_build_visit_roster(request.user):
        messages.error(request, "只有民政局工作人员可以生成探访名单")
    else:
        counts = services.roster_build(month=_month(), by=request.user)
        messages.success(
            request,
            f"本月探访名单已更新：共 {counts['rostered']:,} 人，新增 {counts['added']:,}，移出 {counts['removed']:,}，"
            f"未分配探访人 {counts['unassigned']:,}",
        )
    return redirect(reverse("visits:rates"))


RATES_HEADER = [
    "区域",
    "区划代码",
    "名单人数",
    "已完成",
    "月探访率",
    "农村失能老人",
    "已帮扶",
    "帮扶率",
    "未分配探访人",
]


def _share(n: int, d: int) -> str:
    return f"{n / d:.1%}" if d else ""


@login_required
def rates_export(request, fmt: str):
    form = RatesForm(request.GET or None)

    def rows(_filters):
        month, level = form.month_and_level(timezone.localdate())
        for r in selectors.rates(by=request.user, month=month, level=level):
            yield [
                r.region.name,
                r.region.code,
                r.rostered,
                r.visited,
                _share(r.visited, r.rostered),
                r.rural_disabled,
                r.rural_disabled_visited,
                _share(r.rural_disabled_visited, r.rural_disabled),
                r.unassigned,
            ]

    return list_export(
        request,
        fmt,
        form,
        make_filter=dict,
        rows=rows,
        name="月探访率",
        header=RATES_HEADER,
        what="visits.rates",
    )


@login_required
def plan(request):
    """本月探访安排: who visits whom, editable by the community (or the street/bureau)."""
    only_unassigned = request.GET.get("unassigned") == "1"
    entries = selectors.plan_entries(
        by=request.user, month=_month(), unassigned=only_unassigned
    )
    page = page_of(entries, request.GET)
    visitors = selectors.visitors_for(by=request.user)
    for e in page.items:
        e.choices = [v for v in visitors if e.region.path.startswith(v.region.path)]
    context = {
        "nav": NAV,
        "page": page,
        "visitors": visitors,
        "unassigned": only_unassigned,
        "querystring": "unassigned=1&" if only_unassigned else "",
    }
    return render(request, "visits/plan.html", context)


@login_required
@require_POST
def plan_assign(request):
    """选中的老人改由一位探访人探访; the summary names every entry not changed and why."""
    require(permissions.may_write_registry(request.user))
    wanted = request.POST.get("visitor", "")
    visitor = next(
        (v for v in selectors.visitors_for(by=request.user) if str(v.pk) == wanted),
        None,
    )
    if visitor is None:
        messages.error(request, "探访人：请选择本社区/村的工作人员")
    else:
        outcome = services.entries_assign_many(
            by=request.user,
            entry_ids=chosen_ids(request.POST.getlist("entry")),
            visitor=visitor,
        )
        report_bulk(request, outcome, f"已改由 {visitor} 探访")
    return redirect(reverse("visits:plan") + "?" + request.POST.get("back", ""))


@login_required
@require_POST
def entry_assign(request, pk: int):
    entry = selectors.entry_get(by=request.user, pk=pk)
    visitor = next(
        (
            v
            for v in selectors.visitors_for(by=request.user)
            if str(v.pk) == request.POST.get("visitor")
        ),
        None,
    )
    if visitor is None:
        messages.error(request, "请选择负责该社区/村的探访人")
    else:
        try:
            services.entry_assign(by=request.user, entry=entry, visitor=visitor)
            messages.success(request, f"{entry.elder.name} 的探访人已改为 {visitor}")
        except ValidationFailed as exc:
            flash_errors(request, exc)
    return redirect(request.POST.get("next") or "visits:plan")


@login_required
def photo(request, pk: int):
    """A visit's photo, only for those who may see the visit's roster entry."""
    visit = selectors.visit_get(by=request.user, pk=pk)
    if not visit.photo:
        raise Http404
    return FileResponse(
        visit.photo.open("rb")
    )  # the type from the name: .jpg, .png, .webp
