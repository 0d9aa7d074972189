"""Pages of the assessment workflow. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.assessments import imports, report, selectors, services
from yanglao.assessments.forms import (
    ApplyForm,
    AssessmentFilterForm,
    AssignForm,
    DueFilterForm,
    HistoricalForm,
    ImportForm,
    WithdrawForm,
)
from yanglao.assessments.instrument import (
    COMA,
    COMMON_DIAGNOSES,
    GBT_42195_2022,
    HEALTH_ITEMS,
    RISK_EVENTS,
)
from yanglao.assessments.models import Status
from yanglao.assessments.scoring import missing_items
from yanglao.core import permissions
from yanglao.core.bulk_actions import chosen_ids
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    form_page,
    list_export,
    list_page,
    querystring_without_page,
    report_bulk,
    require,
    save_form,
)
from yanglao.elders.selectors import elder_get
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_choices

NAV = "assessments"


def _detail_url(a) -> str:
    return reverse("assessments:detail", args=[a.pk])


@login_required
def assessment_list(request):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    form = AssessmentFilterForm(request.GET or None, regions=regions)
    return list_page(
        request,
        form,
        make_filter=selectors.AssessmentFilter,
        select=selectors.assessment_list,
        template="assessments/list.html",
        nav=NAV,
    )


@login_required
def export(request, fmt: str):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    return list_export(
        request,
        fmt,
        AssessmentFilterForm(request.GET or None, regions=regions),
        make_filter=selectors.AssessmentFilter,
        rows=lambda f: selectors.assessment_export_rows(by=request.user, filters=f),
        name="能力评估名单",
        header=selectors.EXPORT_HEADER,
        what="assessments.assessment",
    )


@login_required
def apply(request, elder_pk: int):
    elder = elder_get(by=request.user, pk=elder_pk)
    require(permissions.may_apply_assessment(request.user))
    form = ApplyForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda data: services.assessment_apply(by=request.user, elder=elder, **data),
        success="评估申请已受理",
        next_url=_detail_url,
    )
    return done or form_page(
        request,
        form,
        heading=f"申请能力评估：{elder.name}",
        cancel_url=reverse("elders:detail", args=[elder.pk]),
        nav=NAV,
        intro="按 GB/T 42195-2022 进行老年人能力评估。复评须在评估结果作出后规定期限内申请，"
        "并由未参加原评估的评估员进行。",
    )


@login_required
def detail(request, pk: int):
    a = selectors.assessment_get(by=request.user, pk=pk)
    team = selectors.assessment_team(a)
    me = next((m for m in team if m.assessor.user_id == request.user.pk), None)
    context = {
        "nav": NAV,
        "a": a,
        "team": team,
        "me": me,
        "domains": report.domain_rows(a),
        "missing": len(missing_items(a.answers)) if a.is_open else 0,
    }
    return render(request, "assessments/detail.html", context)


@login_required
def assign(request, pk: int):
    a = selectors.assessment_get(by=request.user, pk=pk)
    require(permissions.may_manage_assessments(request.user))
    agencies = list(selectors.agencies_for(by=request.user, elder=a.elder))
    assessors = [x for ag in agencies for x in selectors.agency_assessors(ag)]
    initial = {}
    if a.agency_id:
        initial = {
            "agency": str(a.agency_id),
            "assessors": [str(m.assessor_id) for m in a.team.all()],
            "place": a.place,
        }
    form = AssignForm(
        request.POST or None, agencies=agencies, assessors=assessors, initial=initial
    )
    by_pk = {str(ag.pk): ag for ag in agencies}
    done = save_form(
        request,
        form,
        lambda d: services.assessment_assign(
            by=request.user,
            assessment=a,
            agency=by_pk[d["agency"]],
            assessor_ids=[int(i) for i in d["assessors"]],
            place=d["place"],
        ),
        success="已分派评估小组",
        next_url=_detail_url,
    )
    return done or form_page(
        request,
        form,
        heading=f"分派评估：{a.elder.name}",
        cancel_url=_detail_url(a),
        nav=NAV,
        intro=""
        if agencies
        else "没有服务区域覆盖该老人的评估机构，请先在后台登记评估机构和评估员。",
    )


@login_required
def fill(request, pk: int):
    """The on-site form: item by item with the option texts, on a tablet or a phone. Every answer
    is saved as it is chosen (see static/assessments/form.js); without JavaScript the whole form
    posts here."""
    a = selectors.assessment_get(by=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.assessment_save_answers(
                by=request.user, assessment=a, part=_part_from_form(request.POST)
            )
            messages.success(request, "评估记录已保存")
        except ValidationFailed as exc:
            flash_errors(request, exc)
        return redirect("assessments:fill", pk=pk)
    draft = a.answers or {}
    items = draft.get("items", {})
    domains = [
        (
            code,
            name,
            [
                (item, items.get(item.code))
                for item in GBT_42195_2022.items
                if item.domain == code
            ],
        )
        for code, name in GBT_42195_2022.domains.items()
    ]
    context = {
        "nav": NAV,
        "a": a,
        "domains": domains,
        "coma": draft.get("coma", False),
        "diagnoses": " ".join(draft.get("diagnoses", [])),
        "risk_events": [
            (name, draft.get("risk_events", {}).get(name, 0)) for name in RISK_EVENTS
        ],
        "common_diagnoses": COMMON_DIAGNOSES,
        "health": [
            (code, name, code in draft.get("health", []))
            for code, name in HEALTH_ITEMS
            if code != COMA
        ],
        "answered": len(items),
        "total_items": len(GBT_42195_2022.items),
        "editable": a.status in (Status.ASSIGNED, Status.SUBMITTED)
        and selectors.team_member(a, request.user) is not None,
    }
    return render(request, "assessments/fill.html", context)


def _part_from_form(post) -> dict:
    """The no-JavaScript form: radio buttons named by item code, the A.* fields by name."""
    part: dict = {"items": {}}
    for item in GBT_42195_2022.items:
        raw = post.get(item.code, "")
        if raw != "":
            part["items"][item.code] = _int_or_raw(raw)
    part["coma"] = post.get("coma") == "on"
    part["diagnoses"] = [
        c
        for c in post.get("diagnoses", "").replace("，", " ").replace(",", " ").split()
        if c
    ]
    part["health"] = post.getlist("health")
    part["risk_events"] = {
        name: _int_or_raw(post.get(f"risk_{name}", "0") or "0") for name in RISK_EVENTS
    }
    return part


def _int_or_raw(raw: str):
    try:
        return int(raw)
    except ValueError:
        return raw


@login_required
@require_POST
def save_answers(request, pk: int):
    """JSON endpoint the form page calls for every change: {"part": {...}} → the saved state."""
    a = selectors.assessment_get(by=request.user, pk=pk)
    try:
        body = json.loads(request.body or b"null")
        part = body.get("part") if isinstance(body, dict) else None
    except ValueError:
        part = None
    if part is None:
        return JsonResponse(
            {"errors": {"__root__": '请求体应为 {"part": {...}}'}}, status=422
        )
    try:
        saved = services.assessment_save_answers(
            by=request.user, assessment=a, part=part
        )
    except ValidationFailed as exc:
        return JsonResponse({"errors": exc.errors}, status=422)
    return JsonResponse(
        {
            "version": saved.version,
            "status": saved.status,
            "answered": len(saved.answers.get("items", {})),
            "missing": missing_items(saved.answers),
        }
    )


def _action(request, pk: int, action, success: str):
    a = selectors.assessment_get(by=request.user, pk=pk)
    try:
        action(by=request.user, assessment=a)
        messages.success(request, success)
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("assessments:detail", pk=pk)


@login_required
@require_POST
def submit(request, pk: int):
    return _action(
        request, pk, services.assessment_submit, "评估结果已提交，待小组其他评估员确认"
    )


@login_required
@require_POST
def confirm(request, pk: int):
    return _action(request, pk, services.assessment_confirm, "已确认评估结果")


@login_required
def withdraw(request, pk: int):
    a = selectors.assessment_get(by=request.user, pk=pk)
    require(permissions.may_withdraw_assessment(request.user, a))
    form = WithdrawForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda d: services.assessment_withdraw(
            by=request.user, assessment=a, reason=d["reason"]
        ),
        success="评估申请已撤回",
        next_url=_detail_url,
    )
    return done or form_page(
        request,
        form,
        heading=f"撤回评估申请：{a.elder.name}",
        cancel_url=_detail_url(a),
        nav=NAV,
    )


@login_required
def report_page(request, pk: int):
    data = report.report_data(selectors.assessment_get(by=request.user, pk=pk))
    return render(request, "assessments/report.html", {"nav": NAV, "r": data})


@login_required
def report_pdf(request, pk: int):
    data = report.report_data(selectors.assessment_get(by=request.user, pk=pk))
    try:
        pdf = report.render_pdf(data)
    except report.NoChineseFont as exc:
        return HttpResponse(
            str(exc), status=503, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{pk}.pdf"'
    return response


@login_required
def elder_history(request, elder_pk: int):
    elder = elder_get(by=request.user, pk=elder_pk)
    history = selectors.elder_assessments(by=request.user, elder_id=elder.pk)
    return render(
        request,
        "assessments/history.html",
        {"nav": NAV, "elder": elder, "history": history},
    )


@login_required
def historical_add(request, elder_pk: int):
    elder = elder_get(by=request.user, pk=elder_pk)
    require(permissions.may_manage_assessments(request.user))
    form = HistoricalForm(request.POST or None)
    back = reverse("assessments:elder_history", args=[elder.pk])
    done = save_form(
        request,
        form,
        lambda d: services.assessment_record_historical(
            by=request.user, elder=elder, **d
        ),
        success="历史评估结果已登记",
        next_url=back,
    )
    return done or form_page(
        request,
        form,
        heading=f"登记历史评估结果：{elder.name}",
        cancel_url=back,
        nav=NAV,
        intro="MZ/T 039-2013 的结果按其原有等级保存，不换算为 GB/T 42195-2022 等级。",
    )


@login_required
def due(request):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    form = DueFilterForm(request.GET or None, regions=regions)
    filters = (
        selectors.DueFilter(**form.cleaned_data)
        if form.is_valid()
        else selectors.DueFilter()
    )
    page = page_of(
        selectors.assessments_due(by=request.user, filters=filters), request.GET
    )
    context = {
        "nav": NAV,
        "form": form,
        "page": page,
        "kind_name": selectors.DUE_KINDS.get(filters.kind, ""),
        "kind": filters.kind,
        "querystring": querystring_without_page(request.GET),
    }
    return render(request, "assessments/due.html", context)


@login_required
@require_POST
def due_apply(request):
    """为选中的老人申请评估 from the due list; a summary names every person not applied for."""
    require(permissions.may_apply_assessment(request.user))
    try:
        outcome = services.assessments_apply_many(
            by=request.user,
            elder_ids=chosen_ids(request.POST.getlist("elder")),
            due_kind=request.POST.get("kind", ""),
        )
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        report_bulk(request, outcome, "已申请评估")
    back = request.POST.get("back", "")
    return redirect(
        f"{reverse('assessments:due')}?{back}" if back else "assessments:due"
    )


@login_required
def workload(request):
    rows = list(selectors.assessor_workload(by=request.user))
    return render(request, "assessments/workload.html", {"nav": NAV, "rows": rows})


MAX_IMPORT_BYTES = 20 * 1024 * 1024


@login_required
def import_history(request):
    """Upload a CSV of historical results: checked row by row, written all or nothing."""
    require(permissions.may_manage_assessments(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", "文件超过 20 MB，请分批导入")
        else:
            try:
                result = imports.import_historical_csv(
                    by=request.user,
                    data=upload.read(),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc)
    context = {"nav": NAV, "form": form, "result": result}
    return render(request, "assessments/import.html", context)
