"""Alarms API: telemetry ingest for devices and vendor gateways (its own authentication), and for
staff (bearer token) the alarms with their lifecycle, SLA and terminals. docs/api.md, docs/alarms.md."""

from __future__ import annotations

import datetime as dt
import json

from django.http import JsonResponse
from ninja import Query, Router, Schema

from yanglao.alarms import selectors, services, telemetry
from yanglao.alarms.models import Device, Gateway
from yanglao.core.api import PageOut, paged
from yanglao.core.errors import ValidationFailed
from yanglao.regions.selectors import region_for_input

router = Router(tags=["智能终端与紧急呼叫"])


def _refuse(
    status: int, reason: str, *, serial: str = "", payload=b"", remote: str = ""
):
    services.quarantine(
        source="http", reason=reason, serial=serial, payload=payload, remote=remote
    )
    return JsonResponse(
        {"detail": reason}, status=status, json_dumps_params={"ensure_ascii": False}
    )


@router.post(
    "/telemetry",
    auth=None,
    summary="终端/网关上报读数与事件（批量，按消息编号幂等）",
    description=(
        "认证：请求头 `X-Device-Serial` + `X-Device-Secret`（单台终端），或 `X-Gateway-Code` + "
        '`X-Gateway-Secret`（厂商网关，可代多台终端上报）。请求体：消息数组，或 `{"messages": [...]}`，'
        f"每批最多 {telemetry.MAX_BATCH} 条。消息格式见 docs/alarms.md。返回 200 时本批已持久保存；"
        "无效消息逐条列在 `rejected` 中（同批有效消息照常保存）。"
    ),
    openapi_extra={
        "responses": {
            200: {"description": "已保存"},
            400: {"description": "JSON 无法解析"},
            401: {"description": "认证失败"},
            413: {"description": "批次过大"},
        }
    },
)
def telemetry_in(request):
    remote = request.META.get("REMOTE_ADDR", "")
    serial, code = (
        request.headers.get("X-Device-Serial"),
        request.headers.get("X-Gateway-Code"),
    )
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    if size > telemetry.MAX_BODY_BYTES:
        return _refuse(
            413,
            f"请求体 {size} 字节，超过上限 {telemetry.MAX_BODY_BYTES}",
            serial=serial or code or "",
            remote=remote,
        )
    device = gateway = None
    if serial:
        device = (
            Device.objects.filter(serial=serial)
            .only("id", "serial", "vendor", "secret_hash", "active")
            .first()
        )
        if (
            device is None
            or not device.active
            or not services.secret_matches(
                request.headers.get("X-Device-Secret", ""), device.secret_hash
            )
        ):
            return _refuse(
                401,
                "认证失败：设备编号未登记、已停用或密钥错误",
                serial=serial,
                remote=remote,
            )
        vendor = device.vendor
    elif code:
        gateway = Gateway.objects.filter(code=code).first()
        if gateway is None or not services.secret_matches(
            request.headers.get("X-Gateway-Secret", ""), gateway.secret_hash
        ):
            return _refuse(
                401, "认证失败：网关编号未登记或密钥错误", serial=code, remote=remote
            )
        vendor = gateway.vendor
    else:
        return _refuse(
            401,
            "认证失败：缺少 X-Device-Serial 或 X-Gateway-Code 请求头",
            remote=remote,
        )
    body = request.body
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _refuse(
            400,
            f"JSON 无法解析：{exc}",
            serial=serial or code,
            payload=body,
            remote=remote,
        )
    messages = doc.get("messages", [doc]) if isinstance(doc, dict) else doc
    if not isinstance(messages, list):
        return _refuse(
            400,
            '请求体应为消息数组或 {"messages": [...]}',
            serial=serial or code,
            payload=body,
            remote=remote,
        )
    if len(messages) > telemetry.MAX_BATCH:
        return _refuse(
            413,
            f"一批 {len(messages)} 条消息，超过上限 {telemetry.MAX_BATCH} 条",
            serial=serial or code,
            remote=remote,
        )
    result = services.ingest(
        messages,
        vendor=vendor,
        source="http",
        device=device,
        gateway=gateway,
        serial_hint=device.serial if device else None,
        remote=remote,
    )
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})


