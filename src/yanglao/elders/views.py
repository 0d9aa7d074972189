from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    flash_errors,
    form_page,
    list_export,
    list_page,
    require,
    save_form,
)
from yanglao.elders import selectors, services
from yanglao.elders.forms import (
    CategoryForm,
    ContactForm,
    ElderFilterForm,
    ElderForm,
    LifeEventForm,
    MergeForm,
)
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_choices


@login_required
def elder_list(request):
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    form = ElderFilterForm(request.GET or None, regions=regions)
    return list_page(
        request,
        form,
        make_filter=selectors.ElderFilter,
        select=selectors.elder_list,
        template="elders/list.html",
        nav="elders",
    )


@login_required
def elder_export(request, fmt: str):
    """The filtered list as .xlsx or .csv; full identity and phone numbers only for those who
    may see them and ask (full=1). Audited."""
    regions = region_choices(by=request.user, max_level=Region.Level.TOWNSHIP)
    full = request.user.may_view_full_pii and request.GET.get("full") == "1"
    return list_export(
        request,
        fmt,
        ElderFilterForm(request.GET or None, regions=regions),
        make_filter=selectors.ElderFilter,
        rows=lambda f: selectors.elder_export_rows(
            by=request.user, filters=f, full_pii=full
        ),
        name="老年人名单",
        header=selectors.EXPORT_HEADER,
        what="elders.elder",
        full_pii=full,
    )


@login_required
def elder_detail(request, pk: int):
    profile = selectors.elder_profile(by=request.user, pk=pk)
    return render(
        request,
        "elders/detail.html",
        {"nav": "elders", "p": profile, "elder": profile.elder},
    )


@login_required
@require_POST
def elder_reveal(request, pk: int):
    profile = selectors.elder_profile(by=request.user, pk=pk)
    revealed = services.elder_reveal_pii(by=request.user, elder=profile.elder)
    context = {
        "nav": "elders",
        "p": profile,
        "elder": profile.elder,
        "revealed": revealed,
    }
    return render(request, "elders/detail.html", context)


@login_required
def elder_create(request):
    require(permissions.may_write_registry(request.user))
    form = ElderForm(request.POST or None, regions=region_choices(by=request.user))
    done = save_form(
        request,
        form,
        lambda data: services.elder_create(by=request.user, **data),
        success=lambda elder: f"已为 {elder.name} 建档",
        next_url=lambda elder: reverse("elders:detail", args=[elder.pk]),
    )
    return done or form_page(
        request,
        form,
        heading="老年人建档",
        cancel_url=reverse("elders:list"),
        nav="elders",
    )


@login_required
def elder_edit(request, pk: int):
    """修改档案. The identity and phone numbers are filled in only for those who may see them in
    full, and that view is audited; everyone else sees them masked and types a number only to
    correct it (issue 20, finding 2)."""
    elder = selectors.elder_get(by=request.user, pk=pk)  # outside scope: 404 first
    require(permissions.may_write_registry(request.user))
    full = permissions.may_view_full_pii(request.user)
    if not full:
        numbers = {"id_number": "", "phone": ""}
    elif request.method == "GET":  # shown: audited
        numbers = services.elder_reveal_pii(
            by=request.user, elder=elder, why="修改档案"
        )
    else:  # compared with what was posted, not shown
        numbers = {"id_number": elder.id_number, "phone": elder.phone}
    initial = {
        "name": elder.name,
        "id_number": numbers["id_number"],
        "phone": numbers["phone"],
        "residence_region": elder.residence_region.code,
        "address": elder.address,
        "hukou_region": elder.hukou_region.code if elder.hukou_region else "",
        "living_arrangement": elder.living_arrangement,
        "care_setting": elder.care_setting,
        "lat": elder.lat,
        "lng": elder.lng,
    }
    form = ElderForm(
        request.POST or None,
        initial=initial,
        regions=region_choices(by=request.user),
        masked=None
        if full
        else {"id_number": elder.id_number_masked, "phone": elder.phone_masked},
    )
    done = save_form(
        request,
        form,
        lambda data: services.elder_update(
            by=request.user, elder=elder, **{k: data[k] for k in form.changed_data}
        ),
        success="档案已保存",
        next_url=reverse("elders:detail", args=[pk]),
    )
    return done or form_page(
        request,
        form,
        heading=f"修改档案：{elder.name}",
        cancel_url=reverse("elders:detail", args=[pk]),
        nav="elders",
    )


def _elder_sub_form(request, pk: int, form_class, heading: str, action):
    """A small form on an elder's page (contact, life event, category) that calls one service."""
    elder = selectors.elder_get(by=request.user, pk=pk)
    require(permissions.may_write_registry(request.user))
    form = form_class(request.POST or None)
    detail = reverse("elders:detail", args=[pk])
    done = save_form(
        request,
        form,
        lambda data: action(elder, data),
        success="已保存",
        next_url=detail,
    )
    return done or form_page(
        request,
        form,
        heading=f"{heading}：{elder.name}",
        cancel_url=detail,
        nav="elders",
    )


@login_required
def contact_add(request, pk: int):
    return _elder_sub_form(
        request,
        pk,
        ContactForm,
        "添加联系人",
        lambda e, d: services.contact_add(by=request.user, elder=e, **d),
    )


@login_required
def life_event_add(request, pk: int):
    return _elder_sub_form(
        request,
        pk,
        LifeEventForm,
        "登记迁入/迁出/死亡/出院",
        lambda e, d: services.life_event_record(by=request.user, elder=e, **d),
    )


@login_required
def category_add(request, pk: int):
    return _elder_sub_form(
        request,
        pk,
        CategoryForm,
        "添加困难类别",
        lambda e, d: services.category_add(by=request.user, elder=e, **d),
    )


@login_required
def duplicates(request):
    """疑似重复档案: groups a clerk reviews and merges."""
    groups = selectors.duplicate_groups(by=request.user)
    page = page_of(groups, request.GET, per_page=20)
    return render(
        request,
        "elders/duplicates.html",
        {"nav": "elders", "page": page, "querystring": ""},
    )


@login_required
@require_POST
def merge(request):
    form = MergeForm(request.POST)
    if form.is_valid():
        keep = selectors.elder_get(by=request.user, pk=form.cleaned_data["keep"])
        remove = selectors.elder_get(by=request.user, pk=form.cleaned_data["remove"])
        try:
            services.elder_merge(
                by=request.user,
                keep=keep,
                remove=remove,
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            flash_errors(request, exc)
        else:
            messages.success(
                request, f"已将档案 #{remove.pk} 合并到 {keep.name}（#{keep.pk}）"
            )
            return redirect("elders:detail", pk=keep.pk)
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    return redirect("elders:duplicates")
