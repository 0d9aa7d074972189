"""Pages of 双随机: plans, the commitment published before the draw meeting, the random value
entered at the meeting, the result; and the public pages (no log-in) where anyone reads a draw
and downloads its record to re-derive it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import add_service_errors, require
from yanglao.regions.selectors import region_for_input
from yanglao.supervision import selectors, services
from yanglao.supervision.codes import facility_pk_of
from yanglao.supervision.draw import verify
from yanglao.supervision.forms import (
    AnswerForm,
    ComplaintForm,
    PlanForm,
    RandomForm,
    RedrawForm,
)
from yanglao.supervision.models import Complaint

NAV = "supervision"


@login_required
def plans(request):
    require(permissions.may_view_supervision(request.user))
    form = (
        PlanForm(request.POST or None)
        if permissions.may_supervise(request.user)
        else None
    )
    if request.method == "POST":
        require(form is not None)
        if form.is_valid():
            errors: dict[str, str] = {}
            data = dict(form.cleaned_data)
            region = region_for_input(
                request.user, data.pop("region"), "region", errors
            )
            try:
                if errors:
                    raise ValidationFailed(errors)
                plan = services.plan_create(by=request.user, region=region, **data)
            except ValidationFailed as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已新建抽查计划。下一步：公示承诺值。")
                return redirect("supervision:plan", pk=plan.pk)
    context = {
        "nav": NAV,
        "page": page_of(selectors.plans(by=request.user), request.GET),
        "form": form,
    }
    return render(request, "supervision/plans.html", context)


@login_required
def plan(request, pk: int):
    require(permissions.may_view_supervision(request.user))
    try:
        found = selectors.plan_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    draws = list(found.draws.order_by("-number"))
    names = {}
    for d in draws:
        names.update(selectors.object_names(d))
    context = {
        "nav": NAV,
        "plan": found,
        "draws": draws,
        "names": names,
        "random_form": RandomForm(),
        "redraw_form": RedrawForm(),
    }
    return render(request, "supervision/plan.html", context)


@require_POST
@login_required
def commit(request, pk: int):
    require(permissions.may_supervise(request.user))
    try:
        found = selectors.plan_get(by=request.user, pk=pk)
        made = services.draw_commit(
            by=request.user, plan=found, reason=request.POST.get("reason", "")
        )
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        for reason in exc.errors.values():
            messages.error(request, reason)
    else:
        messages.success(
            request,
            f"已公示承诺值 {made.commitment[:16]}…，请在抽取会上录入公开随机数。",
        )
    return redirect("supervision:plan", pk=pk)


@require_POST
@login_required
def run(request, pk: int):
    require(permissions.may_supervise(request.user))
    try:
        found = selectors.draw_get(by=request.user, pk=pk)
        services.draw_run(
            by=request.user,
            draw=found,
            public_random=request.POST.get("public_random", ""),
        )
    except NotInScope:
        raise Http404 from None
    except ValidationFailed as exc:
        for reason in exc.errors.values():
            messages.error(request, reason)
    else:
        messages.success(request, "已抽取并公示结果。")
    return redirect("supervision:plan", pk=found.plan_id)


def public_draws(request):
    """一公开: every published draw, for anyone, without logging in."""
    context = {"page": page_of(selectors.published_draws(), request.GET)}
    return render(request, "supervision/public_draws.html", context)


def public_results(request):
    """一公开: inspection results and their rectification, valid grades, the red and black lists —
    names and outcomes only, for anyone, without logging in."""
    from yanglao.supervision.grading import LEVEL_NAMES

    context = {
        "page": page_of(selectors.public_inspections(), request.GET),
        "grades": [(g, LEVEL_NAMES[g.level]) for g in selectors.public_grades()[:200]],
        "red": [e for e in selectors.public_list_entries() if e.kind == "red"],
        "black": [e for e in selectors.public_list_entries() if e.kind == "black"],
    }
    return render(request, "supervision/public_results.html", context)


def public_draw(request, pk: int):
    try:
        found = selectors.published_draw(pk)
    except NotInScope:
        raise Http404 from None
    record = found.record()
    context = {
        "draw": found,
        "record": record,
        "problems": verify(record) if found.drawn_at else None,
        "names": selectors.object_names(found),
    }
    return render(request, "supervision/public_draw.html", context)


def public_record(request, pk: int):
    """The draw's record as JSON, for `yanglao supervision verify-draw` or any SHA-256 tool."""
    try:
        found = selectors.published_draw(pk)
    except NotInScope:
        raise Http404 from None
    body = json.dumps(found.record(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{found.pk}.json"'
    return response


def _complaint_form(request, data=None):
    from yanglao.regions.models import Region

    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")
    return ComplaintForm(
        data,
        facilities=selectors.facilities_for_complaints(),
        providers=selectors.providers_for_complaints(),
        regions=townships,
    )


def _submit_complaint(request, form, channel: str, by=None):
    from yanglao.regions.models import Region

    data = form.cleaned_data
    region = Region.objects.filter(code=data.get("region") or "").first()
    return services.complaint_submit(
        channel=channel,
        subject=data["subject"],
        region=region,
        facility=data.get("facility"),
        provider=data.get("provider"),
        subject_name=data.get("subject_name", ""),
        content=data["content"],
        name=data.get("name", ""),
        phone=data.get("phone", ""),
        source=request.META.get("REMOTE_ADDR", "") if by is None else "",
        by=by,
    )


def public_complaint(request):
    """投诉举报 for anyone, without logging in: the tracking code is shown once submitted."""
    form = _complaint_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = _submit_complaint(request, form, "public_form")
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request, "supervision/complaint_done.html", {"complaint": made}
            )
    return render(request, "supervision/public_complaint.html", {"form": form})


def public_complaint_track(request):
    code = request.GET.get("code", "")
    found = selectors.complaint_by_code(code) if code else None
    return render(
        request,
        "supervision/complaint_track.html",
        {"code": code, "complaint": found, "asked": bool(code)},
    )


@login_required
def complaints(request):
    require(permissions.may_handle_complaints(request.user))
    form = _complaint_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = _submit_complaint(request, form, "phone", by=request.user)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记电话投诉，查询码 {made.code}")
            return redirect("supervision:complaint", pk=made.pk)
    state, q = request.GET.get("state", ""), request.GET.get("q", "").strip()
    channel = request.GET.get("channel", "")
    context = {
        "nav": NAV,
        "page": page_of(
            selectors.complaints(by=request.user, state=state, q=q, channel=channel),
            request.GET,
        ),
        "state": state,
        "q": q,
        "channel": channel,
        "channels": Complaint.Channel.choices,
        "form": form,
        "now": timezone.now(),
    }
    return render(request, "supervision/complaints.html", context)


@login_required
def complaint(request, pk: int):
    require(permissions.may_handle_complaints(request.user))
    try:
        found = selectors.complaint_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    form = AnswerForm(request.POST or None)
    phone = ""
    if request.method == "POST" and request.POST.get("action") == "phone":
        form = AnswerForm()
        try:
            phone = services.complaint_phone(by=request.user, complaint=found)
        except ValidationFailed as exc:
            messages.error(request, exc.errors["__all__"])
    elif request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                services.complaint_acknowledge(by=request.user, complaint=found)
                messages.success(request, "已受理。")
                return redirect("supervision:complaint", pk=pk)
            if form.is_valid():
                upheld = {"yes": True, "no": False}.get(form.cleaned_data["upheld"])
                services.complaint_answer(
                    by=request.user,
                    complaint=found,
                    answer=form.cleaned_data["answer"],
                    upheld=upheld,
                )
                messages.success(request, "已答复，投诉人可凭查询码查看。")
                return redirect("supervision:complaint", pk=pk)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
    context = {
        "nav": NAV,
        "complaint": found,
        "form": form,
        "now": timezone.now(),
        "phone": phone,
    }
    return render(request, "supervision/complaint.html", context)


@login_required
def inspections(request):
    require(permissions.may_view_supervision(request.user))
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        from yanglao.facilities.selectors import facility_get

        try:
            pk = facility_pk_of(request.POST.get("object", ""))
            facility = facility_get(by=request.user, pk=pk if pk is not None else -1)
            draw = None
            if request.POST.get("draw"):
                draw = selectors.draw_get(by=request.user, pk=int(request.POST["draw"]))
            made = services.inspection_start(
                by=request.user, facility=facility, draw=draw
            )
        except (NotInScope, ValueError):
            messages.error(request, "请选择管辖范围内的机构")
        except ValidationFailed as exc:
            for reason in exc.errors.values():
                messages.error(request, reason)
        else:
            return redirect("supervision:inspection", pk=made.pk)
    context = {
        "nav": NAV,
        "page": page_of(selectors.inspections(by=request.user), request.GET),
        "drawn": selectors.draws(by=request.user).filter(drawn_at__isnull=False)[:5],
    }
    return render(request, "supervision/inspections.html", context)


@login_required
def inspection(request, pk: int):
    """The checklist on a phone: each item 符合 / 不符合 / 不适用 with a note; save as you go,
    sign when every item is answered."""
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = selectors.inspection_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    errors: dict[str, str] = {}
    action = request.POST.get("action")
    if request.method == "POST" and action == "photo":
        return _photo_added(request, found)
    if request.method == "POST" and action in ("checkin", "acknowledge"):
        try:
            if action == "checkin":
                services.inspection_checkin(
                    by=request.user,
                    inspection=found,
                    lat=_number(request.POST.get("lat")),
                    lng=_number(request.POST.get("lng")),
                    accuracy_m=_number(request.POST.get("accuracy")),
                    note=request.POST.get("checkin_note", ""),
                )
                messages.success(request, "已到场签到。")
            else:
                services.inspection_acknowledge(
                    by=request.user,
                    inspection=found,
                    note=request.POST.get("institution_note", ""),
                )
                messages.success(request, "已确认检查结果。")
        except ValidationFailed as exc:
            for reason in exc.errors.values():
                messages.error(request, reason)
        return redirect("supervision:inspection", pk=pk)
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        answers = {
            item["code"]: {
                "result": request.POST.get(f"r-{item['code']}"),
                "note": request.POST.get(f"n-{item['code']}", ""),
            }
            for item in found.checklist.items
            if request.POST.get(f"r-{item['code']}")
        }
        try:
            found = services.inspection_record(
                by=request.user, inspection=found, answers=answers
            )
            if action == "sign":
                found = services.inspection_sign(
                    by=request.user,
                    inspection=found,
                    cosigner=_second_inspector(request),
                )
                messages.success(request, "检查记录已签署，不符合项已生成整改单。")
            else:
                messages.success(request, f"已保存 {len(found.answers)} 项。")
            return redirect("supervision:inspection", pk=pk)
        except ValidationFailed as exc:
            errors = exc.errors
            for code, reason in errors.items():
                if code in ("__all__", "cosigner"):
                    messages.error(request, reason)
    items = []
    for item in found.checklist.items:
        saved = found.answers.get(item["code"], {})
        items.append({**item, **saved, "error": errors.get(item["code"], "")})
    context = {
        "nav": NAV,
        "inspection": found,
        "items": items,
        "done": len(found.answers),
        "rectifications": found.rectifications.all(),
        "editable": found.state == "in_progress"
        and permissions.may_supervise(request.user),
        "photos": list(found.photos.all()),
        "may_acknowledge": permissions.may_answer_rectification(request.user)
        and found.acknowledged_at is None,
    }
    return render(request, "supervision/inspection.html", context)


@login_required
def _photo_added(request, found):
    """An evidence photo posted by the page's form (a redirect with the message), or sent later
    by inspection.js from the photos kept on the phone while offline (JSON: 200, or 422 with the
    reasons — a refused photo is not sent again)."""
    wants_json = request.headers.get("Accept") == "application/json"
    try:
        made = services.inspection_photo_add(
            by=request.user,
            inspection=found,
            item_code=request.POST.get("item_code", ""),
            photo=request.FILES.get("photo"),
        )
    except ValidationFailed as exc:
        if wants_json:
            return JsonResponse({"errors": exc.errors}, status=422)
        for reason in exc.errors.values():
            messages.error(request, reason)
    else:
        if wants_json:
            return JsonResponse(
                {
                    "item_code": made.item_code,
                    "url": reverse("supervision:inspection_photo", args=[made.pk]),
                    "taken_at": f"{timezone.localtime(made.taken_at):%Y-%m-%d %H:%M}",
                }
            )
        messages.success(request, "已上传取证照片。")
    return redirect("supervision:inspection", pk=found.pk)


def inspection_photo(request, pk: int):
    """An evidence photo, to those who may see its inspection; every viewing audited."""
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = selectors.inspection_photo_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    return FileResponse(
        services.inspection_photo_open(by=request.user, photo=found),
        filename=found.photo.name.rsplit("/", 1)[-1],
    )


def _number(raw) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _second_inspector(request):
    """The second inspector confirms on the same phone with their own account and password."""
    from django.contrib.auth import authenticate

    username = (request.POST.get("cosigner_username") or "").strip()
    password = request.POST.get("cosigner_password") or ""
    if not username or not password:
        raise ValidationFailed(
            {"cosigner": "请第二名检查人员输入本人账号和密码确认签字"}
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationFailed({"cosigner": "第二检查人的账号或密码不正确"})
    return user


@login_required
@require_POST
def inspection_answers(request, pk: int):
    """Item results sent from the phone one change at a time (inspection.js), also after a spell
    offline; 200 with the count answered, 422 with the reasons (nothing saved)."""
    require(permissions.may_supervise(request.user))
    try:
        found = selectors.inspection_get(by=request.user, pk=pk)
        body = json.loads(request.body or b"{}")
        answers = body.get("answers")
        if not isinstance(answers, dict) or not all(
            isinstance(v, dict) for v in answers.values()
        ):
            raise ValidationFailed({"answers": "格式不正确"})
        found = services.inspection_record(
            by=request.user, inspection=found, answers=answers
        )
    except NotInScope:
        raise Http404 from None
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"errors": {"answers": "不是有效的 JSON"}}, status=422)
    except ValidationFailed as exc:
        return JsonResponse({"errors": exc.errors}, status=422)
    return JsonResponse({"answered": len(found.answers)})


