"""Every write of the alarms app: terminals and bindings, personal thresholds, telemetry ingest
(one path for HTTP and MQTT), the alarm lifecycle and the timer checks (escalation, offline,
no activity, retention).

Ingest stores a batch in one transaction — readings, the alarms they raise, quarantined
messages — and only then does the caller acknowledge (HTTP 200 or MQTT PUBACK): a message is
durable before it is acknowledged, and a resend after a crash is recognised by (device, message
id) and changes nothing. See docs/alarms.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yanglao.alarms import adapters, notify, rules, telemetry
from yanglao.alarms.models import (
    OPEN_STATUSES,
    Action,
    Alarm,
    AlarmEvent,
    AlarmStatus,
    Binding,
    Device,
    DeviceType,
    Gateway,
    Notification,
    OperatorPresence,
    Outcome,
    Quarantine,
    Threshold,
)
from yanglao.alarms.telemetry import Metric, Refused
from yanglao.core import permissions, push
from yanglao.core.audit import audit, audit_create
from yanglao.core.bulk import pg_array, pg_text_array
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.elders.models import Elder
from yanglao.elders.selectors import contacts_to_notify, residence_region_id

CHANNEL = "yanglao_alarms"
SERIAL_RE = re.compile(r"^[A-Za-z0-9_-]{3,40}$")


def now_ms() -> int:
    return int(time.time() * 1000)


def hash_secret(secret: str) -> str:
    """Device and gateway secrets are long random tokens: a SHA-256 is enough to store them (the
    same as API tokens), and cheap on every request."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret or ""), stored_hash or "")


# --- terminals ------------------------------------------------------------------------------------


def _require_device_manager(by) -> None:
    if not permissions.may_manage_devices(by) and not sees_everything(by):
        raise ValidationFailed({"__all__": "您的角色不能登记或绑定终端"})


def _require_in_scope(by, region) -> None:
    if not region_path_allowed(by, region.path):
        raise NotInScope


def _elder_in_scope(by, elder: Elder) -> None:
    _require_in_scope(by, elder.residence_region)


