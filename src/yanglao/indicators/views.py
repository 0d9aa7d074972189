"""Pages: 领导驾驶舱 (every target of a region), one indicator with its child regions and map, the
records behind a gap, 填报 with approval, and the 专栏1 table for superiors."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.charts import PALETTE, Area, bar_chart, marker_map, sparkline
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.export import XLSX, export_response, xlsx_workbook
from yanglao.core.models import AuditEntry
from yanglao.core.pagination import page_of
from yanglao.core.pdf import NoChineseFont
from yanglao.core.views import add_service_errors, require
from yanglao.indicators import selectors, services
from yanglao.indicators.forms import DecideForm, ReportForm, TargetForm
from yanglao.indicators.periods import parse_period
from yanglao.indicators.progress import STATUS_ORDER, Status
from yanglao.indicators.report import render_table_pdf, table_rows
from yanglao.regions.boundaries import outer_rings
from yanglao.regions.selectors import region_for_input

NAV = "indicators"
BASICS = "基本情况"  # the catalogue's counts without targets: cards above the table
STATUS_CLASS = {
    Status.MET: "ok",
    Status.ON_TRACK: "ok",
    Status.SPEED_UP: "warn",
    Status.NO_TREND: "",
    Status.NO_DATA: "",
    Status.SLOW: "bad",
    Status.REGRESSING: "bad",
    Status.OVERDUE: "bad",
}


def _region(request):
    try:
        return selectors.region_of(by=request.user, code=request.GET.get("region", ""))
    except NotInScope:
        raise Http404 from None


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    try:
        year = int(raw) if raw else None
    except ValueError:
        return None
    today = timezone.localdate()
    return year if year and 2000 <= year <= today.year else None


@login_required
def dashboard(request):
    """领导驾驶舱: every indicator of a region with its target, status and trend; ?screen=1 is the
    大屏 for the command room."""
    require(permissions.may_view_indicators(request.user))
    region = _region(request)
    year = _year(request)
    rows = selectors.dashboard(by=request.user, region=region, year=year)
    for row in rows:
        row.spark = sparkline(row.trend, title=f"{row.indicator.name} 近12个月")
        row.css = STATUS_CLASS.get(row.progress.status, "") if row.progress else ""
    key = [r for r in rows if r.indicator.category == BASICS]
    rows = [r for r in rows if r.indicator.category != BASICS]
    with_target = [r for r in rows if r.progress]
    counts = {
        s: sum(1 for r in with_target if r.progress.status == s) for s in STATUS_ORDER
    }
    context = {
        "nav": NAV,
        "region": region,
        "ancestors": _ancestors(request.user, region),
        "children": region.children.order_by("code"),
        "rows": rows,
        "key": key,
        "counts": [(s, n, STATUS_CLASS[s]) for s, n in counts.items() if n],
        "year": year,
        "computed_at": max(
            (r.value.computed_at for r in rows if r.value), default=None
        ),
        "screen": request.GET.get("screen") == "1",
        **_rotation(request, region),
    }
    return render(request, "indicators/dashboard.html", context)


def _rotation(request, region) -> dict:
    """大屏: the wall shows the region it started at, then each of that region's children in
    turn, and starts again."""
    try:
        root = selectors.region_of(by=request.user, code=request.GET.get("from", ""))
    except NotInScope:
        root = region
    if not region.path.startswith(root.path):
        root = region
    ring = [root, *root.children.order_by("code")]
    codes = [r.code for r in ring]
    at = codes.index(region.code) if region.code in codes else 0
    return {"rotate_next": codes[(at + 1) % len(codes)], "rotate_root": root.code}


def _ancestors(by, region):
    """The breadcrumbs from the reader's own region down to this one."""
    own = selectors.region_of(by=by)
    chain, r = [], region
    while r is not None and r.pk != own.pk and r.path.startswith(own.path):
        chain.append(r)
        r = r.parent
    if r is not None and r.pk == own.pk:
        chain.append(r)
    return chain[::-1]


def _indicator(code):
    try:
        return selectors.indicator_get(code)
    except NotInScope:
        raise Http404 from None


def _period(request, indicator) -> str:
    period = request.GET.get("period", "")
    try:
        parse_period(period)
        return period
    except ValueError:
        return selectors.current_period(indicator)