class AlarmOut(Schema):
    id: int
    kind: str
    kind_name: str
    severity: str
    status: str
    elder_id: int | None
    elder: str
    facility_id: int | None
    facility: str
    region: str
    text: str
    signals: int
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    resolved_at: dt.datetime | None
    outcome: str
    escalated_at: dt.datetime | None


def _alarm_out(a) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "kind_name": a.get_kind_display(),
        "severity": a.severity,
        "status": a.status,
        "elder_id": a.elder_id,
        "elder": a.elder.name if a.elder_id else "",
        "facility_id": a.facility_id,
        "facility": a.facility.name if a.facility_id else "",
        "region": a.region.name,
        "text": a.text,
        "signals": a.signals,
        "raised_at": a.raised_at,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": str(a.acknowledged_by or ""),
        "resolved_at": a.resolved_at,
        "outcome": a.outcome,
        "escalated_at": a.escalated_at,
    }


class AlarmQuery(Schema):
    q: str = ""
    kind: str = ""
    severity: str = ""
    status: str = ""
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = 50


@router.get(
    "/alarms", response=PageOut[AlarmOut], summary="告警列表（status=open 为未办结）"
)
def alarm_list(request, query: Query[AlarmQuery]):
    f = selectors.AlarmFilter(
        q=query.q,
        kind=query.kind,
        severity=query.severity,
        status=query.status,
        region=query.region,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    return paged(
        selectors.alarm_list(by=request.user, filters=f),
        query.page,
        query.per_page,
        _alarm_out,
    )


class EventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    action: str
    by: str
    note: str


class AlarmDetailOut(AlarmOut):
    events: list[EventOut]


@router.get("/alarms/{alarm_id}", response=AlarmDetailOut, summary="告警详情及处置记录")
def alarm_detail(request, alarm_id: int):
    alarm = selectors.alarm_get(by=request.user, pk=alarm_id)
    events = [
        {
            "id": e.id,
            "at": e.at,
            "kind": e.kind,
            "action": e.action,
            "by": str(e.by or ""),
            "note": e.note,
        }
        for e in selectors.alarm_events(alarm)
    ]
    return {**_alarm_out(alarm), "events": events}


@router.post("/alarms/{alarm_id}/acknowledge", response=AlarmOut, summary="接警")
def alarm_acknowledge(request, alarm_id: int):
    selectors.alarm_get(by=request.user, pk=alarm_id)
    return _alarm_out(services.alarm_acknowledge(by=request.user, alarm_id=alarm_id))


class ActIn(Schema):
    action: str
    note: str = ""


@router.post(
    "/alarms/{alarm_id}/actions",
    response=AlarmOut,
    summary="记录处置（致电、派人、呼叫 120 …）",
)
def alarm_act(request, alarm_id: int, body: ActIn):
    selectors.alarm_get(by=request.user, pk=alarm_id)
    return _alarm_out(
        services.alarm_act(
            by=request.user, alarm_id=alarm_id, action=body.action, note=body.note
        )
    )


class ResolveIn(Schema):
    outcome: str
    note: str = ""


@router.post("/alarms/{alarm_id}/resolve", response=AlarmOut, summary="办结")
def alarm_resolve(request, alarm_id: int, body: ResolveIn):
    selectors.alarm_get(by=request.user, pk=alarm_id)
    return _alarm_out(
        services.alarm_resolve(
            by=request.user, alarm_id=alarm_id, outcome=body.outcome, note=body.note
        )
    )


class EscalateIn(Schema):
    reason: str


@router.post("/alarms/{alarm_id}/escalate", response=AlarmOut, summary="升级至值班长")
def alarm_escalate(request, alarm_id: int, body: EscalateIn):
    selectors.alarm_get(by=request.user, pk=alarm_id)
    return _alarm_out(
        services.alarm_escalate(by=request.user, alarm_id=alarm_id, reason=body.reason)
    )


class SlaOut(Schema):
    region: str
    total: int
    acknowledged: int
    within_60: float | None
    within_180: float | None
    median_ack_s: float | None
    median_resolve_s: float | None
    escalated: int
    open: int


@router.get(
    "/alarm-sla",
    response=list[SlaOut],
    summary="接警时效（当日或指定日期；第一行为合计）",
)
def alarm_sla(request, day: dt.date | None = None):
    start, end = selectors.today_window()
    if day:
        shift = dt.timedelta(days=(day - start.date()).days)
        start, end = start + shift, end + shift
    overall, per = selectors.sla_by_region(by=request.user, start=start, end=end)
    return [{"region": "合计", **vars(overall)}] + [
        {"region": name, **vars(s)} for name, s in per
    ]


class DeviceOut(Schema):
    id: int
    serial: str
    type: str
    vendor: str
    model: str
    region: str
    elder_id: int | None
    facility_id: int | None
    last_seen_ms: int | None
    battery: int | None


def _device_out(d) -> dict:
    return {
        "id": d.pk,
        "serial": d.serial,
        "type": d.type,
        "vendor": d.vendor,
        "model": d.model,
        "region": d.region.name,
        "elder_id": d.elder_id,
        "facility_id": d.facility_id,
        "last_seen_ms": d.last_seen_ms,
        "battery": d.battery,
    }


@router.get("/devices", response=PageOut[DeviceOut], summary="智能终端列表")
def device_list(
    request,
    q: str = "",
    type: str = "",
    bound: str = "",
    state: str = "",
    page: int = 1,
    per_page: int = 50,
):
    f = selectors.DeviceFilter(q=q, type=type, bound=bound, state=state)
    return paged(
        selectors.device_list(by=request.user, filters=f), page, per_page, _device_out
    )


class DeviceIn(Schema):
    serial: str
    type: str
    region: str
    vendor: str = "yanglao"
    model: str = ""
    elder_id: int | None = None


class DeviceCreated(DeviceOut):
    secret: str


@router.post(
    "/devices", response={201: DeviceCreated}, summary="登记终端（密钥仅在此返回一次）"
)
def device_create(request, body: DeviceIn):
    from yanglao.elders.selectors import elder_get

    errors: dict[str, str] = {}
    region = region_for_input(request.user, body.region, "region", errors)
    if errors:
        raise ValidationFailed(errors)
    elder = elder_get(by=request.user, pk=body.elder_id) if body.elder_id else None
    device, secret = services.device_register(
        by=request.user,
        serial=body.serial,
        type=body.type,
        region=region,
        vendor=body.vendor,
        model=body.model,
        elder=elder,
    )
    device.refresh_from_db()
    return 201, {**_device_out(device), "secret": secret}


class BindIn(Schema):
    elder_id: int
    note: str = ""


@router.post("/devices/{device_id}/bind", response=DeviceOut, summary="绑定老人")
def device_bind(request, device_id: int, body: BindIn):
    from yanglao.elders.selectors import elder_get

    device = selectors.device_get(by=request.user, pk=device_id)
    services.device_bind(
        by=request.user,
        device=device,
        elder=elder_get(by=request.user, pk=body.elder_id),
        note=body.note,
    )
    return _device_out(selectors.device_get(by=request.user, pk=device_id))


class InstallIn(Schema):
    facility_id: int
    note: str = ""


@router.post(
    "/devices/{device_id}/install", response=DeviceOut, summary="安装到养老机构"
)
def device_install(request, device_id: int, body: InstallIn):
    """A smoke or gas detector installed in an institution (its alarms are about the institution)."""
    from yanglao.facilities.selectors import facility_get

    device = selectors.device_get(by=request.user, pk=device_id)
    services.device_bind_facility(
        by=request.user,
        device=device,
        facility=facility_get(by=request.user, pk=body.facility_id),
        note=body.note,
    )
    return _device_out(selectors.device_get(by=request.user, pk=device_id))