def device_register(*, by, serial: str, type: str, region, vendor: str = "yanglao",
                    model: str = "", gateway: Gateway | None = None,
                    elder: Elder | None = None) -> tuple[Device, str]:  # fmt: skip
    """Register a terminal; returns it and its secret (shown once: only its hash is kept)."""
    _require_device_manager(by)
    _require_in_scope(by, region)
    errors = {}
    serial = (serial or "").strip()
    if not SERIAL_RE.match(serial):
        errors["serial"] = "设备编号应为 3–40 位字母、数字、短横线或下划线"
    elif Device.objects.filter(serial=serial).exists():
        errors["serial"] = f"设备编号 {serial} 已登记"
    if type not in DeviceType.values:
        errors["type"] = "未知的终端类型"
    if vendor not in adapters.VENDORS:
        errors["vendor"] = "未知的消息格式"
    if gateway is not None and gateway.vendor != vendor:
        errors["gateway"] = "网关的消息格式与终端不一致"
    if errors:
        raise ValidationFailed(errors)
    if elder is not None:
        _elder_in_scope(by, elder)
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.create(
            serial=serial, type=type, vendor=vendor, model=model[:60], gateway=gateway,
            region=elder.residence_region if elder else region, secret_hash=hash_secret(secret),
            registered_by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
        audit_create(by=by, obj=device, summary=f"登记终端 {serial}")
        if elder is not None:
            _bind(by, device, elder, "")
    return device, secret


def device_secret_reset(*, by, device: Device) -> str:
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    secret = secrets.token_urlsafe(24)
    Device.objects.filter(pk=device.pk).update(secret_hash=hash_secret(secret))
    audit(
        by=by, action="update", obj=device, summary=f"重置终端 {device.serial} 的密钥"
    )
    return secret


def _bind(by, device: Device, elder: Elder, note: str) -> None:
    Binding.objects.create(
        device=device, elder=elder, bound_by=by if getattr(by, "pk", None) else None,
        note=note[:200],
    )  # fmt: skip
    Device.objects.filter(pk=device.pk).update(
        elder=elder, region=elder.residence_region
    )
    audit(
        by=by,
        action="update",
        obj=device,
        summary=f"终端 {device.serial} 绑定 {elder.name}",
    )


@transaction.atomic
def device_bind(*, by, device: Device, elder: Elder, note: str = "") -> None:
    """Bind a terminal to an older person (unbinding whoever had it)."""
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    _elder_in_scope(by, elder)
    if elder.status != "active":
        raise ValidationFailed({"elder": "该老人档案已注销，不能绑定终端"})
    if device.elder_id == elder.pk:
        raise ValidationFailed({"elder": "终端已绑定该老人"})
    if device.elder_id:
        _unbind(by, device, "改绑")
    _bind(by, device, elder, note)


def _unbind(by, device: Device, note: str) -> None:
    Binding.objects.filter(device=device, unbound_at__isnull=True).update(
        unbound_at=timezone.now(), unbound_by=by if getattr(by, "pk", None) else None
    )
    Device.objects.filter(pk=device.pk).update(elder=None)
    audit(
        by=by,
        action="update",
        obj=device,
        summary=f"终端 {device.serial} 解绑（{note}）",
    )


@transaction.atomic
def device_unbind(*, by, device: Device, note: str = "") -> None:
    _require_device_manager(by)
    _require_in_scope(by, device.region)
    if not device.elder_id:
        raise ValidationFailed({"elder": "终端未绑定老人"})
    if not (note or "").strip():
        raise ValidationFailed({"note": "请填写解绑原因（如：回收、损坏、老人去世）"})
    _unbind(by, device, note.strip())


def gateway_create(
    *, by, code: str, name: str, vendor: str, region
) -> tuple[Gateway, str]:
    _require_device_manager(by)
    _require_in_scope(by, region)
    errors = {}
    if not SERIAL_RE.match(code or ""):
        errors["code"] = "网关编号应为 3–40 位字母、数字、短横线或下划线"
    elif Gateway.objects.filter(code=code).exists():
        errors["code"] = f"网关编号 {code} 已登记"
    if not (name or "").strip():
        errors["name"] = "请填写名称"
    if vendor not in adapters.VENDORS:
        errors["vendor"] = "未知的消息格式"
    if errors:
        raise ValidationFailed(errors)
    secret = secrets.token_urlsafe(24)
    gateway = Gateway.objects.create(
        code=code, name=name.strip(), vendor=vendor, region=region,
        secret_hash=hash_secret(secret),
    )  # fmt: skip
    audit_create(by=by, obj=gateway, summary=f"登记网关 {code}")
    return gateway, secret


def threshold_set(*, by, elder: Elder, values: dict, note: str = "") -> Threshold:
    """A clinician's limits for one person (empty values fall back to the defaults)."""
    _require_device_manager(by)
    _elder_in_scope(by, elder)
    values = {k: v for k, v in values.items() if v is not None}
    errors = rules.check_thresholds(values)
    if errors:
        raise ValidationFailed(errors)
    if values and not (note or "").strip():
        raise ValidationFailed({"note": "请填写设定依据（如：医生意见、诊断）"})
    threshold, _ = Threshold.objects.update_or_create(
        elder=elder,
        defaults={"values": values, "note": (note or "").strip()[:200],
                  "set_by": by if getattr(by, "pk", None) else None},
    )  # fmt: skip
    audit(by=by, action="update", obj=threshold, summary=f"设置 {elder.name} 的报警阈值",
          after=values)  # fmt: skip
    return threshold


# --- ingest ---------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    accepted: int = 0  # messages stored now
    readings: int = 0  # readings stored now
    duplicates: int = 0  # messages already stored before (a resend)
    rejected: list[dict] = field(default_factory=list)  # index, id, reason
    alarms: list[int] = field(default_factory=list)  # alarms raised or repeated

    def as_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "readings": self.readings,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "alarms": len(self.alarms),
        }


def quarantine(*, source: str, reason: str, serial: str = "", msg_id: str = "",
               payload="", remote: str = "") -> None:  # fmt: skip
    """Record a refused request or message (kept for the vendor, shown on 被拒消息)."""
    Quarantine.objects.create(
        **_quarantine_fields(source, reason, serial, msg_id, payload, remote)
    )


def _quarantine_fields(source, reason, serial, msg_id, payload, remote) -> dict:
    if not isinstance(payload, str | bytes):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    if isinstance(payload, bytes):
        payload = payload[:2000].decode("utf-8", "replace")
    return {
        "source": source, "reason": reason[:300], "serial": str(serial or "")[:64],
        "msg_id": str(msg_id or "")[:64], "payload": payload[:2000], "remote": remote[:64],
    }  # fmt: skip