@login_required
def detail(request, indicator: str):
    """One indicator in a region: its definition, targets, value, and each child region worst
    first, as a table, a bar chart and a map coloured by value."""
    require(permissions.may_view_indicators(request.user))
    indicator, region = _indicator(indicator), _region(request)
    period = _period(request, indicator)
    targets = selectors.targets_for(region, indicator)
    target = targets[0] if targets else None
    value = selectors.value_of(
        by=request.user, indicator=indicator, region=region, period=period
    )
    rows = selectors.children(
        by=request.user,
        indicator=indicator,
        region=region,
        period=period,
        target=target,
    )
    shown = [r for r in rows if r.value and r.value.value is not None][:30]
    chart = (
        bar_chart(
            [(r.region.name, round(r.value.value, 1)) for r in shown],
            title=f"{indicator.name}（{indicator.unit}）各下级地区",
        )
        if shown
        else ""
    )
    context = {
        "nav": NAV,
        "indicator": indicator,
        "region": region,
        "ancestors": _ancestors(request.user, region),
        "period": period,
        "value": value,
        "targets": [(t, selectors.judge(t, value, period)) for t in targets],
        "rows": rows,
        "chart": chart,
        "map": _choropleth(indicator, rows, target),
        "has_gap": selectors.has_gap_list(indicator),
        "target_form": TargetForm()
        if permissions.may_keep_targets(request.user)
        else None,
    }
    return render(request, "indicators/detail.html", context)


def _choropleth(indicator, rows, target) -> str:
    """The child regions' outlines coloured by whether each meets the target (or by value)."""
    from yanglao.regions.selectors import boundaries_of

    outlines = boundaries_of([r.region.pk for r in rows])
    if not outlines:
        return ""
    colours = {True: PALETTE[2], False: PALETTE[3], None: "#cfd6dd"}
    areas = []
    for row in rows:
        geometry = outlines.get(row.region.pk)
        if geometry is None:
            continue
        shown = row.value.value if row.value and row.value.value is not None else None
        name = row.region.name + (
            f" {shown:.1f}{indicator.unit}" if shown is not None else " —"
        )
        areas.append(
            Area(
                name,
                tuple(tuple(r) for r in outer_rings(geometry)),
                colours[row.met if shown is not None else None],
            )
        )
    legend = "绿：已达目标 · 红：未达目标 · 灰：无数据" if target else ""
    return marker_map(
        [], title=f"{indicator.name} 分布 {legend}", areas=areas, width=720, height=480
    )


@login_required
def gap(request, indicator: str):
    """The records behind the gap, to act on, with search and export."""
    require(permissions.may_view_indicators(request.user))
    indicator, region = _indicator(indicator), _region(request)
    if not selectors.has_gap_list(indicator):
        raise Http404
    period = _period(request, indicator)
    members = selectors.gap(
        by=request.user, indicator=indicator, region=region, period=period
    )
    q = request.GET.get("q", "").strip()
    if q:
        members = [m for m in members if q in m.label or q in m.detail]
    fmt = request.GET.get("fmt", "")
    if fmt in ("csv", "xlsx"):
        return export_response(
            by=request.user,
            fmt=fmt,
            name=f"{indicator.name}-未达标明细-{region.name}",
            header=["名称", "说明", "所在地区编号"],
            rows=([m.label, m.detail, m.region_id] for m in members),
            what="indicators.gap",
            filters={
                "indicator": indicator.code,
                "region": region.code,
                "period": period,
            },
            full_pii=False,
        )
    context = {
        "nav": NAV,
        "indicator": indicator,
        "region": region,
        "period": period,
        "page": page_of(members, request.GET, per_page=50),
        "q": q,
    }
    return render(request, "indicators/gap.html", context)


