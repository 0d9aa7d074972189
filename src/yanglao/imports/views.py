"""Import pages: upload, the job page (progress, counts, every error, confirm or cancel), the
templates and the error report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import add_service_errors, flash_errors, require
from yanglao.imports import selectors, services, spreadsheets, tasks
from yanglao.imports.forms import UploadForm
from yanglao.imports.kinds import KINDS

NAV = "imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def job_list(request):
    require(permissions.may_upload_imports(request.user))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": request.GET.get("kind", "")},  # a page's "导入…" link
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(
                by=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            tasks.check_job.enqueue(job.pk)
            return redirect("imports:detail", pk=job.pk)
    page = page_of(selectors.job_list(by=request.user), request.GET)
    context = {
        "nav": NAV,
        "form": form,
        "page": page,
        "kinds": KINDS.values(),
        "querystring": "",
    }
    return render(request, "imports/list.html", context)


@login_required
def detail(request, pk: int):
    job = selectors.job_get(by=request.user, pk=pk)
    errors = Paginator(job.errors, 100).get_page(request.GET.get("page"))
    context = {"nav": NAV, "job": job, "errors": errors, "kind": KINDS[job.kind]}
    return render(request, "imports/detail.html", context)


@login_required
def status(request, pk: int):
    """What the job page polls while the worker runs."""
    job = selectors.job_get(by=request.user, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_name": job.get_status_display(),
            "phase": job.phase,
            "percent": job.percent,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "running": job.running,
        }
    )


@login_required
@require_POST
def confirm(request, pk: int):
    job = selectors.job_get(by=request.user, pk=pk)
    try:
        services.import_confirm(by=request.user, job=job)
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        tasks.run_job.enqueue(job.pk)
        messages.success(request, "已开始导入")
    return redirect("imports:detail", pk=pk)


@login_required
@require_POST
def cancel(request, pk: int):
    job = selectors.job_get(by=request.user, pk=pk)
    try:
        services.import_cancel(by=request.user, job=job)
        messages.success(request, "已取消，未导入任何数据")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("imports:detail", pk=pk)


@login_required
def error_report(request, pk: int):
    job = selectors.job_get(by=request.user, pk=pk)
    response = HttpResponse(spreadsheets.error_report(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{pk}-errors.xlsx"'
    return response


@login_required
def template(request, kind: str):
    if kind not in KINDS:
        return HttpResponse(
            "不支持的导入类型", status=404, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(spreadsheets.template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
    return response
