"""立案 pages: the bureau's cases (opened from a rectification order), each closed with its
decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from yanglao.core import permissions
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.money import yuan_text_to_fen
from yanglao.core.pagination import page_of
from yanglao.core.views import require
from yanglao.supervision import selectors, services
from yanglao.supervision.models import Case

NAV = "supervision"


@login_required
def cases(request):
    require(permissions.may_view_supervision(request.user))
    state = request.GET.get("state", "")
    context = {
        "nav": NAV,
        "page": page_of(selectors.cases(by=request.user, state=state), request.GET),
        "state": state,
    }
    return render(request, "supervision/cases.html", context)


@login_required
def case(request, pk: int):
    require(permissions.may_view_supervision(request.user))
    try:
        found = selectors.case_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        try:
            fine = (request.POST.get("fine") or "").strip()
            try:
                fine_fen = yuan_text_to_fen(fine) if fine else 0
            except ValueError as exc:
                raise ValidationFailed({"fine": str(exc)}) from None
            services.case_close(
                by=request.user,
                case=found,
                decision=request.POST.get("decision", ""),
                text=request.POST.get("decision_text", ""),
                fine_fen=fine_fen,
            )
            messages.success(request, "已结案。")
        except ValidationFailed as exc:
            for reason in exc.errors.values():
                messages.error(request, reason)
        return redirect("supervision:case", pk=pk)
    context = {"nav": NAV, "case": found, "decisions": Case.Decision.choices}
    return render(request, "supervision/case.html", context)
