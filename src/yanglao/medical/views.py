"""医养结合 pages: the medical institutions of an area, the institutions' contracts with them and
the patrol visits that fulfil them, and an institution's in-house medical unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.pagination import page_of
from yanglao.core.views import (
    form_page,
    found_or_404,
    list_page,
    querystring_without_page,
    require,
    save_form,
)
from yanglao.elders.selectors import elder_get, elders_by_ids
from yanglao.facilities.selectors import facility_get
from yanglao.medical import forms, rules, selectors, services
from yanglao.medical.models import Service
from yanglao.regions.selectors import region_choices

NAV = "medical"


@login_required
def institutions(request):
    require(permissions.may_view_medical(request.user))
    return list_page(
        request,
        forms.InstitutionFilterForm(request.GET or None),
        make_filter=selectors.InstitutionFilter,
        select=selectors.institution_list,
        template="medical/institutions.html",
        nav=NAV,
    )


@login_required
def institution(request, pk: int):
    require(permissions.may_view_medical(request.user))
    found = found_or_404(selectors.institution_get, by=request.user, pk=pk)
    contracts = selectors.institution_contracts(by=request.user, institution=found)
    today = timezone.localdate()
    return render(
        request,
        "medical/institution.html",
        {
            "nav": NAV,
            "institution": found,
            "contracts": [
                (c, rules.state(c.starts_on, c.ends_on, today)) for c in contracts[:100]
            ],
            "liaisons": found.liaisons.select_related("user"),
        },
    )


def _institution_form(request, found=None):
    require(permissions.may_manage_medical_institutions(request.user))
    initial = None
    if found is not None:
        initial = {f: getattr(found, f) for f in services.INSTITUTION_FIELDS}
        initial["region"] = found.region.code
    form = forms.InstitutionForm(
        request.POST or None,
        initial=initial,
        regions=region_choices(by=request.user),
    )

    def save(data):
        return services.institution_save(by=request.user, institution=found, **data)

    done = save_form(
        request,
        form,
        save,
        success="医疗机构信息已保存",
        next_url=lambda m: reverse("medical:institution", args=[m.pk]),
    )
    return done or form_page(
        request,
        form,
        heading="登记医疗机构" if found is None else f"修改医疗机构：{found.name}",
        cancel_url=reverse("medical:institutions")
        if found is None
        else reverse("medical:institution", args=[found.pk]),
        nav=NAV,
    )


@login_required
def institution_new(request):
    return _institution_form(request)


@login_required
def institution_edit(request, pk: int):
    require(permissions.may_manage_medical_institutions(request.user))
    return _institution_form(
        request, found_or_404(selectors.institution_get, by=request.user, pk=pk)
    )


@login_required
def contracts(request):
    require(
        permissions.may_view_medical(request.user)
        or permissions.may_record_medical_contracts(request.user)
    )
    today = timezone.localdate()
    return list_page(
        request,
        forms.ContractFilterForm(request.GET or None),
        make_filter=selectors.ContractFilter,
        select=selectors.contract_list,
        template="medical/contracts.html",
        nav=NAV,
        extra=lambda rows: {"today": today, "state_of": rules.state},
    )


@login_required
def contract(request, pk: int):
    require(
        permissions.may_view_medical(request.user)
        or permissions.may_record_medical_contracts(request.user)
    )
    found = found_or_404(selectors.contract_get, by=request.user, pk=pk)
    may_record = permissions.may_record_medical_contracts(request.user)
    form = forms.PatrolForm(request.POST or None)
    if request.method == "POST":
        require(may_record)
        done = save_form(
            request,
            form,
            lambda d: services.patrol_record(by=request.user, contract=found, **d),
            success="已登记巡诊",
            next_url=reverse("medical:contract", args=[pk]),
        )
        if done:
            return done
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    expected, done_count, share = selectors.contract_fulfilment(
        found, year_start, today
    )
    return render(
        request,
        "medical/contract.html",
        {
            "nav": NAV,
            "contract": found,
            "state": rules.state(found.starts_on, found.ends_on, today),
            "services_text": "、".join(
                Service(s).label for s in found.services if s in Service.values
            ),
            "patrols": selectors.contract_patrols(found)[:100],
            "expected": expected,
            "done": done_count,
            "share": share,
            "form": form,
            "may_record": may_record,
        },
    )


def _contract_form(request, facility, renews=None):
    require(permissions.may_record_medical_contracts(request.user))
    initial = None
    suggested = (request.GET.get("institution") or "").strip()
    if renews is None and ascii_digits(
        suggested
    ):  # from the old registrations' worklist
        initial = {"institution": int(suggested)}
    if renews is not None:
        initial = {
            "institution": renews.institution_id,
            "services": renews.services,
            "patrols_per_month": renews.patrols_per_month,
        }
    form = forms.ContractForm(
        request.POST or None,
        initial=initial,
        institutions=selectors.institutions_for_facility(facility),
    )
    done = save_form(
        request,
        form,
        lambda d: services.contract_create(
            by=request.user, facility=facility, renews=renews, **d
        ),
        success="已登记医养签约",
        next_url=lambda c: reverse("medical:contract", args=[c.pk]),
    )
    heading = (
        f"续签：{facility.name} ↔ {renews.institution.name}"
        if renews
        else f"登记医养签约：{facility.name}"
    )
    return done or form_page(
        request,
        form,
        heading=heading,
        cancel_url=reverse("facilities:detail", args=[facility.pk]),
        nav=NAV,
        intro="签约对象应为本县（市、区）或上级区域的医疗机构；同一对机构的签约期限不能重叠。",
    )


@login_required
def contract_new(request, facility_pk: int):
    require(permissions.may_record_medical_contracts(request.user))
    return _contract_form(
        request, found_or_404(facility_get, by=request.user, pk=facility_pk)
    )


@login_required
def contract_renew(request, pk: int):
    require(permissions.may_record_medical_contracts(request.user))
    found = found_or_404(selectors.contract_get, by=request.user, pk=pk)
    return _contract_form(request, found.facility, renews=found)


@login_required
def unit_edit(request, facility_pk: int):
    require(permissions.may_record_medical_contracts(request.user))
    facility = found_or_404(facility_get, by=request.user, pk=facility_pk)
    unit = selectors.facility_unit(facility)
    initial = None
    if unit is not None:
        initial = {
            f: getattr(unit, f)
            for f in (
                "kind",
                "filed_on",
                "licence_no",
                "insured",
                "doctors",
                "nurses",
                "closed_on",
            )
        }
    form = forms.UnitForm(request.POST or None, initial=initial)
    done = save_form(
        request,
        form,
        lambda d: services.unit_save(by=request.user, facility=facility, **d),
        success="内设医疗机构信息已保存",
        next_url=reverse("facilities:detail", args=[facility.pk]),
    )
    return done or form_page(
        request,
        form,
        heading=f"内设医疗机构：{facility.name}",
        cancel_url=reverse("facilities:detail", args=[facility.pk]),
        nav=NAV,
        intro="内设诊所、卫生所（室）、医务室或护理站，按卫生健康部门备案填写。",
    )


@login_required
def survey(request):
    """集中供养意愿登记: the 特困 persons of the area and their latest answer."""
    require(
        permissions.may_record_willingness(request.user)
        or permissions.may_view_medical(request.user)
    )
    return list_page(
        request,
        forms.SurveyFilterForm(request.GET or None),
        make_filter=selectors.SurveyFilter,
        select=selectors.tekun_survey,
        template="medical/survey.html",
        nav=NAV,
        extra=lambda rows: {"year_start": timezone.localdate().replace(month=1, day=1)},
    )


@login_required
def willingness(request, elder_pk: int):
    """One 特困 person's answers, and a new one (asked this year, or again after a change)."""
    require(
        permissions.may_record_willingness(request.user)
        or permissions.may_view_medical(request.user)
    )
    elder = found_or_404(elder_get, by=request.user, pk=elder_pk)
    may_record = permissions.may_record_willingness(request.user)
    form = forms.WillingnessForm(
        request.POST or None, initial={"asked_on": timezone.localdate()}
    )
    if request.method == "POST":
        require(may_record)
        done = save_form(
            request,
            form,
            lambda d: services.willingness_record(by=request.user, elder=elder, **d),
            success="已登记集中供养意愿",
            next_url=reverse("medical:willingness", args=[elder.pk]),
        )
        if done:
            return done
    return render(
        request,
        "medical/willingness.html",
        {
            "nav": NAV,
            "elder": elder,
            "records": selectors.willingness_of(elder),
            "form": form,
            "may_record": may_record,
        },
    )