def ingest(objs: list, *, vendor: str, source: str, device: Device | None = None,
           gateway: Gateway | None = None, serial_hint: str | None = None,
           hints: list[str] | None = None, remote: str = "",
           received_ms: int | None = None) -> IngestResult:  # fmt: skip
    """Store a batch of vendor messages; return what was accepted, duplicated and refused.

    Authentication has happened (device or gateway, or the broker for MQTT, where the serial comes
    from the topic). Each message is decoded by its vendor's adapter and checked; refused ones are
    quarantined with the reason and the others are kept (the issue's "valid messages in the same
    batch are kept")."""
    received_ms = received_ms or now_ms()
    result = IngestResult()
    good: dict[tuple[str, str], tuple[int, telemetry.Message]] = {}
    refused: list[tuple[int, str, str, str, object]] = []
    for index, obj in enumerate(objs):
        if hints is not None:  # MQTT: each message's device comes from its topic
            serial_hint = hints[index]
        try:
            serial, msg_id, ts_ms, readings = adapters.decode(vendor, obj, serial_hint)
            message = telemetry.check_message(
                serial, msg_id, ts_ms, readings, now_ms=received_ms
            )
        except Refused as exc:
            serial = (
                obj.get("device") or obj.get("imei") if isinstance(obj, dict) else ""
            )
            msg_id = (obj.get("id") or obj.get("seq")) if isinstance(obj, dict) else ""
            refused.append(
                (
                    index,
                    str(serial or serial_hint or ""),
                    str(msg_id or ""),
                    str(exc),
                    obj,
                )
            )
            continue
        if device is not None and message.serial != device.serial:
            refused.append(
                (
                    index,
                    message.serial,
                    message.msg_id,
                    "消息的设备编号与认证的终端不一致",
                    obj,
                )
            )
        elif serial_hint is not None and message.serial != serial_hint:
            refused.append(
                (
                    index,
                    message.serial,
                    message.msg_id,
                    "消息的设备编号与主题中的不一致",
                    obj,
                )
            )
        elif (message.serial, message.msg_id) in good:
            result.duplicates += 1  # the same message twice in one batch
        else:
            good[(message.serial, message.msg_id)] = (index, message)
    devices = _devices_for({serial for serial, _ in good})
    kept = _authorised(good, devices, gateway, refused)
    thresholds = _thresholds_for(
        {dev["elder_id"] for dev, _ in kept if dev["elder_id"]}
    )
    status: dict[int, list] = {}
    for part in _urgent_first(kept, thresholds):
        status.update(_store_part(part, thresholds, result, refused, received_ms))
    refused.sort(key=lambda r: r[0])
    result.rejected = [
        {"index": i, "id": mid, "reason": reason} for i, _, mid, reason, _ in refused
    ]
    if refused:
        Quarantine.objects.bulk_create(
            Quarantine(
                **_quarantine_fields(source, reason, serial, mid, obj or "", remote)
            )
            for _, serial, mid, reason, obj in refused
        )
    _update_device_status(status)
    return result


def _authorised(
    good, devices, gateway, refused
) -> list[tuple[dict, telemetry.Message]]:
    """The messages of registered, active devices (of this gateway, when one sent them); the
    others are added to `refused`."""
    kept = []
    for (serial, msg_id), (index, message) in good.items():
        dev = devices.get(serial)
        reason = None
        if dev is None or not dev["active"]:
            reason = "未登记或已停用的设备"
        elif gateway is not None and dev["gateway_id"] != gateway.pk:
            reason = "设备不属于该网关"
        if reason:
            refused.append((index, serial, msg_id, reason, None))
        else:
            kept.append((dev, message))
    return kept


def _urgent_first(kept, thresholds) -> list[list]:
    """The batch in two parts, each stored in its own transaction: first every message of the
    devices that reported something beyond their person's limits (an SOS, a fall, an abnormal
    vital), then the routine rest. An alarm is committed and pushed to the console before the
    hundreds of routine readings around it are written (issue 5: p50 ≤ 100 ms from the device's
    send time). A device's messages stay together, so the rules that look at the readings before
    one (two abnormal heart rates in a row) see the whole batch of that device. If the process
    dies between the two, the sender has no answer and sends the batch again: the first part's
    messages are recognised as stored, nothing is raised twice."""
    urgent_devices = set()
    for dev, message in kept:
        thr = thresholds.get(dev["elder_id"], rules.DEFAULTS)
        for metric, value, value2 in message.readings:
            if rules.abnormal(metric, value, value2, thr):
                urgent_devices.add(dev["id"])
                break
    if not urgent_devices:
        return [kept] if kept else []
    urgent = [(dev, m) for dev, m in kept if dev["id"] in urgent_devices]
    routine = [(dev, m) for dev, m in kept if dev["id"] not in urgent_devices]
    return [urgent, routine] if routine else [urgent]


