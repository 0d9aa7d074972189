"""应急预案与演练 pages: the area's institutions with their plan coverage and last drill; one
institution's plans and drills, where it (or the bureau) records them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yanglao.alarms.selectors import facility_detectors
from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import require
from yanglao.facilities import selectors as facility_selectors
from yanglao.supervision import selectors, services
from yanglao.supervision.models import EmergencyKind

NAV = "supervision"


@login_required
def overview(request):
    require(permissions.may_see_supervision_records(request.user))
    q, lack = request.GET.get("q", ""), request.GET.get("lack", "")
    context = {
        "nav": NAV,
        "page": page_of(
            selectors.emergency_overview(by=request.user, q=q, lack=lack), request.GET
        ),
        "q": q,
        "lack": lack,
        "year_start": timezone.localdate().replace(month=1, day=1),
    }
    return render(request, "supervision/emergency.html", context)


def _count(raw, default: int | None = None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    return int(raw) if ascii_digits(raw) and len(raw) <= 5 else -1


@login_required
def facility(request, pk: int):
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = facility_selectors.facility_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    if not found.is_institution:
        raise Http404
    errors: dict[str, str] = {}
    post = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            if post.get("action") == "plan":
                services.plan_record(
                    by=request.user,
                    facility=found,
                    kind=post.get("kind", ""),
                    title=post.get("title", ""),
                    approved_on=post.get("approved_on", ""),
                )
                messages.success(request, "已登记应急预案。")
            else:
                services.drill_record(
                    by=request.user,
                    facility=found,
                    kind=post.get("kind", ""),
                    held_on=post.get("held_on", ""),
                    staff=_count(post.get("staff")),
                    residents=_count(post.get("residents"), 0),
                    findings=post.get("findings", ""),
                    supplies_ok=post.get("supplies_ok") == "1",
                    supplies_note=post.get("supplies_note", ""),
                )
                messages.success(request, "已登记应急演练。")
            return redirect("supervision:emergency_facility", pk=pk)
        except ValidationFailed as exc:
            errors = {
                ("general" if k == "__all__" else k): v for k, v in exc.errors.items()
            }
    plans, drills = selectors.emergency_of(found)
    covered = {p.kind for p in plans}
    context = {
        "nav": NAV,
        "facility": found,
        "plans": plans,
        "drills": drills,
        "detectors": facility_detectors(found.pk),
        "kinds": EmergencyKind.choices,
        "missing": [
            label for value, label in EmergencyKind.choices if value not in covered
        ],
        "errors": errors,
        "post": post,
        "form_of": post.get("action", ""),
        "may_record": permissions.may_supervise(request.user)
        or permissions.may_answer_rectification(request.user),
    }
    return render(request, "supervision/emergency_facility.html", context)