@login_required
def queue(request):
    """集中供养 priority queue and the network's free beds, for the area or one region of it."""
    require(permissions.may_view_medical(request.user))
    region = (request.GET.get("region") or "").strip()[:12]  # unknown: nobody is in it
    places = selectors.priority_queue(by=request.user, region_code=region)
    page = page_of(places, request.GET)
    homes = selectors.network_free_beds(by=request.user, region_code=region)
    people = elders_by_ids(p.candidate.elder_id for p in page.items)
    offers = list(selectors.offers_open(by=request.user))
    offered = {o.elder_id: o for o in offers}
    return render(
        request,
        "medical/queue.html",
        {
            "nav": NAV,
            "region": region,
            "page": page,
            "rows": [
                (p, people.get(p.candidate.elder_id), offered.get(p.candidate.elder_id))
                for p in page.items
            ],
            "offers": offers,
            "homes": homes,
            "free_nursing": sum(h.free_nursing for h in homes),
            "free_ordinary": sum(h.free_ordinary for h in homes),
            "querystring": querystring_without_page(request.GET),
        },
    )


@login_required
def legacy(request):
    """旧登记待转换: the facility record's old free text to be confirmed as real records."""
    require(
        permissions.may_view_medical(request.user)
        or permissions.may_record_medical_contracts(request.user)
    )
    return render(
        request,
        "medical/legacy.html",
        {"nav": NAV, "rows": selectors.legacy_worklist(by=request.user)},
    )