def _store_part(kept, thresholds, result: IngestResult, refused, received_ms) -> dict:
    """Store one part of a batch and raise its alarms in one transaction (tried again when a
    concurrent batch opened the same alarm first); add its counts to `result` once committed."""
    for attempt in range(3):
        unbound: list[tuple] = []
        try:
            with transaction.atomic():
                fresh, alarm_ids = _store(kept, thresholds, unbound, received_ms)
            break
        except (
            IntegrityError
        ):  # a concurrent writer raised the same alarm first: read it again
            if attempt == 2:
                raise
    result.accepted += len(fresh)
    result.readings += sum(len(m.readings) for _, m in fresh)
    result.duplicates += len(kept) - len(fresh)
    result.alarms += alarm_ids
    refused += unbound
    return _status_rows(fresh)


def _store(kept, thresholds, unbound: list, received_ms: int) -> tuple[list, list[int]]:
    """Insert the readings (skipping messages stored before) and raise the alarms of the new ones;
    the new messages and the alarms raised or repeated."""
    rows = [
        (
            dev["id"],
            message.msg_id,
            int(metric),
            message.ts_ms,
            received_ms,
            value,
            value2,
        )
        for dev, message in kept
        for metric, value, value2 in message.readings
    ]
    new_keys = _insert_readings(rows)
    fresh = [(dev, m) for dev, m in kept if (dev["id"], m.msg_id) in new_keys]
    alarm_ids = []
    for dev, trig in _triggers(fresh, thresholds):
        if dev["elder_id"] is None:
            unbound.append(
                (-1, dev["serial"], trig.msg_id,
                 f"设备未绑定老人，{rules.KINDS[trig.kind][0]}无法派发", None)
            )  # fmt: skip
            continue
        alarm_ids.append(_raise(dev, trig))
    if alarm_ids:
        push.publish(CHANNEL)
    return fresh, alarm_ids


def _devices_for(serials: set[str]) -> dict[str, dict]:
    if not serials:
        return {}
    return {
        d["serial"]: d
        for d in Device.objects.filter(serial__in=serials).values(
            "id",
            "serial",
            "elder_id",
            "gateway_id",
            "active",
            "region_id",
        )  # fmt: skip
    }


def _insert_readings(rows: list[tuple]) -> set[tuple[int, str]]:
    """Insert readings, skipping any already stored; (device id, message id) of the new ones."""
    if not rows:
        return set()
    new: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*rows, strict=True))
            cursor.execute(
                "INSERT INTO alarms_reading (device_id, msg_id, metric, ts_ms, received_ms, value, value2) "
                "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::smallint[], %s::bigint[], "
                "%s::bigint[], %s::float8[], %s::float8[]) "
                "ON CONFLICT (device_id, msg_id, metric) DO NOTHING RETURNING device_id, msg_id",
                [pg_array(columns[0]), pg_text_array(columns[1])]
                + [pg_array(c) for c in columns[2:]],
            )
            new.update(cursor.fetchall())
            return new
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            cursor.execute(
                "INSERT INTO alarms_reading (device_id, msg_id, metric, ts_ms, received_ms, value, value2) VALUES "
                + ",".join(["(%s,%s,%s,%s,%s,%s,%s)"] * len(chunk))
                + " ON CONFLICT (device_id, msg_id, metric) DO NOTHING RETURNING device_id, msg_id",
                [v for row in chunk for v in row],
            )
            new.update((d, m) for d, m in cursor.fetchall())
    return new


def _thresholds_for(elder_ids: set[int]) -> dict[int, rules.Thresholds]:
    if not elder_ids:
        return {}
    return {
        t.elder_id: rules.thresholds_from(t.values)
        for t in Threshold.objects.filter(elder_id__in=elder_ids)
    }