@login_required
def rectifications(request):
    may_read = permissions.may_view_supervision(request.user)
    require(may_read or permissions.may_answer_rectification(request.user))
    state = request.GET.get("state", "")
    context = {
        "nav": NAV,
        "page": page_of(
            selectors.rectifications(by=request.user, state=state), request.GET
        ),
        "state": state,
        "today": timezone.localdate(),
    }
    return render(request, "supervision/rectifications.html", context)


@login_required
def rectification(request, pk: int):
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = selectors.rectification_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    if request.method == "POST" and request.POST.get("action") == "case":
        require(permissions.may_supervise(request.user))
        try:
            made = services.case_open(
                by=request.user,
                facility=found.facility,
                source=f"rectification:{found.pk}",
                summary=request.POST.get("summary", ""),
            )
        except ValidationFailed as exc:
            for reason in exc.errors.values():
                messages.error(request, reason)
            return redirect("supervision:rectification", pk=pk)
        messages.success(request, f"已立案 {made.number}。")
        return redirect("supervision:case", pk=made.pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "answer":
                services.rectification_answer(
                    by=request.user,
                    rectification=found,
                    evidence=request.POST.get("evidence", ""),
                )
                messages.success(request, "已提交整改情况，待民政部门核查。")
            else:
                services.rectification_verify(
                    by=request.user,
                    rectification=found,
                    accept=request.POST.get("action") == "accept",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已核查。")
        except ValidationFailed as exc:
            for reason in exc.errors.values():
                messages.error(request, reason)
        return redirect("supervision:rectification", pk=pk)
    context = {"nav": NAV, "r": found, "today": timezone.localdate()}
    return render(request, "supervision/rectification.html", context)
