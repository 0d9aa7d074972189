from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import paginate
from yanglao.core.views import add_service_errors, querystring_without_page
from yanglao.elders.selectors import elder_find_by_id_number
from yanglao.facilities import selectors, services
from yanglao.facilities.forms import (
    AdmissionForm,
    BanForm,
    BedForm,
    DischargeForm,
    FacilityFilterForm,
    FacilityForm,
    StaffForm,
    TrainingForm,
)
from yanglao.facilities.models import Facility, StaffRole
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_choices


def _form_page(
    request,
    form,
    heading: str,
    cancel_url: str,
    nav: str = "facilities",
    intro: str = "",
):
    context = {
        "nav": nav,
        "form": form,
        "heading": heading,
        "cancel_url": cancel_url,
        "intro": intro,
    }
    return render(request, "core/form_page.html", context)


@login_required
def facility_list(request):
    form = FacilityFilterForm(
        request.GET or None,
        regions=region_choices(by=request.user, max_level=Region.Level.TOWNSHIP),
    )
    filters = (
        selectors.FacilityFilter(**form.cleaned_data)
        if form.is_valid()
        else selectors.FacilityFilter()
    )
    page = paginate(
        selectors.facility_list(by=request.user, filters=filters),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "facilities/list.html",
        {
            "nav": "facilities",
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request.GET),
        },
    )


@login_required
def facility_detail(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    beds = list(selectors.bed_list(by=request.user, facility=facility))
    context = {
        "nav": "facilities",
        "facility": facility,
        "beds": beds,
        "bed_total": len(beds),
        "bed_nursing": sum(1 for b in beds if b.kind == "nursing"),
        "bed_occupied": sum(1 for b in beds if b.occupied),
        "admissions": selectors.admission_list(by=request.user, facility=facility),
        "staff": selectors.staff_list(
            by=request.user, filters=selectors.StaffFilter(facility=str(facility.pk))
        ),
    }
    return render(request, "facilities/detail.html", context)


def _facility_form(request, facility: Facility | None):
    regions = region_choices(by=request.user)
    initial = None
    if facility is not None:
        initial = {
            f: getattr(facility, f) for f in services.FACILITY_FIELDS if f != "region"
        }
        initial["region"] = facility.region.code
    form = FacilityForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            if facility is None:
                facility = services.facility_create(
                    by=request.user, **form.cleaned_data
                )
            else:
                changed = {
                    k: v for k, v in form.cleaned_data.items() if k in form.changed_data
                }
                services.facility_update(by=request.user, facility=facility, **changed)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "机构信息已保存")
            return redirect("facilities:detail", pk=facility.pk)
    heading = "新增机构" if facility is None else f"修改机构：{facility.name}"
    cancel = (
        reverse("facilities:list")
        if facility is None
        else reverse("facilities:detail", args=[facility.pk])
    )
    return _form_page(request, form, heading, cancel)


@login_required
def facility_create(request):
    return _facility_form(request, None)


@login_required
def facility_edit(request, pk: int):
    return _facility_form(request, selectors.facility_get(by=request.user, pk=pk))


@login_required
def bed_add(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    form = BedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bed_create(by=request.user, facility=facility, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "床位已添加")
            return redirect("facilities:detail", pk=pk)
    return _form_page(
        request,
        form,
        f"添加床位：{facility.name}",
        reverse("facilities:detail", args=[pk]),
    )


@login_required
def admission_add(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    free = [
        b
        for b in selectors.bed_list(by=request.user, facility=facility)
        if not b.occupied and b.state == "in_service"
    ]
    form = AdmissionForm(request.POST or None, beds=free)
    if request.method == "POST" and form.is_valid():
        elder = elder_find_by_id_number(form.cleaned_data["id_number"])
        bed = next((b for b in free if str(b.pk) == form.cleaned_data["bed"]), None)
        if elder is None:
            form.add_error("id_number", "未找到该身份证号的老年人档案，请先由社区建档")
        else:
            try:
                services.admission_create(
                    by=request.user,
                    elder=elder,
                    bed=bed,
                    admitted_on=form.cleaned_data["admitted_on"],
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc, aliases={"elder": "id_number"})
            else:
                messages.success(request, f"{elder.name} 已办理入住")
                return redirect("facilities:detail", pk=pk)
    return _form_page(
        request,
        form,
        f"办理入住：{facility.name}",
        reverse("facilities:detail", args=[pk]),
    )


@login_required
def admission_discharge(request, pk: int):
    admission = selectors.admission_get(by=request.user, pk=pk)
    form = DischargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.admission_discharge(
                by=request.user, admission=admission, **form.cleaned_data
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{admission.elder.name} 已办理退住")
            return redirect("facilities:detail", pk=admission.bed.facility_id)
    return _form_page(
        request,
        form,
        f"办理退住：{admission.elder.name}",
        reverse("facilities:detail", args=[admission.bed.facility_id]),
    )


@login_required
def staff_list(request):
    filters = selectors.StaffFilter(
        q=request.GET.get("q", "").strip(), role=request.GET.get("role", "")
    )
    page = paginate(
        selectors.staff_list(by=request.user, filters=filters),
        page=request.GET.get("page"),
    )
    context = {
        "nav": "staff",
        "page": page,
        "roles": StaffRole.choices,
        "filters": filters,
        "querystring": querystring_without_page(request.GET),
    }
    return render(request, "facilities/staff_list.html", context)


@login_required
def staff_detail(request, pk: int):
    staff = selectors.staff_get(by=request.user, pk=pk)
    return render(
        request,
        "facilities/staff_detail.html",
        {"nav": "staff", "staff": staff, "trainings": staff.trainings.all()},
    )


@login_required
def staff_hire(request):
    facilities = selectors.facility_list(by=request.user)
    form = StaffForm(request.POST or None, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facility = next(
            (f for f in facilities if str(f.pk) == data.pop("facility")), None
        )
        try:
            staff = services.staff_hire(by=request.user, facility=facility, **data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{staff.name} 已登记入职")
            return redirect("facilities:staff_detail", pk=staff.pk)
    return _form_page(request, form, "从业人员入职登记", reverse("facilities:staff_list"), nav="staff",
                      intro="提交时自动进行入职查询：在从业禁止名单内的人员不得录用。")  # fmt: skip


@login_required
def training_add(request, pk: int):
    staff = selectors.staff_get(by=request.user, pk=pk)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_add(by=request.user, staff=staff, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "培训记录已保存")
            return redirect("facilities:staff_detail", pk=pk)
    return _form_page(
        request,
        form,
        f"添加培训记录：{staff.name}",
        reverse("facilities:staff_detail", args=[pk]),
        nav="staff",
    )


@login_required
def ban_list(request):
    page = paginate(selectors.ban_list(by=request.user), page=request.GET.get("page"))
    return render(
        request,
        "facilities/ban_list.html",
        {"nav": "staff", "page": page, "querystring": ""},
    )


@login_required
def ban_add(request):
    form = BanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ban_add(by=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已加入从业禁止名单")
            return redirect("facilities:ban_list")
    return _form_page(
        request, form, "加入从业禁止名单", reverse("facilities:ban_list"), nav="staff"
    )
