"""集中供养 bed offers: choosing a free bed for a person in the queue (nearest first, of the kind
they need), recording their answer — accepting admits them — and withdrawing an offer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.views import add_service_errors, found_or_404, require
from yanglao.elders.selectors import elder_get
from yanglao.facilities.models import Bed
from yanglao.medical import forms, selectors, services

NAV = "medical"


@login_required
def offer_new(request, elder_pk: int):
    require(permissions.may_offer_beds(request.user))
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    today = timezone.localdate()
    place = selectors.queue_place_of(by=request.user, elder=elder, today=today)
    choices = (
        selectors.bed_choices(
            by=request.user, elder=elder, nursing=place.nursing_bed, today=today
        )
        if place
        else []
    )
    error = ""
    if request.method == "POST":
        bed = selectors.bed_named(request.POST.get("bed"))
        if bed is None:
            error = "请选择一张床位"
        else:
            try:
                offer = services.bed_offer_create(by=request.user, elder=elder, bed=bed)
            except ValidationFailed as exc:
                error = "；".join(exc.errors.values())
            else:
                messages.success(request, f"已为{elder.name}安排床位，待本人答复")
                return redirect("medical:offer", pk=offer.pk)
    return render(
        request,
        "medical/offer_new.html",
        {
            "nav": NAV,
            "elder": elder,
            "place": place,
            "choices": choices,
            "error": error,
        },
    )


@login_required
def offer(request, pk: int):
    require(
        permissions.may_offer_beds(request.user)
        or permissions.may_view_medical(request.user)
    )
    found = found_or_404(selectors.offer_get, by=request.user, pk=pk)
    form = forms.OfferAnswerForm(
        request.POST or None, initial={"admitted_on": timezone.localdate()}
    )
    if request.method == "POST":
        require(permissions.may_offer_beds(request.user))
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["answer"] == "withdraw":
                    services.bed_offer_withdraw(
                        by=request.user, offer=found, note=d["note"]
                    )
                else:
                    services.bed_offer_answer(
                        by=request.user,
                        offer=found,
                        accept=d["answer"] == "accept",
                        note=d["note"],
                        admitted_on=d["admitted_on"],
                    )
            except ValidationFailed as exc:
                add_service_errors(
                    form, exc, aliases={"bed": "answer", "elder": "answer"}
                )
            else:
                found.refresh_from_db()
                messages.success(request, f"已登记：{found.get_status_display()}")
                return redirect("medical:offer", pk=pk)
    return render(
        request,
        "medical/offer.html",
        {"nav": NAV, "offer": found, "form": form, "open": found.status == "offered"},
    )


@login_required
def transfer(request, elder_pk: int):
    """网络内转院: a resident of a network institution moves to a free bed of the county's
    network (nearest their home first), discharged and admitted the same day."""
    require(permissions.may_offer_beds(request.user))
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    admission = selectors.network_admission_of(elder)
    today = timezone.localdate()
    choices = (
        [
            c
            for c in selectors.bed_choices(
                by=request.user,
                elder=elder,
                nursing=admission.bed.kind == Bed.Kind.NURSING,
                today=today,
            )
            if c.bed.facility_id != admission.bed.facility_id
        ]
        if admission
        else []
    )
    error = ""
    if request.method == "POST" and admission is not None:
        bed = selectors.bed_named(request.POST.get("bed"))
        if bed is None:
            error = "请选择一张床位"
        else:
            try:
                services.network_transfer(
                    by=request.user, admission=admission, bed=bed, on=today
                )
            except ValidationFailed as exc:
                error = "；".join(exc.errors.values())
            else:
                messages.success(
                    request, f"{elder.name}已转入{bed.facility.name} {bed.code} 床"
                )
                return redirect("elders:detail", pk=elder.pk)
    return render(
        request,
        "medical/transfer.html",
        {
            "nav": NAV,
            "elder": elder,
            "admission": admission,
            "choices": choices,
            "error": error,
        },
    )
