"""Home-service API: orders (place, list, read, each step), carer suggestions, a carer's day,
settlements, and the weekly orders of plans. Scope as on the pages; outside it is 404. docs/api.md."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Schema, UploadedFile

from yanglao.core import permissions
from yanglao.core.api import PageOut, paged
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.export import export_response
from yanglao.core.scope import sees_everything
from yanglao.homecare import rules, selectors, services
from yanglao.homecare.models import (
    Order,
    Settlement,
)

router = Router(tags=["居家社区养老服务"])


class OrderIn(Schema):
    elder_id: int
    provider_id: int
    item: str  # service item code, e.g. "bath"
    slot_start: dt.datetime
    quantity: int = 1
    note: str = ""
    voucher: str | None = None  # voucher programme code
    rest_paid_by: str = "self"


class OrderOut(Schema):
    id: int
    elder_id: int
    elder_name: str
    region: str
    provider_id: int
    provider: str
    item: str
    item_name: str
    quantity: int
    slot_start: dt.datetime
    minutes: int
    state: str
    state_name: str
    version: int
    carer_id: int | None
    carer_name: str | None
    amount_fen: int
    voucher_fen: int
    family_fen: int
    self_fen: int
    checkin_at: dt.datetime | None
    checkout_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    problems: list[str]
    disputed: bool
    next_steps: list[str] = []


def _out(order: Order, user=None) -> OrderOut:
    """The order as the API shows it. Built with `model_construct` (no validation: every value
    comes from the model's typed fields), which django-ninja then dumps without validating
    again — about a tenth of an order step's work otherwise (bench/homecare.py). The tests check
    the output against OrderOut."""
    steps = (
        rules.steps_open_to(order.state, services.actors_for(user, order))
        if user is not None
        else []
    )
    return OrderOut.model_construct(
        **{
            "id": order.pk,
            "elder_id": order.elder_id,
            "elder_name": order.elder.name,
            "region": order.region.name,
            "provider_id": order.provider_id,
            "provider": order.provider.name,
            "item": order.item.code,
            "item_name": order.item.name,
            "quantity": order.quantity,
            "slot_start": order.slot_start,
            "minutes": order.minutes,
            "state": order.state,
            "state_name": rules.STATE_NAMES[rules.OrderState(order.state)],
            "version": order.version,
            "carer_id": order.carer_id,
            "carer_name": order.carer.staff.name if order.carer_id else None,
            "amount_fen": order.amount_fen,
            "voucher_fen": order.voucher_fen,
            "family_fen": order.family_fen,
            "self_fen": order.self_fen,
            "checkin_at": order.checkin_at,
            "checkout_at": order.checkout_at,
            "confirmed_at": order.confirmed_at,
            "problems": order.problems,
            "disputed": order.disputed,
            "next_steps": steps,
        }
    )


def _required(obj, field: str):
    """What the request names by key, or a refusal naming the field."""
    if obj is None:
        raise ValidationFailed({field: "不存在"})
    return obj


@router.post(
    "/orders", response={201: OrderOut}, summary="下单（老人本人、家属或社区代下单）"
)
def order_place(request, body: OrderIn):
    order = services.order_place(
        by=request.user,
        elder=selectors.order_elder(by=request.user, pk=body.elder_id),
        provider=_required(selectors.provider_by_id(body.provider_id), "provider_id"),
        item=_required(selectors.item_by_code(body.item), "item"),
        slot_start=body.slot_start,
        quantity=body.quantity,
        note=body.note,
        rest_paid_by=body.rest_paid_by,
        voucher=_required(selectors.voucher_by_code(body.voucher), "voucher")
        if body.voucher
        else None,
    )
    return 201, _out(order, request.user)  # the order as written (no second read)


class OrderQuery(Schema):
    q: str = ""
    state: str = ""
    provider: int | None = None
    item: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    problem: bool = False
    page: int = 1
    per_page: int = 50


@router.get("/orders", response=PageOut[OrderOut], summary="工单列表（按范围，可筛选）")
def order_list(request, query: Query[OrderQuery]):
    f = selectors.OrderFilter(
        q=query.q,
        state=query.state,
        provider=query.provider,
        item=query.item,
        since=query.since,
        until=query.until,
        problem=query.problem,
    )
    return paged(
        selectors.orders(by=request.user, filters=f),
        query.page,
        min(query.per_page, 200),
        _out,
    )


@router.get(
    "/orders/{order_id}",
    response=OrderOut,
    summary="工单详情（含当前用户可执行的操作）",
)
def order_read(request, order_id: int):
    return _out(selectors.order_get(by=request.user, pk=order_id), request.user)


class StepIn(Schema):
    version: int | None = None
    reason: str = ""
    carer_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    done_items: list[str] = []
    note: str = ""
    score: int | None = None
    text: str = ""


@router.post(
    "/orders/{order_id}/steps/{step}",
    response=OrderOut,
    summary="工单流转：accept 受理、reject 拒单、dispatch 派单、take 接单、decline 退回、arrive 到达签到、"
    "start 开始服务、complete 完成签退、confirm 确认、rate 评价、cancel 取消、abnormal 异常、dispute 争议",
    description="带上读取时的 `version`，若工单已被他人更新则返回 422（不会重复流转）。",
)
def order_step(request, order_id: int, step: str, body: StepIn):
    data = body.dict(exclude_none=True)
    version = data.pop("version", None)
    order = services.order_step(
        by=request.user, order_id=order_id, step=step, version=version, **data
    )
    return _out(order, request.user)  # as the step left it, read under its lock


@router.post(
    "/orders/{order_id}/photo",
    response=OrderOut,
    summary="上传现场照片（完成签退后，服务人员或服务商；multipart 字段 photo）",
    description="JPG、PNG 或 WebP，8 MB 以内；工单结算后不能再上传。",
)
def order_photo(request, order_id: int, photo: File[UploadedFile]):
    order = services.order_photo_add(by=request.user, order_id=order_id, photo=photo)
    return _out(order, request.user)


class SuggestionOut(Schema):
    carer_id: int
    name: str
    distance_m: int | None
    orders_that_day: int
    capacity: int
    skilled: bool
    score: float
    reasons: list[str]


@router.get(
    "/orders/{order_id}/suggestions",
    response=list[SuggestionOut],
    summary="推荐服务人员（派单）",
)
def order_suggestions(
    request,
    order_id: int,
    limit: int = Query(10, ge=1, le=50),  # noqa: B008
):
    order = selectors.order_get(by=request.user, pk=order_id)
    if rules.Actor.PROVIDER not in services.actors_for(request.user, order):
        raise NotInScope(order_id)
    return [
        s.__dict__ | {"reasons": list(s.reasons)}
        for s in selectors.suggestions(
            by=request.user, order=order, limit=min(limit, 50)
        )
    ]


@router.get(
    "/carer/day", response=list[OrderOut], summary="服务人员当天工单（按上门顺序）"
)
def carer_day(request, day: dt.date | None = None):
    return [
        _out(o, request.user)
        for o in selectors.carer_day(by=request.user, day=day or timezone.localdate())
    ]


class SettlementIn(Schema):
    provider_id: int
    month: dt.date


class SettlementOut(Schema):
    id: int
    provider_id: int
    provider: str
    month: dt.date
    status: str
    orders_count: int
    minutes: int
    amount_fen: int
    voucher_fen: int
    family_fen: int
    self_fen: int
    excluded_disputed: int


def _settlement_out(s: Settlement) -> dict:
    return {
        "id": s.pk,
        "provider_id": s.provider_id,
        "provider": s.provider.name,
        "month": s.month,
        "status": s.status,
        "orders_count": s.orders_count,
        "minutes": s.minutes,
        "amount_fen": s.amount_fen,
        "voucher_fen": s.voucher_fen,
        "family_fen": s.family_fen,
        "self_fen": s.self_fen,
        "excluded_disputed": s.excluded_disputed,
    }


@router.post(
    "/settlements",
    response={201: SettlementOut},
    summary="生成（或重新生成）服务商月度结算单",
)
def settlement_build(request, body: SettlementIn):
    provider = _required(selectors.provider_by_id(body.provider_id), "provider_id")
    return 201, _settlement_out(
        services.settlement_build(by=request.user, provider=provider, month=body.month)
    )


@router.get("/settlements/{settlement_id}", response=SettlementOut, summary="结算单")
def settlement_read(request, settlement_id: int):
    return _settlement_out(selectors.settlement_get(by=request.user, pk=settlement_id))


@router.get("/settlements/{settlement_id}/export.xlsx", summary="结算明细（Excel）")
def settlement_export(request, settlement_id: int) -> HttpResponse:
    s = selectors.settlement_get(by=request.user, pk=settlement_id)
    return export_response(
        by=request.user, fmt="xlsx", full_pii=False, **selectors.settlement_download(s)
    )


@router.post(
    "/settlements/{settlement_id}/approve", response=SettlementOut, summary="审核结算单"
)
def settlement_approve(request, settlement_id: int):
    s = selectors.settlement_get(by=request.user, pk=settlement_id)
    return _settlement_out(services.settlement_approve(by=request.user, settlement=s))


class WeekIn(Schema):
    week: dt.date


class WeekOut(Schema):
    made: int
    existing: int
    refused: int
    problems: list[str]


@router.post(
    "/plans/generate",
    response=WeekOut,
    summary="按周期计划/家庭养老床位照护计划生成一周工单",
)
def plans_generate(request, body: WeekIn):
    if not (
        sees_everything(request.user) or permissions.may_place_orders(request.user)
    ):
        raise ValidationFailed({"__all__": "您的角色不能生成周期工单"})
    return services.plans_generate(week=body.week, by=request.user)
