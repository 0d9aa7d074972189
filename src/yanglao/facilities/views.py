from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.charts import PALETTE, Layer, Marker
from yanglao.core.errors import ValidationFailed
from yanglao.core.export import FORMATS, export_response
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    flash_errors,
    form_page,
    found_or_404,
    list_export,
    list_page,
    querystring_without_page,
    require,
    save_form,
)
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
from yanglao.facilities.models import Facility, FacilityType, StaffRole
from yanglao.facilities.sections import facility_sections
from yanglao.regions.maps import region_map
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_choices


@login_required
def facility_list(request):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    form = FacilityFilterForm(request.GET or None, regions=regions)
    return list_page(
        request,
        form,
        make_filter=selectors.FacilityFilter,
        select=selectors.facility_list,
        template="facilities/list.html",
        nav="facilities",
        extra=_facility_map if request.GET.get("map") == "1" else None,
    )


MAP_FACILITIES = 3000  # more than a city has


def _facility_map(facilities) -> dict:
    """在地图上显示: every facility of the filtered list, by type, named when few."""
    by_type: dict[str, list] = {}
    for f in selectors.facilities_located(facilities, limit=MAP_FACILITIES):
        by_type.setdefault(f.type, []).append(Marker(f.lat, f.lng, f.name))
    names = dict(FacilityType.choices)
    layers = [
        Layer(
            names.get(kind, kind),
            tuple(markers),
            PALETTE[i % len(PALETTE)],
            "square",
            "家",
        )
        for i, (kind, markers) in enumerate(sorted(by_type.items()))
    ]
    return {"map": region_map(layers, title="养老服务设施分布", width=720, height=520)}


def _facility_list_export(request, fmt: str, **what):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    form = FacilityFilterForm(request.GET or None, regions=regions)
    return list_export(request, fmt, form, make_filter=selectors.FacilityFilter, **what)


@login_required
def facility_export(request, fmt: str):
    return _facility_list_export(
        request,
        fmt,
        name="养老服务设施名单",
        header=selectors.FACILITY_EXPORT_HEADER,
        what="facilities.facility",
        rows=lambda f: selectors.facility_export_rows(by=request.user, filters=f),
    )


@login_required
def bed_export(request, fmt: str):
    return _facility_list_export(
        request,
        fmt,
        name="床位名单",
        header=selectors.BED_EXPORT_HEADER,
        what="facilities.bed",
        rows=lambda f: selectors.bed_export_rows(by=request.user, filters=f),
    )


@login_required
def staff_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    filters = selectors.StaffFilter(
        q=request.GET.get("q", "").strip(), role=request.GET.get("role", "")
    )
    full = request.user.may_view_full_pii and request.GET.get("full") == "1"
    return export_response(
        by=request.user,
        fmt=fmt,
        name="从业人员名单",
        header=selectors.STAFF_EXPORT_HEADER,
        rows=selectors.staff_export_rows(
            by=request.user, filters=filters, full_pii=full
        ),
        what="facilities.staff",
        filters={"q": filters.q, "role": filters.role},
        full_pii=full,
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
        "sections": facility_sections(by=request.user, facility=facility),
    }
    return render(request, "facilities/detail.html", context)


def _facility_form(request, facility: Facility | None):
    initial = None
    if facility is not None:
        initial = {
            f: getattr(facility, f) for f in services.FACILITY_FIELDS if f != "region"
        }
        initial["region"] = facility.region.code
    form = FacilityForm(
        request.POST or None, initial=initial, regions=region_choices(by=request.user)
    )

    def save(data):
        if facility is None:
            return services.facility_create(by=request.user, **data)
        return services.facility_update(
            by=request.user,
            facility=facility,
            **{k: data[k] for k in form.changed_data},
        )

    done = save_form(
        request,
        form,
        save,
        success="机构信息已保存",
        next_url=lambda f: reverse("facilities:detail", args=[f.pk]),
    )
    heading = "新增机构" if facility is None else f"修改机构：{facility.name}"
    cancel = (
        reverse("facilities:list")
        if facility is None
        else reverse("facilities:detail", args=[facility.pk])
    )
    return done or form_page(
        request, form, heading=heading, cancel_url=cancel, nav="facilities"
    )


@login_required
def facility_create(request):
    require(permissions.may_create_facilities(request.user))
    return _facility_form(request, None)


