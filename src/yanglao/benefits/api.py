"""补贴津贴 API: programmes, checking a person, cycles (start, progress and totals, approval,
entitlements with their explanations) and a person's history. The same services as the pages."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from yanglao.benefits import rules, selectors, services, tasks
from yanglao.benefits.models import Cycle, Entitlement
from yanglao.core.api import PageOut, paged
from yanglao.core.errors import ValidationFailed
from yanglao.elders.selectors import elder_get
from yanglao.regions.models import Region

router = Router(tags=["补贴津贴"])


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    region: str
    unit: str
    needs_application: bool
    steps: list[str]
    rules: list[list[str]]  # each version in plain Chinese, newest first


@router.get(
    "/programmes",
    response=PageOut[ProgrammeOut],
    summary="补贴项目及其各版本规则（中文表述）",
)
def programme_list(request, page: int = 1, per_page: int = 20):
    names = selectors.programme_names()

    def programme_out(p) -> dict:
        versions = p.versions.select_related("programme__region").order_by(
            "-effective_from"
        )
        return {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "region": p.region.name,
            "unit": p.unit,
            "needs_application": p.needs_application,
            "steps": p.step_names,
            "rules": [
                [f"版本 {v.version}", *rules.describe(selectors.policy_of(v, names))]
                for v in versions
            ],
        }

    return paged(
        selectors.programme_list(by=request.user), page, per_page, programme_out
    )


class CheckIn(Schema):
    elder_id: int
    month: dt.date | None = None


class DecisionOut(Schema):
    programme: str
    in_force: bool
    eligible: bool
    enrolled: bool
    amount_fen: int
    explanation: list[tuple[str, bool]]


@router.post(
    "/check",
    response=list[DecisionOut],
    summary="核查某位老年人某月各补贴项目的资格、金额和依据",
)
def check(request, body: CheckIn):
    elder = elder_get(by=request.user, pk=body.elder_id)
    month = (body.month or dt.date.today()).replace(day=1)
    results = services.check_person(by=request.user, elder=elder, month=month)
    return [
        {
            "programme": p.name,
            "in_force": d is not None,
            "eligible": bool(d and d.eligible),
            "enrolled": enrolled,
            "amount_fen": d.amount_fen if d and enrolled else 0,
            "explanation": d.explanation if d else [],
        }
        for p, d, enrolled in results
    ]


class CycleIn(Schema):
    month: dt.date
    region_code: str


class CycleOut(Schema):
    id: int
    month: dt.date
    region: str
    status: str
    phase: str
    progress: int
    error: str
    people: int
    totals: dict
    run_by: str | None
    approved_by: str | None


def cycle_out(c: Cycle) -> dict:
    return {
        "id": c.pk,
        "month": c.month,
        "region": c.region.name,
        "status": c.status,
        "phase": c.phase,
        "progress": c.progress,
        "error": c.error,
        "people": c.people,
        "totals": c.totals,
        "run_by": c.run_by.username if c.run_by_id else None,
        "approved_by": c.approved_by.username if c.approved_by_id else None,
    }


@router.get("/cycles", response=PageOut[CycleOut], summary="发放周期")
def cycle_list(request, page: int = 1, per_page: int = 20):
    return paged(selectors.cycle_list(by=request.user), page, per_page, cycle_out)


@router.post(
    "/cycles",
    response={202: CycleOut},
    summary="计算某月某地区的发放周期（后台进行，查看进度）",
)
def cycle_start(request, body: CycleIn):
    region = Region.objects.filter(code=body.region_code).first()
    if region is None:
        raise ValidationFailed({"region_code": f"区划代码 {body.region_code} 不存在"})
    cycle = services.cycle_start(by=request.user, month=body.month, region=region)
    tasks.run_cycle.enqueue(cycle.pk)
    cycle.refresh_from_db()
    return 202, cycle_out(cycle)


@router.get("/cycles/{cycle_id}", response=CycleOut, summary="发放周期的进度与汇总")
def cycle_detail(request, cycle_id: int):
    return cycle_out(selectors.cycle_get(by=request.user, pk=cycle_id))


class ApproveIn(Schema):
    confirmed_total_fen: int = Field(
        description="审批人核对的合计（分），须与周期当前的合计一致", ge=0
    )


@router.post(
    "/cycles/{cycle_id}/approve",
    response=CycleOut,
    summary="审批发放周期（计算人以外的工作人员）",
)
def cycle_approve(request, cycle_id: int, body: ApproveIn):
    return cycle_out(
        services.cycle_approve(
            by=request.user,
            cycle=selectors.cycle_get(by=request.user, pk=cycle_id),
            confirmed_total_fen=body.confirmed_total_fen,
        )
    )


class EntitlementOut(Schema):
    id: int
    elder_id: int | None
    elder_name: str
    payee_name: str
    staff_id: int | None
    bed_id: int | None
    programme: str
    month: dt.date
    kind: str
    change: str
    amount_fen: int
    previous_fen: int | None
    tier: str
    facility_id: int | None
    funding_fen: dict[str, int]
    explanation: str


def entitlement_out(e: Entitlement) -> dict:
    return {
        "id": e.pk,
        "elder_id": e.elder_id,
        "elder_name": e.elder.name if e.elder_id else "",
        "payee_name": e.payee_name,
        "staff_id": e.staff_id,
        "bed_id": e.bed_id,
        "programme": e.programme.name,
        "month": e.month,
        "kind": e.kind,
        "change": e.change,
        "amount_fen": e.amount_fen,
        "previous_fen": e.previous_fen,
        "tier": e.tier,
        "facility_id": e.facility_id,
        "funding_fen": {"city": e.city_fen, "county": e.county_fen, "town": e.town_fen},
        "explanation": e.explanation,
    }


class EntitlementFilter(Schema):
    q: str = ""
    kind: str = ""
    change: str = ""
    page: int = 1
    per_page: int = 50


@router.get(
    "/cycles/{cycle_id}/entitlements",
    response=PageOut[EntitlementOut],
    summary="发放周期的核定明细（含依据）",
)
def cycle_entitlements(request, cycle_id: int, f: Query[EntitlementFilter]):
    c = selectors.cycle_get(by=request.user, pk=cycle_id)
    rows = selectors.entitlements(
        by=request.user, cycle=c, kind=f.kind, change=f.change, q=f.q
    )
    return paged(rows, f.page, f.per_page, entitlement_out)


@router.get(
    "/elders/{elder_id}/entitlements",
    response=PageOut[EntitlementOut],
    summary="某位老年人的补贴核定记录",
)
def history(request, elder_id: int, page: int = 1, per_page: int = 20):
    elder = elder_get(by=request.user, pk=elder_id)
    rows = selectors.person_history(by=request.user, elder=elder)
    return paged(rows, page, per_page, entitlement_out)
