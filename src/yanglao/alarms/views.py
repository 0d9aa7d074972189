"""紧急呼叫 pages: the operator console (live queue by server push, the person's card, the action
buttons), the supervisor's view with today's SLA, alarm history and monthly report, terminals
with bindings and vitals, personal thresholds, refused messages and family notifications."""

from __future__ import annotations

import datetime as dt
import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.alarms import forms, rules, selectors, services
from yanglao.alarms.models import (
    FACILITY_DETECTOR_TYPES,
    Action,
    AlarmEvent,
    Outcome,
)
from yanglao.alarms.telemetry import METRIC_NAMES, Metric
from yanglao.assessments.selectors import latest_diagnoses
from yanglao.core import permissions, push
from yanglao.core.charts import (
    PALETTE,
    Layer,
    Marker,
    bar_chart,
    line_chart,
    ratio_ring,
)
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.pagination import page_of
from yanglao.core.scope import sees_everything
from yanglao.core.views import (
    add_service_errors,
    flash_errors,
    list_export,
    querystring_without_page,
    require,
)
from yanglao.elders.selectors import (
    elder_categories_active,
    elder_contacts,
    elder_get,
    find_one_elder,
)
from yanglao.facilities.selectors import (
    facility_get,
    facility_resident_count,
    institutions_open_in,
)
from yanglao.medical.selectors import referral_for_alarm
from yanglao.regions.maps import region_map
from yanglao.regions.selectors import region_for_input

NAV = "alarms"
STREAM_SECONDS = (
    300  # a stream ends after 5 minutes; EventSource reconnects with Last-Event-ID
)
STREAM_PAGE = 1000  # event ids read at a time


def _is_handler(user) -> bool:
    return permissions.may_handle_alarms(user) or sees_everything(user)


def _is_supervisor(user) -> bool:
    return permissions.may_supervise_alarms(user) or sees_everything(user)


def _is_device_manager(user) -> bool:
    return permissions.may_manage_devices(user) or sees_everything(user)


def _shared(request, **extra) -> dict:
    return {
        "nav": NAV,
        "is_handler": _is_handler(request.user),
        "is_supervisor": _is_supervisor(request.user),
        "is_device_manager": _is_device_manager(request.user),
        **extra,
    }


# --- the console ----------------------------------------------------------------------------------


@login_required
def console(request):
    """接警台: the open alarms (kept current by the push stream) and the selected alarm's card."""
    alarms = selectors.open_alarms(by=request.user)
    selected = None
    if request.GET.get("alarm"):
        try:
            selected = selectors.alarm_get(
                by=request.user, pk=int(request.GET["alarm"])
            )
        except ValueError:
            raise Http404 from None
    elif alarms:
        selected = alarms[0]
    start, end = selectors.today_window()
    sla, _ = selectors.sla_by_region(by=request.user, start=start, end=end)
    context = _shared(
        request,
        alarms=alarms,
        selected=selected,
        sla=sla,
        last_event_id=selectors.last_event_id(),
        ack_seconds=settings.ALARM_ACK_SECONDS,
        card=_card_context(request, selected) if selected else None,
    )
    return render(request, "alarms/console.html", context)


@login_required
def queue(request):
    """The queue alone (the console swaps it in when the stream says something changed)."""
    return render(
        request,
        "alarms/_queue.html",
        {
            "alarms": selectors.open_alarms(by=request.user),
            "selected_id": _int(request.GET.get("selected")),
        },
    )


