"""补贴津贴 pages: programmes with their rules in plain Chinese and a "check this person" panel,
the version editor (with the Beijing/Shanghai templates), the applications inbox and the approval
steps, cycles with progress, totals, the diff against last month and approval, payment batches
with bank files and return files, the recovery list and a person's benefit history."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.benefits import examples, forms, rules, selectors, services, tasks
from yanglao.benefits.models import Application, Cycle, Entitlement, LedgerEntry
from yanglao.core import permissions, pii
from yanglao.core.bulk_actions import chosen_ids
from yanglao.core.charts import bar_chart
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.export import export_response
from yanglao.core.idnumber import mask
from yanglao.core.money import fen_to_yuan_text
from yanglao.core.pagination import page_of
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    found_or_404,
    querystring_without_page,
    report_bulk,
    require,
)
from yanglao.elders.models import Elder
from yanglao.elders.selectors import ElderFilter, elder_get, elder_list
from yanglao.facilities.selectors import staff_get
from yanglao.regions.models import Region

NAV = "benefits"


def _month_start(day: dt.date | None = None) -> dt.date:
    return (day or timezone.localdate()).replace(day=1)


def _is_bureau(user) -> bool:
    return permissions.is_bureau(user)


# --- overview and programmes ----------------------------------------------------------------------


@login_required
def index(request):
    spending = selectors.spending_by_month(by=request.user)
    by_month: dict[dt.date, int] = {}
    for month, _name, total in spending:
        by_month[month] = by_month.get(month, 0) + total
    chart = bar_chart(
        [(f"{m:%Y年%m月}", round(t / 100)) for m, t in sorted(by_month.items())],
        title="已审批发放金额（元）",
        unit="元",
    )
    programmes = selectors.programme_list(by=request.user)
    budget = _budget_rows(programmes, spending)
    context = {
        "nav": NAV,
        "programmes": programmes,
        "cycles": selectors.cycle_list(by=request.user)[:12],
        "chart": chart,
        "budget": budget,
        "is_bureau": _is_bureau(request.user),
        "waiting": len(selectors.applications(by=request.user, mine=True)),
    }
    return render(request, "benefits/index.html", context)


def _budget_rows(programmes, spending) -> list[dict]:
    """This year's approved spending per programme against its annual budget."""
    year = timezone.localdate().year
    spent: dict[str, int] = {}
    for month, name, total in spending:
        if month.year == year:
            spent[name] = spent.get(name, 0) + total
    rows = []
    for p in programmes:
        used = spent.get(p.name, 0)
        share = used / p.annual_budget_fen if p.annual_budget_fen else None
        rows.append(
            {
                "programme": p,
                "spent": used,
                "share": share,
                "pct": round((share or 0) * 100),
            }
        )
    return rows


@login_required
def programme(request, pk: int):
    p = _programme_or_404(request, pk)
    names = selectors.programme_names()
    versions = []
    for v in p.versions.select_related("programme__region").order_by("-effective_from"):
        versions.append(
            {"version": v, "lines": rules.describe(selectors.policy_of(v, names))}
        )
    check = forms.CheckForm(request.GET or None)
    results, found = None, None
    if check.is_bound and check.is_valid():
        found = _find_elder(request, check.cleaned_data["who"])
        month = _month_start(check.cleaned_data.get("month"))
        if found is None:
            check.add_error(
                "who", "在您的辖区内没有找到这位老年人（请输入完整身份证号或准确姓名）"
            )
        else:
            results = services.check_person(by=request.user, elder=found, month=month)
    context = {
        "nav": NAV,
        "programme": p,
        "versions": versions,
        "check": check,
        "found": found,
        "results": results,
        "is_bureau": _keeps_programme(request.user, p),
        "templates": examples.TEMPLATES,
    }
    return render(request, "benefits/programme.html", context)


def _keeps_programme(user, programme) -> bool:
    """A programme is shown to the staff of the regions below it, but only the bureau of its own
    region (or above) changes its rules."""
    return permissions.is_bureau(user) and region_path_allowed(
        user, programme.region.path
    )


def _programme_or_404(request, pk: int):
    try:
        return selectors.programme_get(by=request.user, pk=pk)
    except NotInScope as exc:
        raise Http404 from exc


