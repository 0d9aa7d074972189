"""双向转诊 pages: the list (search, filters, the loop figures, FHIR export), sending a referral
for a person, one referral with its steps and the step its viewer may take, confirming a 拟转诊,
importing a health system's FHIR answer, and a medical institution's liaison account."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.charts import bar_chart
from yanglao.core.errors import ValidationFailed
from yanglao.core.views import (
    add_service_errors,
    form_page,
    found_or_404,
    list_page,
    require,
    save_form,
)
from yanglao.elders.selectors import elder_get
from yanglao.facilities.selectors import residence_facility
from yanglao.medical import fhir, forms, selectors, services
from yanglao.medical import referral_flow as flow
from yanglao.medical.models import Referral
from yanglao.regions.selectors import region_choices

NAV = "medical"


def _filter_form(request):
    return forms.ReferralFilterForm(
        request.GET or None,
        regions=[
            (r.code, r.name) for r in region_choices(by=request.user, max_level=3)
        ],
    )


@login_required
def referrals(request):
    require(permissions.may_view_referrals(request.user))
    form = _filter_form(request)
    if request.GET.get("format") == "fhir":
        return _fhir_export(request, form)
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    return list_page(
        request,
        form,
        make_filter=selectors.ReferralFilter,
        select=selectors.referral_list,
        template="medical/referrals.html",
        nav=NAV,
        extra=lambda rows: {
            "loop": selectors.referral_loop(by=request.user, start=start, end=today),
            "loop_start": start,
            "now": timezone.now(),
            "liaison_of": selectors.liaison_institution(request.user)
            if permissions.is_medical_liaison(request.user)
            else None,
            "status_chart": bar_chart(
                selectors.referral_status_counts(by=request.user),
                title="转诊状态（全部）",
                unit="件",
            ),
            "hours": (settings.REFERRAL_ACCEPT_HOURS, settings.REFERRAL_OUTCOME_HOURS),
        },
    )


def _fhir_export(request, form):
    filters = (
        selectors.ReferralFilter(**form.cleaned_data)
        if form.is_bound and form.is_valid()
        else selectors.ReferralFilter()
    )
    doc = selectors.referrals_fhir_bundle(by=request.user, filters=filters)
    audit(
        by=request.user,
        action="export",
        object_type="medical.Referral",
        summary=f"导出转诊 FHIR Bundle（{len(doc['entry']) // 2} 条）",
    )
    response = HttpResponse(
        json.dumps(doc, ensure_ascii=False, indent=1),
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="referrals-fhir-r4.json"'
    return response


def _origin_of(user) -> str:
    if permissions.acts_for_facility(user):
        return Referral.Origin.FACILITY
    if permissions.is_assessor(user):
        return Referral.Origin.ASSESSMENT
    if permissions.may_handle_alarms(user) and not permissions.is_bureau(user):
        return Referral.Origin.ALARM
    return Referral.Origin.COMMUNITY


@login_required
def referral_new(request, elder_pk: int):
    require(permissions.may_refer(request.user))
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    facility = residence_facility(elder.pk)
    targets = selectors.referral_targets(elder=elder, facility=facility)
    form = forms.ReferralForm(request.POST or None, targets=targets)
    done = save_form(
        request,
        form,
        lambda d: services.referral_request(
            by=request.user, elder=elder, origin=_origin_of(request.user), **d
        ),
        success=lambda r: f"已向{r.institution.name}发出转诊申请",
        next_url=lambda r: reverse("medical:referral", args=[r.pk]),
    )
    where = f"（现住{facility.name}）" if facility else "（居家）"
    return done or form_page(
        request,
        form,
        heading=f"发起转诊：{elder.name}{where}",
        cancel_url=reverse("elders:detail", args=[elder.pk]),
        nav=NAV,
        intro="签约医疗机构排在前面；转往未签约的机构须说明理由。医疗机构须在 24 小时内接收，72 小时内安排就诊。",
    )


def _actions(user, referral) -> list[tuple[str, str]]:
    """(step, label) the viewer may take now."""
    if permissions.is_read_only(user):
        return []
    if permissions.is_medical_liaison(user):
        side = {flow.RECEIVER}
    elif permissions.may_answer_referrals(user):
        side = {flow.RECEIVER, flow.SENDER}
    elif permissions.may_refer(user):
        side = {flow.SENDER}
    else:
        return []
    labels = {
        flow.ACCEPTED: "接收",
        flow.DECLINED: "拒绝",
        flow.SCHEDULED: "预约就诊",
        flow.ATTENDED: "登记就诊",
        flow.RETURNED: "回转（下转）",
        flow.CLOSED: "关闭",
    }
    return [
        (to, labels[to])
        for to, who in flow.NEXT.get(referral.status, {}).items()
        if who in side and to in labels
    ]


@login_required
def referral(request, pk: int):
    require(permissions.may_view_referrals(request.user))
    found = found_or_404(selectors.referral_get, by=request.user, pk=pk)
    actions = _actions(request.user, found)
    step_form = forms.ReferralStepForm(request.POST or None)
    confirm_form = None
    if found.status == Referral.Status.PROPOSED and permissions.may_refer(request.user):
        confirm_form = forms.ReferralConfirmForm(
            request.POST or None,
            targets=selectors.referral_targets(
                elder=found.elder, facility=found.facility
            ),
        )
    if request.method == "POST":
        done = _post_step(request, found, actions, step_form, confirm_form)
        if done:
            return done
    now = timezone.now()
    late = flow.lateness(
        status=found.status,
        accept_due=found.accept_due,
        outcome_due=found.outcome_due,
        accepted_at=found.accepted_at,
        attended_at=found.attended_at,
        closed_at=found.closed_at,
        now=now,
    )
    return render(
        request,
        "medical/referral.html",
        {
            "nav": NAV,
            "referral": found,
            "steps": selectors.referral_steps(found),
            "actions": actions,
            "step_form": step_form,
            "confirm_form": confirm_form,
            "late": late,
            "may_open_person": permissions.works_by_region(request.user)
            or permissions.acts_for_facility(request.user),
        },
    )


def _post_step(request, found, actions, step_form, confirm_form):
    if confirm_form is not None and "send" in request.POST:
        return save_form(
            request,
            confirm_form,
            lambda d: services.referral_confirm(
                by=request.user, referral_id=found.pk, **d
            ),
            success=lambda r: (
                "已确认并发出转诊" if r.status == "requested" else "已记录不转诊"
            ),
            next_url=reverse("medical:referral", args=[found.pk]),
        )
    require(bool(actions))
    if not step_form.is_valid():
        return None
    d = step_form.cleaned_data
    if d["to"] not in dict(actions):
        step_form.add_error(None, "这一步不由您办理")
        return None
    try:
        services.referral_move(by=request.user, referral_id=found.pk, **d)
    except ValidationFailed as exc:
        add_service_errors(step_form, exc)
        return None
    messages.success(request, f"已办理：{Referral.Status(d['to']).label}")
    return redirect("medical:referral", pk=found.pk)


@login_required
def referrals_import(request):
    """A health system's answers (FHIR R4 Bundle of Tasks), applied all or nothing."""
    require(permissions.may_answer_referrals(request.user))
    form = forms.FhirUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.referrals_import_fhir(
                by=request.user, payload=form.cleaned_data["file"].read(5_000_000)
            )
        except (ValidationFailed, fhir.FhirProblem) as exc:
            for key, reason in exc.errors.items():
                form.add_error(None, f"{key}：{reason}")
            form.add_error(
                None, "文件未导入：请改正以上问题后重新上传（未写入任何记录）"
            )
        else:
            messages.success(request, f"已导入 {n} 条转诊回执")
            return redirect("medical:referrals")
    return render(request, "medical/referrals_import.html", {"nav": NAV, "form": form})


@login_required
def liaison_new(request, pk: int):
    require(permissions.may_appoint_liaisons(request.user))
    institution = found_or_404(selectors.institution_get, by=request.user, pk=pk)
    form = forms.LiaisonForm(request.POST or None)
    done = save_form(
        request,
        form,
        lambda d: services.liaison_create(
            by=request.user, institution=institution, **d
        ),
        success=lambda link: f"已为{institution.name}设置联络员 {link.user.username}",
        next_url=reverse("medical:institution", args=[institution.pk]),
    )
    return done or form_page(
        request,
        form,
        heading=f"设置联络员：{institution.name}",
        cancel_url=reverse("medical:institution", args=[institution.pk]),
        nav=NAV,
        intro="联络员登录后只能看到转往本机构的转诊，负责接收、预约、登记就诊和回转。",
    )