@login_required
def card(request, pk: int):
    alarm = selectors.alarm_get(by=request.user, pk=pk)
    return render(
        request, "alarms/_card.html", _shared(request, **_card_context(request, alarm))
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _card_context(request, alarm) -> dict:
    """Everything the operator needs about the person: address and map, contacts, diseases and
    ability level, latest vitals and a 24-hour chart, recent alarms, what was done so far. For an
    institution's fire detector: the institution, its duty line, residents and detectors."""
    if alarm.facility_id:
        return _facility_card_context(alarm)
    elder = alarm.elder
    vitals = selectors.latest_vitals(elder.pk)
    layers = []
    if elder.lat is not None:
        layers.append(
            Layer(
                "住址", (Marker(elder.lat, elder.lng, elder.name),), PALETTE[3], "home"
            )
        )
    if Metric.LOCATION in vitals:
        lat, lng, ts = vitals[Metric.LOCATION]
        when = timezone.localtime(dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC))
        layers.append(
            Layer("终端最近定位", (Marker(lat, lng, f"{when:%H:%M}"),), PALETTE[0])
        )
    assessed_on, diagnoses = latest_diagnoses(elder.pk)
    thr, _row = selectors.thresholds_of(elder.pk)
    return {
        "alarm": alarm,
        "elder": elder,
        "age": elder.age(),
        "contacts": list(elder_contacts(elder)),
        "categories": elder_categories_active(elder),
        "diagnoses": diagnoses,
        "assessed_on": assessed_on,
        "vitals": _vitals_rows(vitals),
        "vitals_chart": _vitals_chart(elder.pk, thr),
        "map": region_map(layers, title="住址与终端位置", width=360, height=260)
        if layers
        else "",
        "recent": selectors.elder_recent_alarms(elder.pk, exclude=alarm.pk),
        "proposal": referral_for_alarm(alarm.pk),
        "events": selectors.alarm_events(alarm),
        "notifications": selectors.notifications_of(alarm),
        "devices": selectors.devices_of_elder(elder.pk),
        "action_form": forms.ActionForm(),
        "resolve_form": forms.ResolveForm(),
        "escalate_form": forms.EscalateForm(),
        "actions": Action.choices,
        "outcomes": Outcome.choices,
    }


def _facility_card_context(alarm) -> dict:
    facility = alarm.facility
    layers = []
    if facility.lat is not None:
        layers.append(
            Layer(
                "机构位置",
                (Marker(facility.lat, facility.lng, facility.name),),
                PALETTE[3],
                "home",
            )
        )
    return {
        "alarm": alarm,
        "facility": facility,
        "residents": facility_resident_count(facility.pk),
        "detectors": selectors.facility_detectors(facility.pk),
        "map": region_map(layers, title="机构位置", width=360, height=260)
        if layers
        else "",
        "recent": selectors.facility_recent_alarms(facility.pk, exclude=alarm.pk),
        "events": selectors.alarm_events(alarm),
        "notifications": [],
        "devices": selectors.devices_of_facility(facility.pk),
        "action_form": forms.ActionForm(),
        "resolve_form": forms.ResolveForm(),
        "escalate_form": forms.EscalateForm(),
        "actions": [
            (v, label)
            for v, label in Action.choices
            if v not in (Action.CALL_ELDER, Action.CALL_FAMILY, Action.VIDEO)
        ],
        "outcomes": Outcome.choices,
    }


def _vitals_rows(vitals: dict) -> list[tuple[str, str, str]]:
    rows = []
    for metric, (value, value2, ts) in vitals.items():
        if metric == Metric.BLOOD_PRESSURE:
            shown = f"{value:.0f}/{value2:.0f} mmHg"
        elif metric == Metric.LOCATION:
            shown = f"{value:.5f}, {value2:.5f}"
        elif metric == Metric.HEART_RATE:
            shown = f"{value:.0f} 次/分"
        else:
            shown = f"{value:.0f}%"
        when = timezone.localtime(dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC))
        rows.append((METRIC_NAMES[Metric(metric)], shown, f"{when:%m-%d %H:%M}"))
    return rows


