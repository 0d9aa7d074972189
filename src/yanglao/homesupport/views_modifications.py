"""居家适老化改造 pages: the list (search, filters, pagination) with the year's progress against the
task per region and the cumulative count, the visit findings to file from, the application form,
a project's page with the step its state and the reader's role allow, the phone checklist with
photos, and the bureau's tasks and price list."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.charts import bar_chart
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import ValidationFailed
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    form_page,
    found_or_404,
    list_page,
    require,
)
from yanglao.elders.selectors import find_one_elder
from yanglao.homesupport import forms, selectors, services
from yanglao.homesupport import modification as rules
from yanglao.homesupport.selectors.modifications import CUMULATIVE_FROM_YEAR
from yanglao.regions.selectors import region_for_input

NAV = "modifications"
CUMULATIVE_TARGET = 2500  # JDZ-5: 2,500 households by 2025 (Jingdezhen 专栏1)


def _home_region(user):
    region = getattr(user, "region", None)
    if region is None:
        from yanglao.regions.models import Region

        region = Region.objects.order_by("level", "code").first()
    return region


@login_required
def projects(request):
    require(permissions.may_view_modifications(request.user))
    year = timezone.localdate().year
    extra = {"year": year, "states": rules.STATE_NAMES}
    if permissions.works_by_region(request.user):
        region = _home_region(request.user)
        progress = selectors.progress_by_region(
            by=request.user, year=year, region=region
        )
        extra |= {
            "progress": progress,
            "findings": selectors.visit_findings(by=request.user).count(),
            "cumulative_target": CUMULATIVE_TARGET,
            "cumulative_from": CUMULATIVE_FROM_YEAR,
            "chart": bar_chart(
                [(p.region.name, p.share or 0) for p in progress[1:] if p.quota],
                title=f"{year}年适老化改造任务完成率（已验收 ÷ 任务户数）",
                unit="%",
            ),
        }
    return list_page(
        request,
        forms.ProjectFilterForm(request.GET or None),
        make_filter=selectors.ProjectFilter,
        select=selectors.project_list,
        template="homesupport/projects.html",
        nav=NAV,
        extra=lambda rows: extra,
    )


@login_required
def findings(request):
    require(permissions.may_file_modifications(request.user))
    return render(
        request,
        "homesupport/findings.html",
        {"nav": NAV, "rows": selectors.visit_findings(by=request.user)[:200]},
    )


@login_required
def project_new(request):
    require(permissions.may_file_modifications(request.user))
    follow_up = None
    wanted = request.POST.get("follow_up") or request.GET.get("follow_up")
    if wanted and ascii_digits(str(wanted)):
        follow_up = (
            selectors.visit_findings(by=request.user).filter(pk=int(wanted)).first()
        )
    initial = {}
    if follow_up is not None:
        initial = {
            "elder": follow_up.elder.name,
            "source": "community",
            "reason": f"探访发现：{follow_up.finding}",
            "follow_up": follow_up.pk,
        }
    form = forms.ApplyForm(
        request.POST or None, initial=initial, assessors=selectors.assessors()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        elder, why = find_one_elder(by=request.user, text=d["elder"])
        try:
            if elder is None:
                raise ValidationFailed({"elder": why})
            assessor = (
                selectors.assessors().filter(pk=int(d["assessor"])).first()
                if d["assessor"]
                else None
            )
            project = services.project_apply(
                by=request.user,
                elder=elder,
                source=d["source"],
                applicant_name=d["applicant_name"],
                reason=d["reason"],
                assessor=assessor,
                follow_up=follow_up,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已受理：{project.number}")
            return redirect("homesupport:project", pk=project.pk)
    intro = "申请时按民政局的补贴条件审核资格；不符合的会说明哪一项条件不满足。"
    if follow_up is not None:
        intro = f"来自探访发现：{follow_up.elder.name} · {follow_up.finding}（{follow_up.created_at:%Y-%m-%d}）。{intro}"
    return form_page(
        request,
        form,
        heading="申请居家适老化改造",
        cancel_url=reverse("homesupport:projects"),
        nav=NAV,
        intro=intro,
    )


def _contractors(project):
    return selectors.contractors_for(project.region)


def _plan_lines(post, items) -> tuple[dict, dict]:
    lines, errors = {}, {}
    for item in items:
        raw = (post.get(f"qty_{item.code}") or "").strip()
        if not raw:
            continue
        if not ascii_digits(raw):
            errors[f"lines.{item.code}"] = f"{item.name}：数量应为整数"
            continue
        lines[item.code] = (int(raw), post.get(f"sub_{item.code}") == "on")
    return lines, errors


@login_required
def project(request, pk: int):
    require(permissions.may_view_modifications(request.user))
    found = found_or_404(selectors.project_get, by=request.user, pk=pk)
    user = request.user
    accept_form = forms.AcceptForm(
        request.POST if request.POST.get("do") == "accept" else None
    )
    withdraw_form = forms.WithdrawForm(
        request.POST if request.POST.get("do") == "withdraw" else None
    )
    plan_errors: dict = {}
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "plan":
                require(permissions.may_plan_modifications(user))
                lines, plan_errors = _plan_lines(request.POST, found.items.all())
                if plan_errors:
                    raise ValidationFailed(plan_errors)
                chosen = request.POST.get("contractor", "")
                contractor = (
                    _contractors(found).filter(pk=int(chosen)).first()
                    if ascii_digits(chosen)
                    else None
                )
                services.project_plan(
                    by=user, project=found, lines=lines, contractor=contractor
                )
                messages.success(request, "已确定改造方案，交施工单位施工")
            elif do == "complete":
                require(permissions.may_complete_modifications(user))
                serials = {
                    k[7:]: v for k, v in request.POST.items() if k.startswith("serial_")
                }
                services.project_complete(
                    by=user,
                    project=found,
                    serials=serials,
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已报施工完成，待验收")
            elif do == "accept":
                require(permissions.may_accept_modifications(user))
                if accept_form.is_valid():
                    d = accept_form.cleaned_data
                    services.project_accept(
                        by=user,
                        project=found,
                        confirmed=d["confirmed"],
                        confirmed_by=d["confirmed_by"],
                        relation=d["relation"],
                        note=d["note"],
                    )
                    messages.success(
                        request, "已验收；补贴已核定，将在下一发放周期拨付"
                    )
                else:
                    raise ValidationFailed({})
            elif do == "withdraw":
                require(permissions.may_file_modifications(user))
                if withdraw_form.is_valid():
                    services.project_withdraw(
                        by=user,
                        project=found,
                        reason=withdraw_form.cleaned_data["reason"],
                    )
                    messages.success(request, "已撤销")
                else:
                    raise ValidationFailed({})
            else:
                raise ValidationFailed({"__all__": "未知的操作"})
        except ValidationFailed as exc:
            if do == "accept":
                add_service_errors(accept_form, exc)
            elif do == "withdraw":
                add_service_errors(withdraw_form, exc)
            else:
                plan_errors = exc.errors
                flash_errors(request, exc) if do == "complete" else None
        else:
            return redirect("homesupport:project", pk=found.pk)
        found = found_or_404(selectors.project_get, by=request.user, pk=pk)
    items = list(found.items.all())
    return render(
        request,
        "homesupport/project.html",
        {
            "nav": NAV,
            "p": found,
            "items": items,
            "needed": [i for i in items if i.needed],
            "planned": [i for i in items if i.quantity],
            "prices": _prices(found, items),
            "photos": list(found.photos.all()),
            "steps": list(found.steps.select_related("by")),
            "step_names": rules.STEP_NAMES | {"apply": "申请"},
            "may_assess": selectors.assesses(user, found),
            "is_contractor": selectors.builds(user, found),
            "contractors": _contractors(found) if found.state == "assessed" else [],
            "plan_errors": plan_errors,
            "accept_form": accept_form,
            "withdraw_form": withdraw_form,
            "photo_form": forms.PhotoForm(),
            "claim": selectors.subsidy_claim_of(found),
        },
    )


def _prices(project, items) -> dict[str, int]:
    listed = {p.code: p.price_fen for p in selectors.checklist_for(project.region)}
    return {i.code: listed.get(i.code, 0) for i in items}


@login_required
def checklist(request, pk: int):
    """入户评估 on a phone: the checklist by part, what each item needs, photos before."""
    require(permissions.may_assess_homes(request.user))
    found = found_or_404(selectors.project_get, by=request.user, pk=pk)
    require(selectors.assesses(request.user, found))
    errors: dict = {}
    if request.method == "POST":
        needs = {
            k[5:]: request.POST.get(f"note_{k[5:]}", "")
            for k in request.POST
            if k.startswith("need_")
        }
        try:
            services.project_assess(
                by=request.user,
                project=found,
                needs=needs,
                note=request.POST.get("note", ""),
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, f"已完成入户评估：需要改造 {len(needs)} 项")
            return redirect("homesupport:project", pk=found.pk)
    items = list(found.items.all())
    parts = [
        (name, [i for i in items if i.part == code])
        for code, name in rules.PARTS.items()
    ]
    return render(
        request,
        "homesupport/checklist.html",
        {
            "nav": NAV,
            "p": found,
            "parts": [(n, rows) for n, rows in parts if rows],
            "checked": set(request.POST) if request.method == "POST" else None,
            "errors": errors,
            "photos": list(found.photos.filter(stage="before")),
            "photo_form": forms.PhotoForm(),
            "version": rules.CHECKLIST_VERSION,
        },
    )


@login_required
@require_POST
def photo_add(request, pk: int, stage: str):
    found = found_or_404(selectors.project_get, by=request.user, pk=pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationFailed({"photo": "请选择照片"})
        services.project_photo_add(
            by=request.user,
            project=found,
            stage=stage,
            photo=form.cleaned_data["photo"],
            item_code=form.cleaned_data["item_code"],
        )
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, "照片已上传")
    back = request.POST.get("next", "")
    if back == "checklist":
        return redirect("homesupport:checklist", pk=found.pk)
    return redirect("homesupport:project", pk=found.pk)


@login_required
def photo(request, pk: int):
    require(permissions.may_view_modifications(request.user))
    found = found_or_404(selectors.photo_get, by=request.user, pk=pk)
    return FileResponse(
        found.photo.open("rb"), filename=found.photo.name.rsplit("/", 1)[-1]
    )


@login_required
def quotas(request):
    """年度任务 per region and the price list: the bureau sets both."""
    require(permissions.may_set_modification_quota(request.user))
    region = _home_region(request.user)
    form = forms.QuotaForm(
        request.POST if request.POST.get("do") == "quota" else None,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST":
        try:
            if request.POST.get("do") == "quota":
                if not form.is_valid():
                    raise ValidationFailed({})
                d = form.cleaned_data
                errors: dict = {}
                target = region_for_input(request.user, d["region"], "region", errors)
                if errors:
                    raise ValidationFailed(errors)
                services.quota_set(
                    by=request.user,
                    region=target,
                    year=d["year"],
                    households=d["households"],
                )
                messages.success(request, f"已下达{d['year']}年{target.name}任务")
            elif request.POST.get("do") == "prices":
                prices = {}
                for key, value in request.POST.items():
                    if key.startswith("price_") and value.strip():
                        try:
                            prices[key[6:]] = int(Decimal(value.strip()) * 100)
                        except (InvalidOperation, ValueError):
                            raise ValidationFailed(
                                {key: f"{key[6:]}：单价应为金额"}
                            ) from None
                services.price_list_adopt(by=request.user, region=region, prices=prices)
                messages.success(request, "价格清单已保存")
            else:
                raise ValidationFailed({"__all__": "未知的操作"})
        except ValidationFailed as exc:
            if form.is_bound:
                add_service_errors(form, exc)
            else:  # the price list: each refused price named above the table
                flash_errors(request, exc)
        else:
            return redirect("homesupport:quotas")
    year = timezone.localdate().year
    return render(
        request,
        "homesupport/quotas.html",
        {
            "nav": NAV,
            "form": form,
            "region": region,
            "progress": selectors.progress_by_region(
                by=request.user, year=year, region=region
            ),
            "items": selectors.checklist_for(region),
            "parts": rules.PARTS,
            "year": year,
        },
    )