def _find_elder(request, who: str) -> Elder | None:
    """The person by full identity number, phone or name, in the user's area (the registry's own
    search), or None."""
    found = elder_list(
        by=request.user, filters=ElderFilter(q=who, status="")
    ).select_related("residence_region")
    return found.first()


@login_required
def version_new(request, pk: int):
    p = _programme_or_404(request, pk)
    require(_keeps_programme(request.user, p))
    others = {k: v for k, v in selectors.programme_names().items() if k != p.code}
    template = examples.TEMPLATES.get(request.GET.get("template", ""))
    latest = p.versions.order_by("-effective_from").first()
    initial = forms.version_initial(
        template
        or (
            {"conditions": latest.conditions, "amount": latest.amount} if latest else {}
        )
    )
    initial["effective_from"] = _month_start()
    form = forms.VersionForm(request.POST or None, initial=initial, programmes=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_create(by=request.user, programme=p, **form.policy_data())
        except ValidationFailed as exc:
            add_service_errors(form, exc, {k: _version_field(k) for k in exc.errors})
        else:
            messages.success(request, f"已保存{p.name}的新版本")
            return redirect("benefits:programme", pk=p.pk)
    context = {"nav": NAV, "programme": p, "form": form, "template": template}
    return render(request, "benefits/version_form.html", context)


def _version_field(key: str) -> str:
    """The editor's field for a rule error ("amount.tiers[2]" → the tiers box)."""
    if key.startswith("amount.tiers"):
        return "tiers"
    return {"amount.flat_fen": "flat_yuan", "amount.by": "amount_by"}.get(
        key, key.removeprefix("conditions.")
    )


@login_required
@require_POST
def version_close(request, pk: int):
    p = _programme_or_404(request, pk)
    version = p.versions.filter(pk=request.POST.get("version")).first()
    if version is None:
        raise Http404
    try:
        to = dt.date.fromisoformat(request.POST.get("effective_to", ""))
        services.version_close(by=request.user, version=version, effective_to=to)
    except ValueError:
        messages.error(request, "终止日期：请填写有效日期")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"版本 {version.version} 终止于 {to:%Y年%m月%d日}")
    return redirect("benefits:programme", pk=p.pk)


# --- applications ---------------------------------------------------------------------------------


@login_required
def applications(request):
    mine = request.GET.get("mine") == "1"
    status = request.GET.get("status", "")
    rows = selectors.applications(
        by=request.user,
        status=status if status in Application.Status.values else "",
        mine=mine,
        q=request.GET.get("q", "").strip(),
    )
    page = page_of(rows, request.GET)
    context = {
        "nav": NAV,
        "page": page,
        "mine": mine,
        "status": status,
        "statuses": Application.Status.choices,
        "querystring": querystring_without_page(request.GET),
    }
    return render(request, "benefits/applications.html", context)


@login_required
@require_POST
def applications_decide(request):
    """同意 / 不同意 the ticked applications at once; each is checked as one decision would be, and
    the summary names every application not decided and why (✗ against the rules needs a reason)."""
    require(permissions.decides_applications(request.user))
    approved = request.POST.get("decision") == "approve"
    outcome = services.applications_decide_many(
        by=request.user,
        application_ids=chosen_ids(request.POST.getlist("application")),
        approved=approved,
        note=request.POST.get("note", "")[:300],
    )
    report_bulk(request, outcome, "已同意" if approved else "已不同意")
    return redirect(
        reverse("benefits:applications") + "?" + request.POST.get("back", "")
    )


@login_required
def application_new(request, elder_id: int):
    try:
        elder = elder_get(by=request.user, pk=elder_id)
    except NotInScope as exc:
        raise Http404 from exc
    require(permissions.may_write_registry(request.user))
    choices = [
        p
        for p in selectors.programmes_for(elder.residence_region)
        if p.needs_application
    ]
    form = forms.ApplicationForm(
        request.POST or None, programmes=choices, initial={"applicant_name": elder.name}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        programme = next(p for p in choices if str(p.pk) == d["programme"])
        try:
            a = services.application_submit(
                by=request.user,
                programme=programme,
                elder=elder,
                applicant_kind=d["applicant_kind"],
                applicant_name=d["applicant_name"],
                reason=d["reason"],
                from_month=d.get("from_month"),
                files=request.FILES.getlist("files"),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"elder": "__all__"})
        else:
            messages.success(request, f"已受理，申请编号 {a.number}")
            return redirect("benefits:application", pk=a.pk)
    context = {"nav": NAV, "elder": elder, "form": form, "choices": choices}
    return render(request, "benefits/application_form.html", context)


