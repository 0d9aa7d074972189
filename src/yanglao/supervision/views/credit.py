"""等级评定, 年度服务质量评价 and 信用 pages: gradings of an area and the experts' scoring sheet;
the credit overview of institutions (level, grade, list) and one subject's credit record, where
the bureau runs the yearly evaluation and decides on the red and black lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import require
from yanglao.facilities import selectors as facility_selectors
from yanglao.facilities.models import Facility
from yanglao.supervision import grading as grading_rules
from yanglao.supervision import selectors, services

NAV = "supervision"


def _flash(request, exc: ValidationFailed) -> None:
    for reason in exc.errors.values():
        messages.error(request, reason)


@login_required
def gradings(request):
    require(permissions.may_see_supervision_records(request.user))
    if request.method == "POST":
        try:
            facility = selectors.institutions_in_scope(by=request.user).get(
                pk=int(request.POST.get("facility") or 0)
            )
            made = services.grading_apply(by=request.user, facility=facility)
        except (ValueError, Facility.DoesNotExist):
            messages.error(request, "请选择管辖范围内的养老机构")
        except ValidationFailed as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已申请等级评定，待专家评分。")
            return redirect("supervision:grading", pk=made.pk)
    state = request.GET.get("state", "")
    context = {
        "nav": NAV,
        "page": page_of(selectors.gradings(by=request.user, state=state), request.GET),
        "state": state,
        "institutions": selectors.institutions_in_scope(by=request.user)[:500],
        "level_names": grading_rules.LEVEL_NAMES,
    }
    return render(request, "supervision/gradings.html", context)


@login_required
def grading(request, pk: int):
    """The experts' sheet on a tablet: each item's score within its maximum; decide when done."""
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = selectors.grading_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    errors: dict[str, str] = {}
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        scores, errors = _scores_of(request.POST, found.sheet.sheet)
        try:
            if errors:
                raise ValidationFailed(errors)
            found = services.grading_score(
                by=request.user,
                grading=found,
                scores=scores,
                experts=request.POST.get("experts", ""),
            )
            if request.POST.get("action") == "decide":
                found = services.grading_decide(by=request.user, grading=found)
                messages.success(
                    request,
                    f"评定完成：{grading_rules.LEVEL_NAMES[found.level]}（{found.total:g} 分）。",
                )
            else:
                messages.success(request, f"已保存 {len(found.scores)} 项得分。")
            return redirect("supervision:grading", pk=pk)
        except ValidationFailed as exc:
            errors = exc.errors
            if "__all__" in errors:
                messages.error(request, errors["__all__"])
            if "experts" in errors:
                messages.error(request, errors["experts"])
    sheet = found.sheet.sheet
    preview = grading_rules.level_of(sheet, found.scores)
    parts = [
        {
            "name": p["name"],
            "max": p["max"],
            "got": preview.parts[p["name"]],
            "items": [
                {
                    "code": code,
                    "text": text,
                    "max": max_,
                    "value": request.POST.get(f"s-{code}")
                    if errors
                    else found.scores.get(code, ""),
                    "error": errors.get(code, ""),
                }
                for code, text, max_ in p["items"]
            ],
        }
        for p in sheet["parts"]
    ]
    context = {
        "nav": NAV,
        "grading": found,
        "parts": parts,
        "preview": preview,
        "level_name": grading_rules.LEVEL_NAMES.get(found.level or 0),
        "editable": found.state == "applied"
        and permissions.may_supervise(request.user),
        "thresholds": sheet["thresholds"],
        "level_names": grading_rules.LEVEL_NAMES,
    }
    return render(request, "supervision/grading.html", context)


def _scores_of(post, sheet: dict) -> tuple[dict[str, float], dict[str, str]]:
    """The typed scores (blank items left as they were); a score that is not a number is named."""
    scores, errors = {}, {}
    for code in grading_rules.item_maxima(sheet):
        raw = (post.get(f"s-{code}") or "").strip()
        if not raw:
            continue
        whole, _, frac = raw.partition(".")
        if not ascii_digits(whole) or (frac and not ascii_digits(frac)) or len(raw) > 6:
            errors[code] = "请填写数字得分"
            continue
        scores[code] = float(raw)
    return scores, errors


@login_required
def credit(request):
    """Institutions of the area with their credit level, grade, evaluation and list standing."""
    require(permissions.may_view_supervision(request.user))
    q = request.GET.get("q", "")
    page = page_of(selectors.institutions_in_scope(by=request.user, q=q), request.GET)
    page.items = [
        {"facility": f, "card": selectors.facility_card(f, with_inspections=False)}
        for f in page.items
    ]
    providers = page_of(
        selectors.providers_in_scope(by=request.user), request.GET, param="ppage"
    )
    providers.items = [
        {"provider": p, "standing": selectors.standing_of(provider=p)}
        for p in providers.items
    ]
    context = {
        "nav": NAV,
        "page": page,
        "providers": providers,
        "q": q,
        "lists": selectors.list_entries(by=request.user)[:50],
        "level_names": grading_rules.LEVEL_NAMES,
    }
    return render(request, "supervision/credit.html", context)


@login_required
def credit_subject(request, kind: str, pk: int):
    """One institution's or provider's credit record; the bureau evaluates the year and decides
    on the lists here."""
    require(permissions.may_see_supervision_records(request.user))
    try:
        if kind == "facility":
            subject = facility_selectors.facility_get(by=request.user, pk=pk)
            owner = {"facility": subject}
        elif kind == "provider":
            require(permissions.may_view_supervision(request.user))
            subject = (
                facility_selectors.provider_list(by=request.user).filter(pk=pk).first()
            )
            if subject is None:
                raise NotInScope(pk)
            owner = {"provider": subject}
        else:
            raise Http404
    except NotInScope:
        raise Http404 from None
    if request.method == "POST" and request.POST.get("action") == "commit":
        try:
            services.commitment_sign(by=request.user, **owner)
            messages.success(request, "已签署信用承诺。")
        except ValidationFailed as exc:
            _flash(request, exc)
        return redirect(f"supervision:credit_{kind}", pk=pk)
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        action = request.POST.get("action")
        try:
            if action == "evaluate":
                year = request.POST.get("year", "")
                if not ascii_digits(year) or len(year) != 4:
                    raise ValidationFailed({"year": "请填写四位年度"})
                made = services.evaluation_run(by=request.user, year=int(year), **owner)
                messages.success(
                    request, f"{made.year} 年度评价：{made.result}（{made.score:g} 分）"
                )
            elif action == "enter":
                services.list_enter(
                    by=request.user,
                    kind=request.POST.get("kind", ""),
                    reason=request.POST.get("reason", ""),
                    **owner,
                )
                messages.success(request, "已列入名单。")
            elif action == "end":
                entry = (
                    selectors.lists_of(**owner)
                    .filter(pk=int(request.POST.get("entry") or 0))
                    .first()
                )
                if entry is None:
                    raise ValidationFailed({"entry": "名单记录不存在"})
                services.list_end(
                    by=request.user, entry=entry, reason=request.POST.get("reason", "")
                )
                messages.success(request, "已移出名单。")
            else:
                raise ValidationFailed({"action": "未知的操作"})
        except ValueError:
            messages.error(request, "输入有误")
        except ValidationFailed as exc:
            _flash(request, exc)
        return redirect(f"supervision:credit_{kind}", pk=pk)
    people, banned = selectors.people_behind(**owner)
    context = {
        "nav": NAV,
        "kind": kind,
        "subject": subject,
        "standing": selectors.standing_of(**owner),
        "entries": page_of(selectors.credit_entries(**owner), request.GET),
        "lists": selectors.lists_of(**owner),
        "card": selectors.facility_card(subject, with_inspections=False)
        if kind == "facility"
        else None,
        "evaluations": selectors.evaluations_of(**owner),
        "people": people,
        # who is banned, and why, is the ban list's own rule (the bureau); others learn only
        # that someone on the staff register is on it
        "banned": banned if permissions.may_keep_ban_list(request.user) else [],
        "banned_count": len(banned),
        "committed": selectors.credit_entries(**owner)
        .filter(kind="commitment")
        .exists(),
        "last_year": timezone.localdate().year - 1,
    }
    return render(request, "supervision/credit_subject.html", context)
