"""指标与规划目标 API: definitions, values per region and period, targets, and 填报 with
approval. Scope as on the pages: a region outside the reader's area is 404."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from yanglao.core import permissions
from yanglao.core.api import PageOut, paged
from yanglao.core.errors import ValidationFailed
from yanglao.indicators import selectors, services
from yanglao.indicators.periods import parse_period
from yanglao.regions.selectors import region_for_input

router = Router(tags=["指标与规划目标"])


def _may_view(request) -> None:
    if not permissions.may_view_indicators(request.user):
        raise HttpError(403, "您的角色没有此项操作的权限")


class IndicatorOut(Schema):
    code: str
    name: str
    category: str
    unit: str
    period: str
    source: str
    numerator: str
    denominator: str
    definition: str


class TargetOut(Schema):
    indicator: str
    region: str
    value: float
    direction: str
    deadline: str
    attribute: str
    document: str
    clause: str
    baseline_value: float | None
    baseline_year: int | None


class ValueOut(Schema):
    indicator: str
    region: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    missing: str
    unit: str
    target: float | None
    direction: str | None
    status: str | None
    computed_at: str | None
    source: str | None


class ValueQuery(Schema):
    indicator: str
    region: str = ""
    period: str = ""


class ReportIn(Schema):
    indicator: str
    region: str
    period: str
    numerator: float = Field(..., ge=0)
    denominator: float | None = Field(None, ge=0)
    evidence: str


class ReportOut(Schema):
    id: int
    indicator: str
    region: str
    period: str
    numerator: float
    denominator: float | None
    evidence: str
    state: str
    reported_by: str
    decided_by: str | None
    reason: str


class DecideIn(Schema):
    approve: bool
    reason: str = ""


def _target_out(t) -> dict:
    return {
        "indicator": t.indicator.code,
        "region": t.region.code,
        "value": t.value,
        "direction": t.direction,
        "deadline": t.deadline.isoformat(),
        "attribute": t.attribute,
        "document": t.document,
        "clause": t.clause,
        "baseline_value": t.baseline_value,
        "baseline_year": t.baseline_year,
    }


def _report_out(r) -> dict:
    return {
        "id": r.pk,
        "indicator": r.indicator.code,
        "region": r.region.code,
        "period": r.period,
        "numerator": r.numerator,
        "denominator": r.denominator,
        "evidence": r.evidence,
        "state": r.state,
        "reported_by": r.reported_by.username,
        "decided_by": r.decided_by.username if r.decided_by_id else None,
        "reason": r.reason,
    }


@router.get("", response=PageOut[IndicatorOut], summary="指标定义")
def indicator_list(
    request, page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=200)
):
    _may_view(request)
    return paged(selectors.indicators(), page, per_page, lambda i: i)


@router.get("/targets", response=PageOut[TargetOut], summary="适用于某地区的规划目标")
def target_list(
    request,
    region: str = "",
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=200),
):
    _may_view(request)
    where = selectors.region_of(by=request.user, code=region)
    return paged(selectors.targets_for(where), page, per_page, _target_out)


@router.get("/values", response=ValueOut, summary="某指标在某地区某统计期的值")
def value_get(request, q: Query[ValueQuery]):
    _may_view(request)
    indicator = selectors.indicator_get(q.indicator)
    where = selectors.region_of(by=request.user, code=q.region)
    period = q.period or selectors.current_period(indicator)
    try:
        parse_period(period)
    except ValueError as exc:
        raise ValidationFailed({"period": str(exc)}) from None
    value = selectors.value_of(
        by=request.user, indicator=indicator, region=where, period=period
    )
    targets = selectors.targets_for(where, indicator)
    target = targets[0] if targets else None
    judged = selectors.judge(target, value, period) if target else None
    return {
        "indicator": indicator.code,
        "region": where.code,
        "period": period,
        "value": value.value if value else None,
        "numerator": value.numerator if value else None,
        "denominator": value.denominator if value else None,
        "missing": value.missing if value else "无数据",
        "unit": indicator.unit,
        "target": target.value if target else None,
        "direction": target.direction if target else None,
        "status": judged.status.value if judged else None,
        "computed_at": value.computed_at.isoformat() if value else None,
        "source": value.source if value else None,
    }


@router.post("/reports", response={201: ReportOut}, summary="填报指标（待他人审核）")
def report_create(request, body: ReportIn):
    errors: dict[str, str] = {}
    region = region_for_input(request.user, body.region, "region", errors)
    indicator = selectors.indicators().filter(code=body.indicator).first()
    if indicator is None:
        errors["indicator"] = f"指标代码 {body.indicator} 不存在"
    if errors:
        raise ValidationFailed(errors)
    report = services.report_submit(
        by=request.user,
        indicator=indicator,
        region=region,
        period=body.period,
        numerator=body.numerator,
        denominator=body.denominator,
        evidence=body.evidence,
    )
    return 201, _report_out(report)


@router.post("/reports/{int:report_id}/decide", response=ReportOut, summary="审核填报")
def report_decide(request, report_id: int, body: DecideIn):
    report = selectors.report_get(by=request.user, pk=report_id)
    return _report_out(
        services.report_decide(
            by=request.user, report=report, approve=body.approve, reason=body.reason
        )
    )