@login_required
def application(request, pk: int):
    try:
        a = selectors.application_get(by=request.user, pk=pk)
    except NotInScope as exc:
        raise Http404 from exc
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decide(
                by=request.user, application=a, **form.cleaned_data
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, {})
        else:
            messages.success(request, "审批意见已保存")
            return redirect("benefits:application", pk=a.pk)
    results = services.check_person(
        by=request.user, elder=a.elder, month=_month_start()
    )
    check = next((d for p, d, _ in results if p.pk == a.programme_id), None)
    decided = {d.step: d for d in a.decisions.all()}
    steps = [
        {
            "name": name,
            "decision": decided.get(i),
            "current": a.status == "pending" and i == a.step,
        }
        for i, name in enumerate(a.programme.step_names)
    ]
    context = {
        "nav": NAV,
        "a": a,
        "form": form,
        "steps": steps,
        "check": check,
        "can_decide": selectors.waiting_for(a, request.user),
    }
    return render(request, "benefits/application.html", context)


# --- cycles ---------------------------------------------------------------------------------------


def _cycle_regions(user) -> list[Region]:
    """Regions a bureau user may run cycles for: their own region and the counties below it."""
    if sees_everything(user):
        return list(
            Region.objects.filter(level__lte=Region.Level.COUNTY)
            .exclude(level=1)
            .order_by("path")
        )
    own = user.region
    if own is None:
        return []
    below = Region.objects.filter(
        path__startswith=own.path, level__lte=Region.Level.COUNTY
    ).exclude(pk=own.pk)
    return [own, *below.order_by("path")]


@login_required
def cycles(request):
    form = forms.CycleForm(
        request.POST or None,
        regions=_cycle_regions(request.user),
        initial={"month": _month_start()},
    )
    if request.method == "POST":
        if not _is_bureau(request.user):
            raise Http404
        if form.is_valid():
            region = Region.objects.get(pk=form.cleaned_data["region"])
            try:
                cycle = services.cycle_start(
                    by=request.user, month=form.cleaned_data["month"], region=region
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc, {})
            else:
                tasks.run_cycle.enqueue(cycle.pk)
                return redirect("benefits:cycle", pk=cycle.pk)
    page = page_of(selectors.cycle_list(by=request.user), request.GET)
    context = {
        "nav": NAV,
        "form": form,
        "page": page,
        "is_bureau": _is_bureau(request.user),
        "querystring": "",
    }
    return render(request, "benefits/cycles.html", context)


def _cycle_or_404(request, pk: int) -> Cycle:
    try:
        return selectors.cycle_get(by=request.user, pk=pk)
    except NotInScope as exc:
        raise Http404 from exc


@login_required
def cycle(request, pk: int):
    c = _cycle_or_404(request, pk)
    programmes = selectors.programmes_for(c.region)
    filters = forms.EntitlementFilter(request.GET or None, programmes=programmes)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    rows = selectors.entitlements(
        by=request.user,
        cycle=c,
        programme=data.get("programme"),
        kind=data.get("kind", ""),
        change=data.get("change", ""),
        q=data.get("q", ""),
    )
    page = page_of(rows, request.GET)
    totals = c.totals or {}
    charts = []
    if totals.get("programmes"):
        charts.append(
            bar_chart(
                [(k, round(v[1] / 100)) for k, v in totals["programmes"].items()],
                title="按项目（元）",
                unit="元",
            )
        )
        charts.append(
            bar_chart(
                [(k, round(v[1] / 100)) for k, v in totals["regions"].items()],
                title="按地区（元）",
                unit="元",
            )
        )
    context = {
        "nav": NAV,
        "c": c,
        "page": page,
        "filters": filters,
        "totals": totals,
        "charts": charts,
        "diff": selectors.cycle_diff(c) if c.status in ("computed", "approved") else [],
        "batches": c.batches.all(),
        "is_bureau": _is_bureau(request.user),
        "querystring": querystring_without_page(request.GET),
        "kinds": dict(Entitlement.Kind.choices),
        "changes": dict(Entitlement.Change.choices),
    }
    return render(request, "benefits/cycle.html", context)


