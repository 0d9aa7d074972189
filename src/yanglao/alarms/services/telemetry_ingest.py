"""Telemetry ingest (HTTP and the MQTT bridge): a batch checked message by message, stored in two
transactions — the terminals with something beyond limits first, their alarms committed and pushed
— then the routine rest; a resend changes nothing. docs/alarms.md."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yanglao.alarms import adapters, notify, rules, telemetry
from yanglao.alarms.models import (
    OPEN_STATUSES,
    Alarm,
    AlarmEvent,
    Device,
    Gateway,
    Notification,
    Quarantine,
    Threshold,
)
from yanglao.alarms.services.secrets import CHANNEL, now_ms
from yanglao.alarms.telemetry import Metric, Refused
from yanglao.core import push
from yanglao.core.bulk import pg_array, pg_text_array
from yanglao.elders.selectors import contacts_to_notify, residence_region_id

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


def quarantine(
    *,
    source: str,
    reason: str,
    serial: str = "",
    msg_id: str = "",
    payload="",
    remote: str = "",
) -> None:
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
        "source": source,
        "reason": reason[:300],
        "serial": str(serial or "")[:64],
        "msg_id": str(msg_id or "")[:64],
        "payload": payload[:2000],
        "remote": remote[:64],
    }


def ingest(
    objs: list,
    *,
    vendor: str,
    source: str,
    device: Device | None = None,
    gateway: Gateway | None = None,
    serial_hint: str | None = None,
    hints: list[str] | None = None,
    remote: str = "",
    received_ms: int | None = None,
) -> IngestResult:
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
        if dev["elder_id"] is None and dev["facility_id"] is None:
            unbound.append(
                (
                    -1,
                    dev["serial"],
                    trig.msg_id,
                    f"设备未绑定老人或机构，{rules.KINDS[trig.kind][0]}无法派发",
                    None,
                )
            )
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
            "facility_id",
            "gateway_id",
            "active",
            "region_id",
        )
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
        trig = rules.evaluate(
            metric,
            value,
            value2,
            ts_ms=message.ts_ms,
            msg_id=message.msg_id,
            thr=thr,
            previous_abnormal=previous,
        )
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
            out.append(
                rules.evaluate(
                    Metric.HEART_RATE,
                    value,
                    None,
                    ts_ms=later_ts,
                    msg_id=msg_id,
                    thr=thr,
                    previous_abnormal=thr.hr_consecutive - 1,
                )
            )
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
    """Open an alarm for (person or institution, kind), or add this signal to the one already
    open."""
    now = now or timezone.now()
    subject = _subject(dev)
    alarm = (
        Alarm.objects.select_for_update()
        .filter(**subject, kind=trig.kind, status__in=OPEN_STATUSES)
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
            alarm=alarm,
            at=now,
            kind=AlarmEvent.Kind.REPEATED,
            note=trig.text,
            msg_id=trig.msg_id,
            signal_ts_ms=trig.ts_ms,
            device_id=dev["id"],
        )
        return alarm.pk
    with (
        transaction.atomic()
    ):  # a savepoint: a concurrent insert of the same alarm fails alone
        alarm = Alarm.objects.create(
            **subject,
            device_id=dev["id"],
            region_id=_alarm_region(dev),
            kind=trig.kind,
            severity=trig.severity,
            text=trig.text,
            raised_at=now,
            signal_ts_ms=trig.ts_ms,
            last_signal_at=now,
        )
    AlarmEvent.objects.create(
        alarm=alarm,
        at=now,
        kind=AlarmEvent.Kind.RAISED,
        note=trig.text,
        msg_id=trig.msg_id,
        signal_ts_ms=trig.ts_ms,
        device_id=dev["id"],
    )
    if trig.severity != rules.NORMAL and alarm.elder_id:
        _notify_family(
            alarm,
            f"【养老服务】{alarm.elder.name} 的{rules.KINDS[trig.kind][0]}：{trig.text}。"
            "服务中心已收到，正在处置。",
        )
    return alarm.pk


def _subject(dev: dict) -> dict:
    """The person the device serves, or the institution a fire detector is installed in."""
    if dev.get("facility_id"):
        return {"facility_id": dev["facility_id"]}
    return {"elder_id": dev["elder_id"]}


def _alarm_region(dev: dict) -> int:
    """An alarm belongs to the region where its person lives (the operators of that region see
    it), or the device's when the person has none recorded or it is an institution's detector
    (binding it moved the device to the institution's region). Read when an alarm is opened, which is
    rare, rather than joined into every batch's device look-up."""
    if not dev["elder_id"]:
        return dev["region_id"]  # an institution's detector: the institution's region
    return residence_region_id(dev["elder_id"]) or dev["region_id"]


def _notify_family(alarm: Alarm, text: str) -> None:
    contacts = contacts_to_notify(alarm.elder_id)
    if not contacts:
        return
    notes = Notification.objects.bulk_create(
        Notification(
            alarm=alarm,
            contact=c,
            text=text[:300],
            recipient=f"{c.name}（{c.relation}）{c.phone_masked}"[:80],
        )
        for c in contacts
    )
    AlarmEvent.objects.create(
        alarm=alarm,
        kind=AlarmEvent.Kind.NOTIFIED,
        note="已通知：" + "、".join(f"{c.name}（{c.relation}）" for c in contacts),
    )
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
            # No movement in this batch leaves the last movement as it was: NULL stays NULL (a
            # sensor that never saw anyone), not 0 — which read as "no activity since 1970".
            "last_activity_ms = CASE WHEN %s IS NULL THEN last_activity_ms "
            "ELSE MAX(COALESCE(last_activity_ms, 0), %s) END, "
            "last_seen_ms = MAX(COALESCE(last_seen_ms, 0), %s) WHERE id = %s",
            [(s, b, s, la, la, s, ln, ln, a, a, s, i) for i, s, b, la, ln, a in rows],
        )