@login_required
def facility_edit(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    require(permissions.may_write_facilities(request.user))
    return _facility_form(request, facility)


@login_required
def bed_add(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    require(permissions.may_write_facilities(request.user))
    form = BedForm(request.POST or None)
    detail = reverse("facilities:detail", args=[pk])
    done = save_form(
        request,
        form,
        lambda data: services.bed_create(by=request.user, facility=facility, **data),
        success="床位已添加",
        next_url=detail,
    )
    return done or form_page(
        request,
        form,
        heading=f"添加床位：{facility.name}",
        cancel_url=detail,
        nav="facilities",
    )


@login_required
@require_POST
def bed_accept(request, pk: int):
    """验收 of a new bed, from the facility page (the bureau)."""
    require(permissions.may_accept_new_beds(request.user))
    bed = found_or_404(selectors.bed_get, by=request.user, pk=pk)
    try:
        day = dt.date.fromisoformat(request.POST.get("accepted_on", ""))
    except ValueError:
        day = None
    try:
        services.bed_accept(by=request.user, bed=bed, accepted_on=day)
    except ValidationFailed as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"床位 {bed.code} 已验收")
    return redirect("facilities:detail", pk=bed.facility_id)


@login_required
def admission_add(request, pk: int):
    facility = selectors.facility_get(by=request.user, pk=pk)
    require(permissions.may_write_facilities(request.user))
    free = [
        b
        for b in selectors.bed_list(by=request.user, facility=facility)
        if not b.occupied and b.state == "in_service"
    ]
    form = AdmissionForm(request.POST or None, beds=free)
    detail = reverse("facilities:detail", args=[pk])

    def admit(data):
        bed = next(b for b in free if str(b.pk) == data["bed"])
        return services.admission_admit(
            by=request.user,
            bed=bed,
            admitted_on=data["admitted_on"],
            id_number=data["id_number"],
        )

    done = save_form(
        request,
        form,
        admit,
        success=lambda a: f"{a.elder.name} 已办理入住",
        next_url=detail,
        aliases={"elder": "id_number"},
    )
    return done or form_page(
        request,
        form,
        heading=f"办理入住：{facility.name}",
        cancel_url=detail,
        nav="facilities",
    )


@login_required
def admission_discharge(request, pk: int):
    admission = selectors.admission_get(by=request.user, pk=pk)
    require(permissions.may_write_facilities(request.user))
    form = DischargeForm(request.POST or None)
    detail = reverse("facilities:detail", args=[admission.bed.facility_id])
    done = save_form(
        request,
        form,
        lambda data: services.admission_discharge(
            by=request.user,
            admission=admission,
            discharged_on=data["discharged_on"],
            reason=data["reason"],
        ),
        success=f"{admission.elder.name} 已办理退住",
        next_url=detail,
    )
    heading = f"办理退住：{admission.elder.name}"
    return done or form_page(
        request, form, heading=heading, cancel_url=detail, nav="facilities"
    )


@login_required
def staff_list(request):
    filters = selectors.StaffFilter(
        q=request.GET.get("q", "").strip(), role=request.GET.get("role", "")
    )
    page = page_of(selectors.staff_list(by=request.user, filters=filters), request.GET)
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
        {"nav": "staff", "staff": staff, "trainings": selectors.staff_trainings(staff)},
    )


@login_required
def staff_hire(request):
    require(
        permissions.may_write_facilities(request.user)
        or permissions.may_hire_provider_staff(request.user)
    )
    facilities = selectors.facility_list(by=request.user)
    form = StaffForm(request.POST or None, facilities=facilities)

    def hire(data):
        facility = next((f for f in facilities if str(f.pk) == data["facility"]), None)
        fields = {k: v for k, v in data.items() if k != "facility"}
        return services.staff_hire(by=request.user, facility=facility, **fields)

    done = save_form(
        request,
        form,
        hire,
        success=lambda s: f"{s.name} 已登记入职",
        next_url=lambda s: reverse("facilities:staff_detail", args=[s.pk]),
    )
    intro = "提交时自动进行入职查询：在从业禁止名单内的人员不得录用。"
    cancel = reverse("facilities:staff_list")
    return done or form_page(
        request,
        form,
        heading="从业人员入职登记",
        cancel_url=cancel,
        nav="staff",
        intro=intro,
    )


@login_required
def training_add(request, pk: int):
    staff = selectors.staff_get(by=request.user, pk=pk)
    require(
        permissions.may_write_facilities(request.user)
        or permissions.may_hire_provider_staff(request.user)
    )
    form = TrainingForm(request.POST or None)
    detail = reverse("facilities:staff_detail", args=[pk])
    done = save_form(
        request,
        form,
        lambda data: services.training_add(by=request.user, staff=staff, **data),
        success="培训记录已保存",
        next_url=detail,
    )
    return done or form_page(
        request,
        form,
        heading=f"添加培训记录：{staff.name}",
        cancel_url=detail,
        nav="staff",
    )


@login_required
def ban_list(request):
    page = page_of(selectors.ban_list(by=request.user), request.GET)
    return render(
        request,
        "facilities/ban_list.html",
        {"nav": "staff", "page": page, "querystring": ""},
    )


@login_required
def ban_add(request):
    require(permissions.may_keep_ban_list(request.user))
    form = BanForm(request.POST or None)
    bans = reverse("facilities:ban_list")
    done = save_form(
        request,
        form,
        lambda data: services.ban_add(by=request.user, **data),
        success="已加入从业禁止名单",
        next_url=bans,
    )
    return done or form_page(
        request, form, heading="加入从业禁止名单", cancel_url=bans, nav="staff"
    )