@login_required
def cycle_progress(request, pk: int):
    c = _cycle_or_404(request, pk)
    return JsonResponse(
        {"status": c.status, "phase": c.phase, "progress": c.progress, "error": c.error}
    )


@login_required
def cycle_approve(request, pk: int):
    """审批 asks first: the total, last month's and the difference, the people new, changed and
    stopped; the approver confirms the figure they saw."""
    c = _cycle_or_404(request, pk)
    require(permissions.is_bureau(request.user))
    if request.method == "POST":
        confirmed = request.POST.get("confirmed_total_fen", "")
        try:
            services.cycle_approve(
                by=request.user,
                cycle=c,
                confirmed_total_fen=int(confirmed) if ascii_digits(confirmed) else -1,
            )
        except ValidationFailed as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, f"已审批 {c}")
            return redirect("benefits:cycle", pk=c.pk)
    total = (c.totals or {}).get("total_fen", 0)
    before = selectors.previous_approved_cycle(c)
    before_total = (before.totals or {}).get("total_fen", 0) if before else None
    context = {
        "nav": NAV,
        "c": c,
        "total": total,
        "before": before,
        "before_total": before_total,
        "difference": None if before_total is None else total - before_total,
        "diff": selectors.cycle_diff(c),
        "changes": dict(Entitlement.Change.choices),
    }
    return render(request, "benefits/cycle_approve.html", context)


