"""The alarm lifecycle at the response centre: 接警, 处置 (call, dispatch, 120/110), 办结 with an
outcome, 升级 (and the 60-s escalation pass), offline and no-activity checks, family notifications,
retention."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.alarms import rules
from yanglao.alarms.models import (
    Action,
    Alarm,
    AlarmEvent,
    AlarmStatus,
    Device,
    DeviceType,
    OperatorPresence,
    Outcome,
)
from yanglao.alarms.services.secrets import CHANNEL, now_ms
from yanglao.alarms.services.telemetry_ingest import _raise, _thresholds_for
from yanglao.core import permissions, push
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.medical.services import referral_propose_for_alarm, referrals_escalate

# --- the alarm lifecycle --------------------------------------------------------------------------


def _require_handler(by) -> None:
    if not permissions.may_handle_alarms(by) and not sees_everything(by):
        raise ValidationFailed({"__all__": "只有接警员或值班长可以处置告警"})


def _locked(by, alarm_id: int) -> Alarm:
    alarm = (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("region", "elder", "facility")
        .filter(pk=alarm_id)
        .first()
    )
    if alarm is None or not region_path_allowed(by, alarm.region.path):
        raise NotInScope(alarm_id)
    return alarm


def _event(alarm: Alarm, kind: str, by=None, **fields) -> AlarmEvent:
    event = AlarmEvent.objects.create(alarm=alarm, kind=kind, by=by, **fields)
    if by is not None and permissions.may_handle_alarms(by):
        # Whoever handles an alarm is on duty, with or without the console's stream open
        # (issue 21: 值班监控 showed 0 在岗 minutes after an operator had handled an alarm).
        presence_beat(by)
    push.publish(CHANNEL)
    return event


@transaction.atomic
def alarm_acknowledge(*, by, alarm_id: int) -> Alarm:
    """接警: the operator has the alarm (the SLA clock stops here)."""
    _require_handler(by)
    alarm = _locked(by, alarm_id)
    if alarm.status != AlarmStatus.NEW:
        who = alarm.acknowledged_by or "他人"
        raise ValidationFailed({"status": f"该告警已由 {who} 接警"})
    alarm.status = AlarmStatus.ACKNOWLEDGED
    alarm.acknowledged_at, alarm.acknowledged_by = timezone.now(), by
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _event(alarm, AlarmEvent.Kind.ACKNOWLEDGED, by)
    if alarm.elder_id and alarm.kind in rules.REFERRAL_KINDS:
        referral_propose_for_alarm(
            alarm_id=alarm.pk,
            elder=alarm.elder,
            text=f"{rules.KINDS[alarm.kind][0]}：{alarm.text}",
        )
    return alarm


@transaction.atomic
def alarm_act(*, by, alarm_id: int, action: str, note: str = "") -> Alarm:
    """处置: log a call, a dispatch, a 120 call… Acting on a new alarm acknowledges it first."""
    _require_handler(by)
    alarm = _locked(by, alarm_id)
    note = (note or "").strip()
    errors = {}
    if action not in Action.values:
        errors["action"] = "请选择处置方式"
    if action in (Action.DISPATCH, Action.NOTE) and not note:
        errors["note"] = "请填写说明（派谁上门 / 备注内容）"
    if len(note) > 300:
        errors["note"] = "说明不超过 300 字"
    if not alarm.is_open:
        errors["status"] = "告警已办结"
    if errors:
        raise ValidationFailed(errors)
    if alarm.status == AlarmStatus.NEW:
        alarm.acknowledged_at, alarm.acknowledged_by = timezone.now(), by
        _event(alarm, AlarmEvent.Kind.ACKNOWLEDGED, by)
    alarm.status = AlarmStatus.IN_PROGRESS
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _event(alarm, AlarmEvent.Kind.ACTION, by, action=action, note=note)
    return alarm


@transaction.atomic
def alarm_resolve(*, by, alarm_id: int, outcome: str, note: str = "") -> Alarm:
    """办结 with an outcome; a real emergency needs at least one logged action first."""
    _require_handler(by)
    alarm = _locked(by, alarm_id)
    note = (note or "").strip()
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择处置结果"
    if alarm.status == AlarmStatus.NEW:
        errors["status"] = "请先接警"
    elif not alarm.is_open:
        errors["status"] = "告警已办结"
    elif (
        outcome == Outcome.REAL
        and not alarm.events.filter(kind=AlarmEvent.Kind.ACTION).exists()
    ):
        errors["outcome"] = (
            "真实紧急的告警须先记录处置措施（致电、派人上门、呼叫 120 等）"
        )
    if len(note) > 300:
        errors["note"] = "说明不超过 300 字"
    if errors:
        raise ValidationFailed(errors)
    alarm.status = AlarmStatus.RESOLVED
    alarm.resolved_at, alarm.resolved_by = timezone.now(), by
    alarm.outcome, alarm.outcome_note = outcome, note
    alarm.save(
        update_fields=[
            "status",
            "resolved_at",
            "resolved_by",
            "outcome",
            "outcome_note",
        ]
    )
    _event(
        alarm,
        AlarmEvent.Kind.RESOLVED,
        by,
        note=f"{Outcome(outcome).label} {note}".strip(),
    )
    return alarm


@transaction.atomic
def alarm_escalate(*, by, alarm_id: int, reason: str) -> Alarm:
    """升级 to the shift supervisor (by an operator, with a reason)."""
    _require_handler(by)
    alarm = _locked(by, alarm_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写升级原因"})
    if not alarm.is_open:
        raise ValidationFailed({"status": "告警已办结"})
    alarm.escalated_at = alarm.escalated_at or timezone.now()
    alarm.escalation_reason = reason[:200]
    alarm.save(update_fields=["escalated_at", "escalation_reason"])
    _event(alarm, AlarmEvent.Kind.ESCALATED, by, note=reason[:300])
    return alarm


def escalate_overdue(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Alarms nobody acknowledged within ALARM_ACK_SECONDS go to the supervisor (and ring louder
    on every console). Idempotent: each alarm escalates once.

    One short transaction for all of them: every open console's push stream runs this every few
    seconds between sending events, so it must not hold the stream up (an alarm per transaction
    stalled the stream for a commit per overdue alarm). Alarms locked by an operator or by an
    ingest adding a signal are skipped and escalate on the next pass (PostgreSQL SKIP LOCKED)."""
    now = now or timezone.now()
    seconds = settings.ALARM_ACK_SECONDS
    overdue = Alarm.objects.filter(
        status=AlarmStatus.NEW,
        escalated_at__isnull=True,
        raised_at__lte=now - dt.timedelta(seconds=seconds),
    )
    if (
        not overdue.exists()
    ):  # the usual answer: no transaction (on SQLite, no write lock)
        return 0
    with transaction.atomic():
        ids = list(
            overdue.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        Alarm.objects.filter(pk__in=ids).update(
            escalated_at=now, escalation_reason=f"超过 {seconds} 秒无人接警"
        )
        note = f"超过 {seconds} 秒无人接警，已升级至值班长"
        AlarmEvent.objects.bulk_create(
            AlarmEvent(alarm_id=pk, at=now, kind=AlarmEvent.Kind.ESCALATED, note=note)
            for pk in ids
        )
        push.publish(CHANNEL)
    return len(ids)


def _timer_alarm(device: Device, kind: str, since_ms: int, text: str) -> bool:
    """Raise a timer alarm once per silence: the alarm carries the last-seen time it is about."""
    if Alarm.objects.filter(device=device, kind=kind, signal_ts_ms=since_ms).exists():
        return False
    dev = {
        "id": device.pk,
        "elder_id": device.elder_id,
        "facility_id": device.facility_id,
        "region_id": device.region_id,
        "serial": device.serial,
    }
    with transaction.atomic():
        _raise(dev, rules.trigger(kind, since_ms, "", text))
        push.publish(CHANNEL)
    return True


def check_silence(*, now_ms_: int | None = None) -> int:
    """设备离线 and 长时间无活动: devices bound to someone (or installed in an institution, with
    the default limits) that have gone quiet longer than the person's limit. Each silence raises one alarm (checked again after the device is heard)."""
    now = now_ms_ or now_ms()
    shortest_offline = 5 * 60_000
    raised = 0
    quiet = Device.objects.filter(
        Q(elder__isnull=False) | Q(facility__isnull=False),
        active=True,
        last_seen_ms__lt=now - shortest_offline,
    )
    thresholds = _thresholds_for(set(quiet.values_list("elder_id", flat=True)))
    for device in quiet:
        thr = thresholds.get(device.elder_id, rules.DEFAULTS)
        if rules.offline_due(device.last_seen_ms, now, thr):
            minutes = (now - device.last_seen_ms) // 60_000
            raised += _timer_alarm(
                device,
                "offline",
                device.last_seen_ms,
                f"{device.get_type_display()} {device.serial} 已 {minutes} 分钟无通信",
            )
    sensors = Device.objects.filter(
        active=True,
        elder__isnull=False,
        type=DeviceType.ACTIVITY,
        last_activity_ms__lt=now - 3_600_000,
    )
    thresholds = _thresholds_for(set(sensors.values_list("elder_id", flat=True)))
    for device in sensors:
        thr = thresholds.get(device.elder_id, rules.DEFAULTS)
        if rules.inactivity_due(device.last_activity_ms, now, thr):
            hours = (now - device.last_activity_ms) / 3_600_000
            raised += _timer_alarm(
                device,
                "no_activity",
                device.last_activity_ms,
                f"已 {hours:.1f} 小时未检测到活动",
            )
    return raised


def prune_readings(*, now_ms_: int | None = None, chunk: int = 50_000) -> int:
    """Delete readings older than TELEMETRY_RETENTION_DAYS (by arrival), in chunks."""
    cutoff = (now_ms_ or now_ms()) - settings.TELEMETRY_RETENTION_DAYS * 86_400_000
    from yanglao.alarms.models import Reading

    deleted = 0
    while True:
        ids = list(
            Reading.objects.filter(received_ms__lt=cutoff).values_list("id", flat=True)[
                :chunk
            ]
        )
        if not ids:
            return deleted
        deleted += Reading.objects.filter(id__in=ids).delete()[0]


def presence_beat(user) -> None:
    """The console is open: the operator counts as on duty (supervisor view)."""
    now = timezone.now()
    updated = OperatorPresence.objects.filter(
        user=user, last_seen_at__gte=now - dt.timedelta(minutes=2)
    ).update(last_seen_at=now)
    if not updated:
        OperatorPresence.objects.update_or_create(
            user=user, defaults={"last_seen_at": now, "since": now}
        )


def tick() -> dict:
    """One pass of the alarm clock: escalations, silences, and referrals past their deadline
    (双向转诊 超时督办)."""
    return {
        "escalated": escalate_overdue(),
        "silent": check_silence(),
        "referrals_escalated": referrals_escalate(),
    }