def _vitals_chart(elder_id: int, thr: rules.Thresholds, hours: int = 24) -> str:
    series = selectors.vitals_series(elder_id, hours=hours)
    if not series:
        return ""
    lines = []
    if Metric.HEART_RATE in series:
        lines.append(("心率", [(t / 1000, v) for t, v, _ in series[Metric.HEART_RATE]]))
    if Metric.BLOOD_PRESSURE in series:
        lines.append(
            ("收缩压", [(t / 1000, v) for t, v, _ in series[Metric.BLOOD_PRESSURE]])
        )
        lines.append(
            ("舒张压", [(t / 1000, w) for t, _, w in series[Metric.BLOOD_PRESSURE]])
        )
    if Metric.SPO2 in series:
        lines.append(("血氧", [(t / 1000, v) for t, v, _ in series[Metric.SPO2]]))
    xs = [x for _, pts in lines for x, _ in pts]

    def label(seconds: float) -> str:
        return f"{timezone.localtime(dt.datetime.fromtimestamp(seconds, tz=dt.UTC)):%m-%d %H:%M}"

    return line_chart(
        lines,
        title=f"近 {hours} 小时生命体征",
        bands=[
            (thr.hr_high, f"心率上限 {thr.hr_high}"),
            (thr.systolic_high, f"收缩压上限 {thr.systolic_high}"),
        ],
        x_labels=(label(min(xs)), label(max(xs))),
    )


def _stream_user(request):
    """The console's session, or a bearer token (monitoring tools and the benchmark)."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        from yanglao.accounts.services import api_token_user

        return api_token_user(header[7:].strip())
    return None


def stream(request):
    """Server-sent events: every alarm event in the user's area, as it is stored. PostgreSQL wakes
    the stream with NOTIFY; on SQLite it polls every 0.1 s. Every 5 s the stream also beats the
    operator's presence and runs the escalation check, so an unanswered alarm escalates even
    when no alarm clock process runs."""
    user = _stream_user(request)
    if user is None:
        return HttpResponse(
            "请先登录", status=401, content_type="text/plain; charset=utf-8"
        )
    last = _int(request.headers.get("Last-Event-ID")) or _int(request.GET.get("after"))
    if last is None:
        last = selectors.last_event_id()
    seconds = min(_int(request.GET.get("seconds")) or STREAM_SECONDS, STREAM_SECONDS)
    response = StreamingHttpResponse(
        _events(user, last, seconds), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _events(user, last: int, seconds: float):
    """The events after `last`, as they commit. Concurrent writers commit out of id order, so the
    stream follows a Horizon rather than "after the last id sent"; the SSE id it sends is the
    horizon's floor, from which a reconnecting console resumes (it may get an event twice: the
    console page ignores an event id it has had)."""
    listener = push.Listener(services.CHANNEL)
    handler = _is_handler(user)
    horizon = push.Horizon(last)
    try:
        yield "retry: 1000\n\n"
        deadline = time.monotonic() + seconds
        next_beat = last_write = 0.0
        while time.monotonic() < deadline:
            after, full = horizon.floor, True
            while full:  # above a hole the committed ids may fill more than one page
                ids = selectors.event_ids_above(after, limit=STREAM_PAGE)
                full = len(ids) == STREAM_PAGE
                fresh = horizon.fresh(ids, time.monotonic())
                for event in selectors.events_by_ids(by=user, ids=fresh):
                    yield f"id: {horizon.floor}\nevent: alarm\ndata: {json.dumps(_event_json(event), ensure_ascii=False)}\n\n"
                    last_write = time.monotonic()
                after = ids[-1] if ids else after
            if time.monotonic() >= next_beat:
                if handler:
                    services.presence_beat(user)
                services.escalate_overdue()
                next_beat = time.monotonic() + 5
            listener.wait(timeout=min(1.0, max(deadline - time.monotonic(), 0.01)))
            if time.monotonic() - last_write >= 1.0:
                yield ": \n\n"  # a keep-alive, and how a closed console is noticed within a second
                last_write = time.monotonic()
    finally:
        listener.close()


def _event_json(event: AlarmEvent) -> dict:
    alarm = event.alarm
    return {
        "id": event.id,
        "alarm": alarm.pk,
        "event": event.kind,
        "event_name": event.get_kind_display(),
        "status": alarm.status,
        "status_name": alarm.get_status_display(),
        "kind": alarm.kind,
        "kind_name": alarm.get_kind_display(),
        "severity": alarm.severity,
        "severity_name": alarm.get_severity_display(),
        "elder": alarm.subject_name,
        "region": alarm.region.name,
        "text": alarm.text,
        "escalated": alarm.escalated_at is not None,
        "raised_at": timezone.localtime(alarm.raised_at).isoformat(),
        "msg_id": event.msg_id,
        "signal_ts_ms": event.signal_ts_ms,
        "by": str(event.by) if event.by_id else "",
    }


# --- actions --------------------------------------------------------------------------------------


def _back(request, pk: int):
    target = request.POST.get("next") or ""
    if target == "detail":
        return redirect("alarms:detail", pk=pk)
    return redirect(f"{_console_url()}?alarm={pk}")


def _console_url() -> str:
    from django.urls import reverse

    return reverse("alarms:console")


def _run(request, pk: int, action, done: str):
    try:
        action()
        messages.success(request, done)
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return _back(request, pk)


@login_required
@require_POST
def acknowledge(request, pk: int):
    selectors.alarm_get(by=request.user, pk=pk)
    return _run(
        request,
        pk,
        lambda: services.alarm_acknowledge(by=request.user, alarm_id=pk),
        "已接警",
    )


@login_required
@require_POST
def act(request, pk: int):
    selectors.alarm_get(by=request.user, pk=pk)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    name = dict(Action.choices).get(action, "")
    return _run(
        request,
        pk,
        lambda: services.alarm_act(
            by=request.user, alarm_id=pk, action=action, note=note
        ),
        f"已记录：{name}",
    )


@login_required
@require_POST
def call(request, pk: int):
    """拨打 from the card: the number, shown once to the handling operator (audited), as a tel:
    link, and the call's outcome in one tap."""
    selectors.alarm_get(by=request.user, pk=pk)
    try:
        alarm, callee, result = services.alarm_call(
            by=request.user, alarm_id=pk, contact_id=_contact_id(request)
        )
    except ValidationFailed as exc:
        flash_errors(request, exc)
        return _back(request, pk)
    context = _shared(
        request,
        alarm=alarm,
        callee=callee,
        contact=request.POST.get("contact", ""),
        result=result,
        outcomes=services.CALL_OUTCOMES,
        next=request.POST.get("next", ""),
    )
    return render(request, "alarms/call.html", context)