@login_required
def cycle_export(request, pk: int, fmt: str):
    c = _cycle_or_404(request, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = selectors.entitlements(by=request.user, cycle=c)
    header = [
        "项目",
        "姓名",
        "身份证号",
        "社区/村",
        "所属月份",
        "类型",
        "与上月相比",
        "金额（元）",
        "上月金额（元）",
        "档次",
        "拨付机构",
        "市级（元）",
        "县级（元）",
        "乡镇（元）",
        "依据",
    ]

    def lines():
        for e in rows.iterator(chunk_size=2000):
            yield [
                e.programme.name,
                e.payee_name,
                e.elder.id_number_masked if e.elder_id else "",
                e.region.name,
                f"{e.month:%Y-%m}",
                e.get_kind_display(),
                e.get_change_display(),
                e.amount_fen / 100,
                None if e.previous_fen is None else e.previous_fen / 100,
                e.tier,
                e.facility.name if e.facility_id else "",
                e.city_fen / 100,
                e.county_fen / 100,
                e.town_fen / 100,
                e.explanation,
            ]

    return export_response(
        by=request.user,
        fmt=fmt,
        name=f"补贴核定-{c.month:%Y%m}-{c.region.name}",
        header=header,
        rows=lines(),
        what="benefits.entitlement",
        filters={"cycle": c.pk},
        full_pii=False,
    )


# --- payments -------------------------------------------------------------------------------------


@login_required
@require_POST
def batch_create(request, pk: int):
    c = _cycle_or_404(request, pk)
    try:
        batch, missing, held = services.payment_batch_create(by=request.user, cycle=c)
    except ValidationFailed as exc:
        flash_errors(request, exc)
        return redirect("benefits:cycle", pk=c.pk)
    if missing:
        messages.error(
            request,
            f"{len(missing)} 个收款人没有代发账户，未列入本批次：{'、'.join(missing[:10])}",
        )
    for name, reason in held:
        messages.warning(request, f"{name}：{reason}，本批次暂不拨付，余额保留")
    messages.success(request, f"已生成发放批次 {batch.number}")
    return redirect("benefits:batch", pk=batch.pk)


def _batch_or_404(request, pk: int):
    try:
        return selectors.batch_get(by=request.user, pk=pk)
    except NotInScope as exc:
        raise Http404 from exc


@login_required
def batch(request, pk: int):
    b = _batch_or_404(request, pk)
    form = forms.ReturnForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            counts = services.bank_return_import(
                by=request.user, batch=b, data=upload.read(), filename=upload.name
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"回盘已导入：成功 {counts['paid']} 笔，失败 {counts['failed']} 笔（失败款项将在下一批次重新发放）",
            )
            return redirect("benefits:batch", pk=b.pk)
    payments = selectors.batch_payments(b)
    page = page_of(payments, request.GET, per_page=50)
    context = {
        "nav": NAV,
        "b": b,
        "form": form,
        "page": page,
        "banks": selectors.batch_banks(b),
        "states": dict(LedgerEntry.Event.choices),
        "querystring": "",
        "failed": sum(1 for p in payments if p["state"] == "failed"),
        "paid": sum(1 for p in payments if p["state"] == "paid"),
    }
    return render(request, "benefits/batch.html", context)


@login_required
def bank_file(request, pk: int, fmt: str):
    """The disbursement file for one bank: full identity numbers only for roles allowed to see
    them (the export is audited either way); the account number in full, as the bank needs it."""
    b = _batch_or_404(request, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    bank = request.GET.get("bank", "")
    payments = [
        p["entry"] for p in selectors.batch_payments(b) if p["entry"].bank == bank
    ]
    if not payments:
        raise Http404
    full = (
        permissions.may_view_full_pii(request.user) and request.GET.get("full") == "1"
    )
    elders = selectors.payees(payments)

    def identity(entry) -> str:
        elder = elders.get(entry.elder_id)
        if elder is None:
            return ""
        number = pii.decrypt(elder.id_number_enc)
        return number if full else mask(number)

    rows = (
        [
            p.ref,
            p.payee,
            identity(p),
            p.bank,
            pii.decrypt(p.account_enc),
            p.amount_fen / 100,
        ]
        for p in payments
    )
    return export_response(
        by=request.user,
        fmt=fmt,
        name=f"代发-{b.number}-{bank}",
        header=["流水号", "户名", "身份证号", "开户银行", "账号", "金额（元）"],
        rows=rows,
        what="benefits.payment",
        filters={"batch": b.number, "bank": bank},
        full_pii=full,
        full_bank_accounts=True,
    )


@login_required
def recovery(request):
    if not _is_bureau(request.user):
        raise Http404
    form = forms.RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            elder = elder_get(by=request.user, pk=form.cleaned_data["elder"])
            services.recovery_record(
                by=request.user,
                elder=elder,
                amount_fen=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
            )
        except NotInScope as exc:
            raise Http404 from exc
        except ValidationFailed as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, f"已登记追回 {fen_to_yuan_text(form.cleaned_data['amount'])}"
            )
            return redirect("benefits:recovery")
    elif request.method == "POST":
        messages.error(
            request, "；".join(f"{k}：{'、'.join(v)}" for k, v in form.errors.items())
        )
    region = request.user.region if not sees_everything(request.user) else None
    rows = [r for r in selectors.recovery_list(region) if r["elder"] is not None]
    page = page_of(rows, request.GET)
    return render(
        request, "benefits/recovery.html", {"nav": NAV, "page": page, "querystring": ""}
    )


@login_required
def history(request, elder_id: int):
    try:
        elder = elder_get(by=request.user, pk=elder_id)
    except NotInScope as exc:
        raise Http404 from exc
    rows = selectors.person_history(by=request.user, elder=elder)
    applications_ = elder.benefit_applications.select_related("programme").order_by(
        "-submitted_at"
    )
    context = {"nav": NAV, "elder": elder, "rows": rows, "applications": applications_}
    return render(request, "benefits/history.html", context)


@login_required
def staff_check(request, staff_id: int):
    """从业人员补贴核查: each staff programme decided for this month, with every reason."""
    require(permissions.may_view_benefits(request.user))
    staff = found_or_404(staff_get, by=request.user, pk=staff_id)
    month = timezone.localdate().replace(day=1)
    rows = selectors.staff_check(staff, month)
    paid = selectors.staff_paid(staff)[:60]
    context = {"nav": NAV, "staff": staff, "month": month, "rows": rows, "paid": paid}
    return render(request, "benefits/staff_check.html", context)
