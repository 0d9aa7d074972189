"""健康服务覆盖: from the health system's roster, the share of 65+ with a health record, an annual
check and 中医药健康管理 per region (a chart and a table), the lists of those not covered; and
家庭病床 recorded for a person at home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.charts import bar_chart
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    form_page,
    found_or_404,
    querystring_without_page,
    require,
    save_form,
)
from yanglao.elders.selectors import elder_get
from yanglao.medical import forms, selectors, services
from yanglao.medical.models import HealthService
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_get, region_roots

NAV = "medical"


def _base_and_year(request) -> tuple[Region, int, list[int]]:
    today = timezone.localdate()
    years = list(range(today.year, today.year - 5, -1))
    raw = (request.GET.get("year") or "").strip()
    year = int(raw) if ascii_digits(raw) and int(raw) in years else today.year
    code = (request.GET.get("region") or "").strip()[:12]
    try:
        base = (
            region_get(by=request.user, code=code)
            if code
            else region_roots(by=request.user).first()
        )
    except NotInScope:
        raise Http404 from None
    if base is None:
        raise Http404
    return base, year, years


@login_required
def coverage(request):
    require(permissions.may_view_health_coverage(request.user))
    base, year, years = _base_and_year(request)
    today = timezone.localdate()
    rows = selectors.coverage_by_region(
        by=request.user, base=base, year=year, today=today
    )
    total, children = rows[0], rows[1:]
    return render(
        request,
        "medical/coverage.html",
        {
            "nav": NAV,
            "base": base,
            "year": year,
            "years": years,
            "total": total,
            "children": children,
            "chart": bar_chart(
                [(r.region.name, (r.tcm_rate or 0) / 100) for r in children],
                title=f"{year}年65周岁及以上老年人中医药健康管理率",
                unit="%",
            ),
            "record_chart": bar_chart(
                [(r.region.name, (r.record_rate or 0) / 100) for r in children],
                title=f"{year}年65周岁及以上老年人健康档案建档率",
                unit="%",
            ),
            "kinds": HealthService.Kind.choices,
        },
    )


@login_required
def uncovered(request):
    require(permissions.may_view_health_coverage(request.user))
    base, year, _years = _base_and_year(request)
    kind = request.GET.get("kind") or HealthService.Kind.TCM
    if kind not in HealthService.Kind.values:
        kind = HealthService.Kind.TCM
    q = (request.GET.get("q") or "").strip()[:20]
    people = selectors.uncovered(
        by=request.user,
        base=base,
        year=year,
        kind=kind,
        today=timezone.localdate(),
        q=q,
    )
    page = page_of(people, request.GET)
    return render(
        request,
        "medical/uncovered.html",
        {
            "nav": NAV,
            "base": base,
            "year": year,
            "kind": kind,
            "kind_name": HealthService.Kind(kind).label,
            "kinds": HealthService.Kind.choices,
            "q": q,
            "page": page,
            "querystring": querystring_without_page(request.GET),
        },
    )


@login_required
def home_bed_new(request, elder_pk: int):
    require(permissions.may_record_home_beds(request.user))
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    form = forms.HomeBedForm(
        request.POST or None,
        initial={"opened_on": timezone.localdate()},
        institutions=selectors.referral_targets(elder=elder),
    )
    done = save_form(
        request,
        form,
        lambda d: services.home_bed_open(by=request.user, elder=elder, **d),
        success="已登记家庭病床",
        next_url=reverse("elders:detail", args=[elder.pk]),
    )
    return done or form_page(
        request,
        form,
        heading=f"登记家庭病床：{elder.name}",
        cancel_url=reverse("elders:detail", args=[elder.pk]),
        nav=NAV,
        intro="家庭病床期间由医疗机构医护团队上门，探访名单中单列计数。",
    )


@login_required
def home_bed_close(request, pk: int):
    require(permissions.may_record_home_beds(request.user))
    bed = found_or_404(selectors.home_bed_get, by=request.user, pk=pk)
    form = forms.HomeBedCloseForm(
        request.POST or None, initial={"closed_on": timezone.localdate()}
    )
    done = save_form(
        request,
        form,
        lambda d: services.home_bed_close(by=request.user, home_bed=bed, **d),
        success="已撤床",
        next_url=reverse("elders:detail", args=[bed.elder_id]),
    )
    return done or form_page(
        request,
        form,
        heading=f"撤床：{bed.elder.name}（{bed.institution.name}）",
        cancel_url=reverse("elders:detail", args=[bed.elder_id]),
        nav=NAV,
    )


@login_required
def family_contract_new(request, elder_pk: int):
    require(permissions.may_record_family_doctors(request.user))
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    today = timezone.localdate()
    form = forms.FamilyContractForm(
        request.POST or None,
        initial={"starts_on": today, "ends_on": today.replace(month=12, day=31)},
        institutions=selectors.referral_targets(elder=elder),
    )
    done = save_form(
        request,
        form,
        lambda d: services.family_contract_record(by=request.user, elder=elder, **d),
        success="已登记家庭医生签约",
        next_url=reverse("elders:detail", args=[elder.pk]),
    )
    return done or form_page(
        request,
        form,
        heading=f"登记家庭医生签约：{elder.name}",
        cancel_url=reverse("elders:detail", args=[elder.pk]),
        nav=NAV,
        intro="卫生健康部门的年度名单导入后会核对同一签约；此处用于名单到来之前的登记。",
    )


@login_required
def family_contract_end(request, pk: int):
    require(permissions.may_record_family_doctors(request.user))
    contract = found_or_404(selectors.family_contract_get, by=request.user, pk=pk)
    form = forms.FamilyContractEndForm(
        request.POST or None, initial={"ended_on": timezone.localdate()}
    )
    done = save_form(
        request,
        form,
        lambda d: services.family_contract_end(by=request.user, contract=contract, **d),
        success="已登记解约",
        next_url=reverse("elders:detail", args=[contract.elder_id]),
    )
    return done or form_page(
        request,
        form,
        heading=f"家庭医生解约：{contract.elder.name}（{contract.institution.name}）",
        cancel_url=reverse("elders:detail", args=[contract.elder_id]),
        nav=NAV,
    )