def _triggers(fresh, thresholds) -> list[tuple[dict, rules.Trigger]]:
    """The alarms the new messages raise, in device time. Abnormal readings are rare: only for
    them is the reading before (of the same metric) looked up — with the device row locked, so a
    concurrent batch of the same device sees this one's readings (PostgreSQL READ COMMITTED)."""
    candidates = []
    for dev, message in fresh:
        thr = thresholds.get(dev["elder_id"], rules.DEFAULTS)
        for metric, value, value2 in message.readings:
            if rules.abnormal(metric, value, value2, thr):
                candidates.append((dev, message, metric, value, value2, thr))
    if not candidates:
        return []
    needing = sorted(
        {
            dev["id"]
            for dev, _, metric, *_ in candidates
            if metric in rules.NEEDS_PREVIOUS
        }
    )
    if needing and connection.vendor == "postgresql":
        list(
            # NO KEY UPDATE: it does not block the KEY SHARE locks that the deferred foreign-key
            # checks of other batches take on device rows at COMMIT (FOR UPDATE did, and two
            # batches could deadlock: PostgreSQL broke it after a second, stalling both).
            Device.objects.select_for_update(no_key=True)
            .filter(id__in=needing)
            .order_by("id")
            .values_list("id")
        )
    out = []
    in_batch: dict[int, set[str]] = defaultdict(set)
    for dev, message in fresh:
        in_batch[dev["id"]].add(message.msg_id)
    candidates.sort(key=lambda c: (c[1].ts_ms, c[0]["id"]))
    for dev, message, metric, value, value2, thr in candidates:
        previous = 0
        if metric in rules.NEEDS_PREVIOUS:
            previous = _abnormal_run_before(dev["id"], metric, message.ts_ms, thr)
        trig = rules.evaluate(metric, value, value2, ts_ms=message.ts_ms,
                              msg_id=message.msg_id, thr=thr, previous_abnormal=previous)  # fmt: skip
        if trig is not None:
            out.append((dev, trig))
        if metric == Metric.HEART_RATE:
            out += [
                (dev, t)
                for t in _completed_later(
                    dev["id"], message.ts_ms, previous, thr, in_batch[dev["id"]]
                )
            ]
    return out


def _completed_later(
    device_id: int, ts_ms: int, before: int, thr, skip: set[str]
) -> list:
    """A heart-rate reading that arrives late (after readings taken after it) may complete a run
    of abnormal readings: the later reading whose run now reaches the limit raises the alarm it
    would have raised had the messages arrived in order (readings of this batch are judged on
    their own turn)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, msg_id, ts_ms FROM alarms_reading WHERE device_id = %s AND metric = %s "
            "AND ts_ms > %s ORDER BY ts_ms LIMIT %s",
            [device_id, int(Metric.HEART_RATE), ts_ms, thr.hr_consecutive + len(skip)],
        )
        later = [row for row in cursor.fetchall() if row[1] not in skip]
    out = []
    for j, (value, msg_id, later_ts) in enumerate(later):
        if not rules.abnormal(Metric.HEART_RATE, value, None, thr):
            break
        if before + j + 2 == thr.hr_consecutive:
            out.append(rules.evaluate(Metric.HEART_RATE, value, None, ts_ms=later_ts, msg_id=msg_id, thr=thr,
                                      previous_abnormal=thr.hr_consecutive - 1))  # fmt: skip
    return out


def _abnormal_run_before(device_id: int, metric: int, ts_ms: int, thr) -> int:
    """How many readings of this metric just before `ts_ms` were abnormal, in a row."""
    look = max(thr.hr_consecutive - 1, 1) if metric == Metric.HEART_RATE else 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, value2 FROM alarms_reading WHERE device_id = %s AND metric = %s "
            "AND ts_ms < %s ORDER BY ts_ms DESC LIMIT %s",
            [device_id, metric, ts_ms, look],
        )
        run = 0
        for value, value2 in cursor.fetchall():
            if not rules.abnormal(metric, value, value2, thr):
                break
            run += 1
    return run


def _raise(dev: dict, trig: rules.Trigger, *, now=None) -> int:
    """Open an alarm for (person, kind), or add this signal to the one already open."""
    now = now or timezone.now()
    alarm = (
        Alarm.objects.select_for_update()
        .filter(elder_id=dev["elder_id"], kind=trig.kind, status__in=OPEN_STATUSES)
        .first()
    )
    if alarm is not None:
        alarm.signals += 1
        alarm.last_signal_at = now
        alarm.text = trig.text
        fields = ["signals", "last_signal_at", "text"]
        if rules.SEVERITY_RANK[trig.severity] > rules.SEVERITY_RANK[alarm.severity]:
            alarm.severity = trig.severity
            fields.append("severity")
        alarm.save(update_fields=fields)
        AlarmEvent.objects.create(
            alarm=alarm, at=now, kind=AlarmEvent.Kind.REPEATED, note=trig.text,
            msg_id=trig.msg_id, signal_ts_ms=trig.ts_ms, device_id=dev["id"],
        )  # fmt: skip
        return alarm.pk
    with (
        transaction.atomic()
    ):  # a savepoint: a concurrent insert of the same alarm fails alone
        alarm = Alarm.objects.create(
            elder_id=dev["elder_id"], device_id=dev["id"],
            region_id=_alarm_region(dev),
            kind=trig.kind, severity=trig.severity, text=trig.text, raised_at=now,
            signal_ts_ms=trig.ts_ms, last_signal_at=now,
        )  # fmt: skip
    AlarmEvent.objects.create(
        alarm=alarm, at=now, kind=AlarmEvent.Kind.RAISED, note=trig.text,
        msg_id=trig.msg_id, signal_ts_ms=trig.ts_ms, device_id=dev["id"],
    )  # fmt: skip
    if trig.severity != rules.NORMAL:
        _notify_family(alarm, f"【养老服务】{alarm.elder.name} 的{rules.KINDS[trig.kind][0]}：{trig.text}。"
                              "服务中心已收到，正在处置。")  # fmt: skip
    return alarm.pk


def _alarm_region(dev: dict) -> int:
    """An alarm belongs to the region where its person lives (the operators of that region see
    it), or the device's when the person has none recorded. Read when an alarm is opened, which is
    rare, rather than joined into every batch's device look-up."""
    return residence_region_id(dev["elder_id"]) or dev["region_id"]