def _contact_id(request) -> int | None:
    """The contact called: none for the person themself; anything but an id is refused (a wrong
    value must not turn into a call to somebody else)."""
    contact = request.POST.get("contact", "")
    if not contact:
        return None
    if not ascii_digits(contact) or len(contact) > 18:
        raise ValidationFailed({"contact": "联系人编号无效"})
    return int(contact)


@login_required
@require_POST
def call_outcome(request, pk: int):
    selectors.alarm_get(by=request.user, pk=pk)
    outcome = request.POST.get("outcome", "")
    return _run(
        request,
        pk,
        lambda: services.alarm_call_outcome(
            by=request.user,
            alarm_id=pk,
            contact_id=_contact_id(request),
            outcome=outcome,
        ),
        f"已记录通话结果：{outcome}",
    )


@login_required
@require_POST
def resolve(request, pk: int):
    selectors.alarm_get(by=request.user, pk=pk)
    outcome, note = request.POST.get("outcome", ""), request.POST.get("note", "")
    return _run(
        request,
        pk,
        lambda: services.alarm_resolve(
            by=request.user, alarm_id=pk, outcome=outcome, note=note
        ),
        "已办结",
    )


@login_required
@require_POST
def escalate(request, pk: int):
    selectors.alarm_get(by=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    return _run(
        request,
        pk,
        lambda: services.alarm_escalate(by=request.user, alarm_id=pk, reason=reason),
        "已升级至值班长",
    )


@login_required
def detail(request, pk: int):
    alarm = selectors.alarm_get(by=request.user, pk=pk)
    return render(
        request, "alarms/detail.html", _shared(request, **_card_context(request, alarm))
    )


# --- history, supervisor, report ------------------------------------------------------------------


def _alarm_filter(form) -> selectors.AlarmFilter:
    if not form.is_valid():
        return selectors.AlarmFilter()
    d = form.cleaned_data
    return selectors.AlarmFilter(
        q=d["q"],
        kind=d["kind"],
        severity=d["severity"],
        status=d["status"],
        region=d["region"],
        date_from=d["date_from"],
        date_to=d["date_to"],
        escalated=d["escalated"],
    )


def _alarm_rows(alarms):
    for a in alarms.iterator(chunk_size=2000):
        yield [
            timezone.localtime(a.raised_at).strftime("%Y-%m-%d %H:%M:%S"),
            a.get_kind_display(),
            a.get_severity_display(),
            a.subject_name,
            a.region.name,
            a.text,
            a.signals,
            a.get_status_display(),
            "" if a.seconds_to_acknowledge is None else round(a.seconds_to_acknowledge),
            str(a.acknowledged_by or ""),
            a.get_outcome_display(),
            "是" if a.escalated_at else "",
        ]


ALARM_HEADER = [
    "报警时间",
    "类型",
    "级别",
    "老人",
    "区域",
    "内容",
    "信号次数",
    "状态",
    "接警用时（秒）",
    "接警员",
    "处置结果",
    "已升级",
]


@login_required
def alarm_list(request, fmt: str | None = None):
    form = forms.AlarmFilterForm(request.GET or None)
    if fmt:
        return list_export(
            request,
            fmt,
            form,
            make_filter=selectors.AlarmFilter,
            rows=lambda f: _alarm_rows(
                selectors.alarm_list(by=request.user, filters=f)
            ),
            name="告警记录",
            header=ALARM_HEADER,
            what="告警记录",
        )
    alarms = selectors.alarm_list(by=request.user, filters=_alarm_filter(form))
    page = page_of(alarms, request.GET)
    return render(
        request,
        "alarms/list.html",
        _shared(
            request,
            form=form,
            page=page,
            querystring=querystring_without_page(request.GET),
        ),
    )


def _sla_chart(per_region, title: str) -> str:
    return bar_chart(
        [(name, s.within_60 or 0.0) for name, s in per_region], title=title, unit="%"
    )


@login_required
def supervisor(request):
    """值班长: open alarms (escalated first), operators on duty, today's SLA per region."""
    start, end = selectors.today_window()
    overall, per_region = selectors.sla_by_region(by=request.user, start=start, end=end)
    alarms = selectors.open_alarms(by=request.user)
    alarms.sort(key=lambda a: (a.escalated_at is None, a.raised_at))
    context = _shared(
        request,
        alarms=alarms,
        sla=overall,
        per_region=per_region,
        operators=selectors.operators_on_duty(by=request.user),
        ring60=ratio_ring(overall.within_60, title="60 秒内接警"),
        ring180=ratio_ring(overall.within_180, title="180 秒内接警"),
        chart=_sla_chart(per_region, "今日 60 秒内接警率（按区域）"),
        devices=selectors.device_counts(by=request.user),
        ack_seconds=settings.ALARM_ACK_SECONDS,
    )
    return render(request, "alarms/supervisor.html", context)


@login_required
def report(request):
    """月度报告: a month's alarms by kind, severity, outcome and region, with the SLA."""
    text = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        messages.error(request, f"月份格式应为 年-月（如 2026-11），收到 {text}")
        month = timezone.localdate().replace(day=1)
    data = selectors.month_report(by=request.user, month=month)
    kinds = dict((k, v[0]) for k, v in rules.KINDS.items())
    outcomes = dict(Outcome.choices)
    context = _shared(
        request,
        month=month,
        data=data,
        sla=data["sla"],
        per_region=data["per_region"],
        kind_chart=bar_chart(
            [(kinds.get(r["kind"], r["kind"]), r["n"]) for r in data["by_kind"]],
            title="按类型",
            unit="起",
        ),
        outcome_chart=bar_chart(
            [
                (outcomes.get(r["outcome"], r["outcome"]), r["n"])
                for r in data["by_outcome"]
            ],
            title="按处置结果",
            unit="起",
        ),
        daily_chart=line_chart(
            [("告警数", [(d.toordinal(), n) for d, n in data["daily"]])],
            title="每日告警数",
            unit="（起）",
            x_labels=(f"{data['daily'][0][0]:%m-%d}", f"{data['daily'][-1][0]:%m-%d}")
            if data["daily"]
            else ("", ""),
        ),
        region_chart=_sla_chart(data["per_region"], "60 秒内接警率（按区域）"),
    )
    return render(request, "alarms/report.html", context)


# --- terminals ------------------------------------------------------------------------------------


def _device_filter(form) -> selectors.DeviceFilter:
    if not form.is_valid():
        return selectors.DeviceFilter()
    d = form.cleaned_data
    return selectors.DeviceFilter(
        q=d["q"], type=d["type"], region=d["region"], bound=d["bound"], state=d["state"]
    )


@login_required
def device_list(request, fmt: str | None = None):
    form = forms.DeviceFilterForm(request.GET or None)
    now = services.now_ms()
    if fmt:
        return list_export(
            request,
            fmt,
            form,
            make_filter=selectors.DeviceFilter,
            rows=lambda f: (
                [
                    d.serial,
                    d.get_type_display(),
                    d.model,
                    d.region.name,
                    d.elder.name if d.elder else "",
                    d.facility.name if d.facility else "",
                    "在线" if d.is_online(now) else "离线",
                    d.battery if d.battery is not None else "",
                ]
                for d in selectors.device_list(by=request.user, filters=f)
            ),
            name="智能终端",
            header=[
                "设备编号",
                "类型",
                "型号",
                "区域",
                "绑定老人",
                "安装机构",
                "状态",
                "电量",
            ],
            what="智能终端",
        )
    devices = selectors.device_list(
        by=request.user, filters=_device_filter(form), now_ms=now
    )
    page = page_of(devices, request.GET)
    counts = selectors.device_counts(by=request.user, now_ms=now)
    chart = bar_chart(
        [
            ("在用终端", counts["total"]),
            ("已绑定", counts["bound"]),
            ("在线（30 分钟内）", counts["online"]),
            ("电量低", counts["low_battery"]),
        ],
        title="终端概况",
        unit="台",
    )
    rows = [(d, d.is_online(now)) for d in page.items]
    return render(
        request,
        "alarms/devices.html",
        _shared(
            request,
            form=form,
            page=page,
            rows=rows,
            chart=chart,
            counts=counts,
            querystring=querystring_without_page(request.GET),
        ),
    )


@login_required
def device_new(request):
    if not _is_device_manager(request.user):
        raise Http404
    form = forms.DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        errors: dict[str, str] = {}
        region = region_for_input(request.user, d["region"], "region", errors)
        elder = None
        if d["elder"]:
            elder, why = find_one_elder(by=request.user, text=d["elder"])
            if elder is None:
                errors["elder"] = why
        try:
            if errors:
                raise ValidationFailed(errors)
            device, secret = services.device_register(
                by=request.user,
                serial=d["serial"],
                type=d["type"],
                vendor=d["vendor"],
                model=d["model"],
                region=region,
                elder=elder,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request,
                "alarms/device_secret.html",
                _shared(request, device=device, secret=secret),
            )
    return render(request, "alarms/device_form.html", _shared(request, form=form))


@login_required
def device_detail(request, pk: int):
    device = selectors.device_get(by=request.user, pk=pk)
    now = services.now_ms()
    readings = [
        (
            r,
            METRIC_NAMES.get(Metric(r.metric), r.metric)
            if r.metric in Metric._value2member_map_
            else r.metric,
            timezone.localtime(dt.datetime.fromtimestamp(r.ts_ms / 1000, tz=dt.UTC)),
        )
        for r in selectors.device_readings(device)
    ]
    thr = (
        selectors.thresholds_of(device.elder_id)[0]
        if device.elder_id
        else rules.DEFAULTS
    )
    context = _shared(
        request,
        device=device,
        online=device.is_online(now, thr.offline_minutes),
        bindings=selectors.device_bindings(device),
        readings=readings,
        chart=_vitals_chart(device.elder_id, thr) if device.elder_id else "",
        bind_form=forms.BindForm(),
        is_fire_detector=device.type in FACILITY_DETECTOR_TYPES,
        facility_choices=institutions_open_in(
            device.region.path, timezone.localdate()
        ).order_by("name")
        if device.type in FACILITY_DETECTOR_TYPES
        else [],
        unbind_form=forms.UnbindForm(),
        alarms=list(device.alarms.order_by("-raised_at")[:10]),
        last_seen=timezone.localtime(device.last_seen) if device.last_seen else None,
    )
    return render(request, "alarms/device.html", context)


@login_required
@require_POST
def device_bind(request, pk: int):
    device = selectors.device_get(by=request.user, pk=pk)
    elder, why = find_one_elder(by=request.user, text=request.POST.get("elder", ""))
    try:
        if elder is None:
            raise ValidationFailed({"elder": why})
        services.device_bind(
            by=request.user,
            device=device,
            elder=elder,
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"已绑定 {elder.name}")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("alarms:device", pk=pk)


@login_required
@require_POST
def device_bind_facility(request, pk: int):
    device = selectors.device_get(by=request.user, pk=pk)
    try:
        facility = facility_get(by=request.user, pk=_int(request.POST.get("facility")))
    except NotInScope:
        flash_errors(request, ValidationFailed({"facility": "请选择本辖区的机构"}))
        return redirect("alarms:device", pk=pk)
    try:
        services.device_bind_facility(
            by=request.user,
            device=device,
            facility=facility,
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"已安装于 {facility.name}")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("alarms:device", pk=pk)


@login_required
@require_POST
def device_unbind(request, pk: int):
    device = selectors.device_get(by=request.user, pk=pk)
    try:
        services.device_unbind(
            by=request.user, device=device, note=request.POST.get("note", "")
        )
        messages.success(request, "已解绑")
    except ValidationFailed as exc:
        flash_errors(request, exc)
    return redirect("alarms:device", pk=pk)


@login_required
@require_POST
def device_reset(request, pk: int):
    device = selectors.device_get(by=request.user, pk=pk)
    try:
        secret = services.device_secret_reset(by=request.user, device=device)
    except ValidationFailed as exc:
        flash_errors(request, exc)
        return redirect("alarms:device", pk=pk)
    return render(
        request,
        "alarms/device_secret.html",
        _shared(request, device=device, secret=secret),
    )


@login_required
def thresholds(request, elder_pk: int):
    """个人报警阈值: a clinician's limits for one person (blank = the default)."""
    elder = elder_get(by=request.user, pk=elder_pk)
    require(permissions.may_manage_devices(request.user))
    current, row = selectors.thresholds_of(elder.pk)
    initial = {**(row.values if row else {}), "note": row.note if row else ""}
    form = forms.ThresholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_set(
                by=request.user,
                elder=elder,
                values=form.values(),
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "报警阈值已保存，新读数即按此判断")
            return redirect("alarms:thresholds", elder_pk=elder.pk)
    defaults = {k: getattr(rules.DEFAULTS, k) for k in rules.THRESHOLD_LABELS}
    return render(
        request,
        "alarms/thresholds.html",
        _shared(
            request,
            elder=elder,
            form=form,
            row=row,
            current=current,
            defaults=defaults,
            devices=selectors.devices_of_elder(elder.pk),
        ),
    )


@login_required
def quarantine(request):
    q = request.GET.get("q", "")
    page = page_of(selectors.quarantine_list(by=request.user, q=q), request.GET)
    return render(
        request,
        "alarms/quarantine.html",
        _shared(
            request, page=page, q=q, querystring=querystring_without_page(request.GET)
        ),
    )


@login_required
def notifications(request):
    page = page_of(selectors.notification_list(by=request.user), request.GET)
    return render(
        request,
        "alarms/notifications.html",
        _shared(request, page=page, querystring=querystring_without_page(request.GET)),
    )