@login_required
def table_export(request):
    """专栏1 for superiors: 类别 / 指标 / 目标 / 属性 / 现值 / 状态, for a region."""
    require(permissions.may_view_indicators(request.user))
    region, year = _region(request), _year(request)
    rows = selectors.dashboard(by=request.user, region=region, year=year)
    fmt = request.GET.get("fmt", "xlsx")
    if fmt == "pdf":
        return _table_pdf(request, region, rows, year)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(
        by=request.user,
        fmt=fmt,
        name=f"养老服务主要发展指标-{region.name}",
        header=[
            "类别",
            "指标",
            "单位",
            "目标值",
            "完成期限",
            "属性",
            "统计期",
            "现值",
            "来源",
            "状态",
        ],
        rows=(
            [
                r.indicator.category,
                r.indicator.name,
                r.indicator.unit,
                f"{r.target.direction}{r.target.value:g}" if r.target else "",
                r.target.deadline.year if r.target else "",
                r.target.attribute if r.target else "",
                r.period,
                round(r.value.value, 2)
                if r.value and r.value.value is not None
                else "—",
                r.value.get_source_display() if r.value else "",
                r.progress.status.value if r.progress else "",
            ]
            for r in rows
        ),
        what="indicators.table",
        filters={"region": region.code, "year": year or ""},
        full_pii=False,
    )


def _table_pdf(request, region, rows, year):
    title = f"{region.name}养老服务主要发展指标（{year or '现值'}）"
    try:
        body = render_table_pdf(title=title, rows=table_rows(rows))
    except NoChineseFont as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('indicators:dashboard')}?region={region.code}")
    audit(
        by=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="indicators.table",
        summary=f"导出{title}（pdf，不含个人信息）",
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title)}.pdf"
    return response


@login_required
def reports(request):
    require(permissions.may_report_indicators(request.user))
    state = request.GET.get("state", "")
    context = {
        "nav": NAV,
        "page": page_of(selectors.reports(by=request.user, state=state), request.GET),
        "state": state,
    }
    return render(request, "indicators/reports.html", context)


@login_required
def report_new(request):
    require(permissions.may_report_indicators(request.user))
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        errors: dict[str, str] = {}
        region = region_for_input(
            request.user, form.cleaned_data["region"], "region", errors
        )
        try:
            if errors:
                raise ValidationFailed(errors)
            services.report_submit(
                by=request.user,
                indicator=form.cleaned_data["indicator"],
                region=region,
                period=form.cleaned_data["period"].strip(),
                numerator=form.cleaned_data["numerator"],
                denominator=form.cleaned_data["denominator"],
                evidence=form.cleaned_data["evidence"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已提交填报，待另一位工作人员审核后计入指标。")
            return redirect("indicators:reports")
    return render(request, "indicators/report_new.html", {"nav": NAV, "form": form})


@require_POST
@login_required
def report_decide(request, pk: int):
    require(permissions.may_report_indicators(request.user))
    try:
        report = selectors.report_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        services.report_decide(
            by=request.user,
            report=report,
            approve=request.POST.get("decision") == "approve",
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationFailed as exc:
        for reason in exc.errors.values():
            messages.error(request, reason)
    else:
        messages.success(request, "已审核。")
    return redirect("indicators:reports")


@login_required
def statistics_export(request):
    """All indicators × all regions of the reader's area for a period, one sheet per level."""
    require(permissions.may_view_indicators(request.user))
    region = _region(request)
    period = request.GET.get("period") or str(timezone.localdate().year)
    try:
        parse_period(period)
    except ValueError:
        raise Http404 from None
    tables = selectors.statistics_by_level(
        by=request.user, region=region, period=period
    )
    name = f"养老服务指标统计-{region.name}-{period}"
    audit(
        by=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="indicators.statistics",
        summary=f"导出{name}（xlsx，不含个人信息）",
    )
    return FileResponse(
        xlsx_workbook(selectors.statistics_header(), tables),
        content_type=XLSX,
        as_attachment=True,
        filename=f"{name}.xlsx",
    )


@require_POST
@login_required
def target_new(request, indicator: str):
    """设定规划目标 for the region on the indicator's page."""
    require(permissions.may_keep_targets(request.user))
    indicator, region = _indicator(indicator), _region(request)
    form = TargetForm(request.POST)
    back = f"{request.path.rsplit('targets/', 1)[0]}?region={region.code}"
    if form.is_valid():
        try:
            services.target_create(
                by=request.user, indicator=indicator, region=region, **form.cleaned_data
            )
        except ValidationFailed as exc:
            for field, reason in exc.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{reason}" if label else reason)
        else:
            messages.success(request, f"已为{region.name}设定目标。")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{errors[0]}" if label else errors[0])
    return redirect(back)