def _notify_family(alarm: Alarm, text: str) -> None:
    contacts = contacts_to_notify(alarm.elder_id)
    if not contacts:
        return
    notes = Notification.objects.bulk_create(
        Notification(alarm=alarm, contact=c, text=text[:300],
                     recipient=f"{c.name}（{c.relation}）{c.phone_masked}"[:80])
        for c in contacts
    )  # fmt: skip
    AlarmEvent.objects.create(
        alarm=alarm, kind=AlarmEvent.Kind.NOTIFIED,
        note="已通知：" + "、".join(f"{c.name}（{c.relation}）" for c in contacts),
    )  # fmt: skip
    ids = [n.pk for n in notes]
    transaction.on_commit(lambda: notify.deliver(ids))


def _status_rows(fresh) -> dict[int, list]:
    """Per device: latest device time, battery, location, activity in this batch."""
    status: dict[int, list] = {}
    for dev, message in fresh:
        row = status.setdefault(dev["id"], [0, None, None, None, None])
        latest = message.ts_ms >= row[0]
        row[0] = max(row[0], message.ts_ms)
        for metric, value, value2 in message.readings:
            if metric == Metric.BATTERY and latest:
                row[1] = int(value)
            elif metric == Metric.LOCATION and latest:
                row[2], row[3] = value, value2
            elif metric in (Metric.ACTIVITY, Metric.FALL, Metric.SOS):
                row[4] = max(row[4] or 0, message.ts_ms)
    return status


def _update_device_status(status: dict[int, list]) -> None:
    """Last seen, battery, location and activity, after the batch is stored (its own short
    transaction, rows locked in id order so concurrent batches never deadlock)."""
    if not status:
        return
    ids = sorted(status)
    rows = [(i, *status[i]) for i in ids]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM alarms_device WHERE id = ANY(%s::bigint[]) ORDER BY id FOR NO KEY UPDATE",
                [pg_array(ids)],
            )
            cols = [pg_array(c) for c in zip(*rows, strict=True)]
            cursor.execute(
                "UPDATE alarms_device d SET "
                "battery = CASE WHEN v.seen >= COALESCE(d.last_seen_ms, 0) THEN COALESCE(v.battery, d.battery) ELSE d.battery END, "
                "lat = CASE WHEN v.seen >= COALESCE(d.last_seen_ms, 0) AND v.lat IS NOT NULL THEN v.lat ELSE d.lat END, "
                "lng = CASE WHEN v.seen >= COALESCE(d.last_seen_ms, 0) AND v.lng IS NOT NULL THEN v.lng ELSE d.lng END, "
                "last_activity_ms = GREATEST(d.last_activity_ms, v.act), "
                "last_seen_ms = GREATEST(d.last_seen_ms, v.seen) "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::float8[], %s::float8[], %s::bigint[]) "
                "AS v(id, seen, battery, lat, lng, act) WHERE d.id = v.id",
                cols,
            )
            return
        cursor.executemany(
            "UPDATE alarms_device SET "
            "battery = CASE WHEN %s >= COALESCE(last_seen_ms, 0) THEN COALESCE(%s, battery) ELSE battery END, "
            "lat = CASE WHEN %s >= COALESCE(last_seen_ms, 0) AND %s IS NOT NULL THEN %s ELSE lat END, "
            "lng = CASE WHEN %s >= COALESCE(last_seen_ms, 0) AND %s IS NOT NULL THEN %s ELSE lng END, "
            "last_activity_ms = MAX(COALESCE(last_activity_ms, 0), COALESCE(%s, 0)), "
            "last_seen_ms = MAX(COALESCE(last_seen_ms, 0), %s) WHERE id = %s",
            [(s, b, s, la, la, s, ln, ln, a, s, i) for i, s, b, la, ln, a in rows],
        )


# --- the alarm lifecycle --------------------------------------------------------------------------


def _require_handler(by) -> None:
    if not permissions.may_handle_alarms(by) and not sees_everything(by):
        raise ValidationFailed({"__all__": "只有接警员或值班长可以处置告警"})


def _locked(by, alarm_id: int) -> Alarm:
    alarm = (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("region", "elder")
        .filter(pk=alarm_id)
        .first()
    )
    if alarm is None or not region_path_allowed(by, alarm.region.path):
        raise NotInScope(alarm_id)
    return alarm


def _event(alarm: Alarm, kind: str, by=None, **fields) -> AlarmEvent:
    event = AlarmEvent.objects.create(alarm=alarm, kind=kind, by=by, **fields)
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
        status=AlarmStatus.NEW, escalated_at__isnull=True,
        raised_at__lte=now - dt.timedelta(seconds=seconds),
    )  # fmt: skip
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
        "id": device.pk, "elder_id": device.elder_id, "region_id": device.region_id,
        "serial": device.serial,
    }  # fmt: skip
    with transaction.atomic():
        _raise(dev, rules.trigger(kind, since_ms, "", text))
        push.publish(CHANNEL)
    return True


def check_silence(*, now_ms_: int | None = None) -> int:
    """设备离线 and 长时间无活动: devices bound to someone that have gone quiet longer than the
    person's limit. Each silence raises one alarm (checked again after the device is heard)."""
    now = now_ms_ or now_ms()
    shortest_offline = 5 * 60_000
    raised = 0
    quiet = Device.objects.filter(
        active=True, elder__isnull=False, last_seen_ms__lt=now - shortest_offline
    ).select_related("elder")
    thresholds = _thresholds_for(set(quiet.values_list("elder_id", flat=True)))
    for device in quiet:
        thr = thresholds.get(device.elder_id, rules.DEFAULTS)
        if rules.offline_due(device.last_seen_ms, now, thr):
            minutes = (now - device.last_seen_ms) // 60_000
            raised += _timer_alarm(device, "offline", device.last_seen_ms,
                                   f"{device.get_type_display()} {device.serial} 已 {minutes} 分钟无通信")  # fmt: skip
    sensors = Device.objects.filter(
        active=True, elder__isnull=False, type=DeviceType.ACTIVITY,
        last_activity_ms__lt=now - 3_600_000,
    )  # fmt: skip
    thresholds = _thresholds_for(set(sensors.values_list("elder_id", flat=True)))
    for device in sensors:
        thr = thresholds.get(device.elder_id, rules.DEFAULTS)
        if rules.inactivity_due(device.last_activity_ms, now, thr):
            hours = (now - device.last_activity_ms) / 3_600_000
            raised += _timer_alarm(device, "no_activity", device.last_activity_ms,
                                   f"已 {hours:.1f} 小时未检测到活动")  # fmt: skip
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
    """One pass of the alarm clock: escalations, silences."""
    return {"escalated": escalate_overdue(), "silent": check_silence()}
