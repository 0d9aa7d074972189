"""Demo city, part 6: smart terminals and the emergency response centre. An operator (接警员) and
a shift lead (接警值班长) for the city; a vendor gateway; terminals for a share of the older people
(一键呼叫器 for people living alone, watches for the frail and for 失智 people with a safe area,
smoke and gas detectors, activity sensors); a month of handled alarms (so the SLA figures and the
monthly report have substance); a day of vitals for the first watches; and a few alarms open now —
raised through the real ingest path, so they carry their events and family notifications. The
devices' secrets are returned for var/demo-devices.json, which the simulator reads."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.accounts.services import user_create
from yanglao.alarms import rules, services
from yanglao.alarms.models import (
    Alarm,
    AlarmEvent,
    AlarmStatus,
    Binding,
    Device,
    Outcome,
    Threshold,
)
from yanglao.core.bulk import bulk_insert
from yanglao.elders.models import Elder, ElderCategory, Status
from yanglao.facilities.models import INSTITUTION_TYPES, Facility
from yanglao.regions.models import Region

HISTORY_DAYS = 30
OUTCOME_MIX = [
    ("false_alarm", 45),
    ("real", 30),
    ("no_need", 15),
    ("device_fault", 7),
    ("referred", 3),
]


def build_alarm_centre(
    *, today: dt.date, seed: int, progress
) -> tuple[list[dict], dict]:
    """Returns (logins, devices document)."""
    rng = random.Random(seed + 7)
    city = Region.objects.get(code="360200")
    logins = []
    for username, name, role in [
        ("operator", "急救呼叫中心 赵坐席", "operator"),
        ("lead", "急救呼叫中心 钱值班长", "dispatch_lead"),
    ]:
        password = secrets.token_urlsafe(9)
        user_create(
            by=None,
            username=username,
            password=password,
            role=role,
            region=city,
            full_name=name,
        )
        logins.append(
            {
                "username": username,
                "password": password,
                "role": role,
                "role_name": User.objects.get(username=username).role_name,
                "scope": city.name,
            }
        )
    admin = User.objects.get(username="admin")
    gateway, gateway_secret = services.gateway_create(
        by=admin, code="DEMO-GW", name="演示厂商平台", vendor="yanglao", region=city
    )
    doc = {"gateway": {"code": gateway.code, "secret": gateway_secret}, "devices": []}
    with transaction.atomic():
        devices = _register(rng, gateway, doc)
    progress(f"智能终端：{len(devices):,} 台")
    operator = User.objects.get(username="operator")
    with transaction.atomic():
        n = _history(rng, devices, operator, today)
    progress(f"近 {HISTORY_DAYS} 天已处置告警：{n:,} 起")
    _vitals_and_open_alarms(rng, devices, gateway)
    n = _institution_detectors(gateway, doc, admin)
    progress(f"养老机构消防物联设备：{n:,} 台")
    return logins, doc


def _register(rng: random.Random, gateway, doc: dict) -> list[Device]:
    """Terminals for about one in twelve older people living at home, by need."""
    people = list(
        Elder.objects.filter(status=Status.ACTIVE, care_setting="home").values_list(
            "pk",
            "living_arrangement",
            "ability_level",
            "residence_region_id",
            "lat",
            "lng",
        )
    )
    dementia = set(
        ElderCategory.objects.filter(
            category="dementia", end_date__isnull=True
        ).values_list("elder_id", flat=True)
    )
    rows, bindings, thresholds = [], [], []
    for pk, living, level, region_id, lat, lng in people:
        kinds = []
        if living == "alone" and rng.random() < 0.25:
            kinds += ["sos_pager", "smoke"] + (
                ["activity"] if rng.random() < 0.4 else []
            )
        if (
            (level or 0) >= 2
            and rng.random() < 0.15
            or pk in dementia
            and rng.random() < 0.5
        ):
            kinds.append("watch")
        if rng.random() < 0.01:
            kinds.append(rng.choice(["gas", "bp_monitor", "fall_radar", "intercom"]))
        for kind in kinds:
            serial = f"{kind[:2].upper()}{len(rows) + 1:06d}"
            secret = secrets.token_urlsafe(18)
            rows.append(
                {
                    "serial": serial,
                    "type": kind,
                    "vendor": "yanglao",
                    "model": MODELS[kind],
                    "gateway_id": gateway.pk,
                    "region_id": region_id,
                    "elder_id": pk,
                    "secret_hash": services.hash_secret(secret),
                    "active": True,
                    "registered_at": timezone.now(),
                }
            )
            doc["devices"].append(
                {
                    "serial": serial,
                    "secret": secret,
                    "type": kind,
                    "lat": lat,
                    "lng": lng,
                }
            )
        if pk in dementia and "watch" in kinds and lat is not None:
            thresholds.append(
                {
                    "elder_id": pk,
                    "values": {
                        "geofence_lat": lat,
                        "geofence_lng": lng,
                        "geofence_radius_m": 800,
                    },
                    "note": "失智老人：住所 800 米安全区域（演示）",
                    "set_at": timezone.now(),
                }
            )
    bulk_insert(Device, rows)
    # only the terminals made here: those installed earlier (by a 适老化改造 acceptance, say)
    # are bound already and do not speak through the demo vendor's gateway
    devices = list(Device.objects.filter(gateway=gateway).order_by("pk"))
    now = timezone.now()
    bindings = [
        {
            "device_id": d.pk,
            "elder_id": d.elder_id,
            "bound_at": now,
            "note": "演示：随终端发放绑定",
        }
        for d in devices
    ]
    bulk_insert(Binding, bindings)
    if thresholds:
        bulk_insert(Threshold, thresholds)
    return devices


MODELS = {
    "sos_pager": "YH-SOS-2",
    "watch": "YH-W5",
    "bp_monitor": "YH-BP1",
    "fall_radar": "YH-R60",
    "smoke": "YH-SD3",
    "gas": "YH-GD2",
    "activity": "YH-PIR1",
    "intercom": "YH-VI7",
}
KIND_BY_DEVICE = {
    "sos_pager": ["sos"],
    "watch": ["sos", "fall", "heart_rate", "low_battery", "geofence"],
    "smoke": ["smoke"],
    "gas": ["gas"],
    "activity": ["no_activity"],
    "bp_monitor": ["blood_pressure"],
    "fall_radar": ["fall"],
    "intercom": ["sos"],
}


def _history(
    rng: random.Random, devices: list[Device], operator: User, today: dt.date
) -> int:
    """About one alarm a day per 25 terminals over the last month, all handled: most acknowledged
    within a minute, a few late (escalated), each with its actions and outcome."""
    if not devices:
        return 0
    tz = timezone.get_current_timezone()
    elders_region = dict(
        Elder.objects.filter(pk__in={d.elder_id for d in devices}).values_list(
            "pk", "residence_region_id"
        )
    )
    alarms, plan = [], []
    per_day = max(1, len(devices) // 25)
    start = dt.datetime.combine(
        today - dt.timedelta(days=HISTORY_DAYS), dt.time(), tzinfo=tz
    )
    for day in range(HISTORY_DAYS):
        for _ in range(rng.randint(per_day // 2, per_day * 3 // 2 + 1)):
            device = rng.choice(devices)
            kind = rng.choice(KIND_BY_DEVICE[device.type])
            raised = start + dt.timedelta(days=day, seconds=rng.randint(0, 86_399))
            ack = rng.choice([rng.uniform(5, 55)] * 9 + [rng.uniform(61, 240)])
            resolve = ack + rng.uniform(120, 1800)
            outcome = rng.choices(
                [o for o, _ in OUTCOME_MIX], [w for _, w in OUTCOME_MIX]
            )[0]
            alarms.append(
                Alarm(
                    elder_id=device.elder_id,
                    device_id=device.pk,
                    region_id=elders_region[device.elder_id],
                    kind=kind,
                    severity=rules.KINDS[kind][1],
                    status=AlarmStatus.RESOLVED,
                    text=rules.KINDS[kind][0],
                    raised_at=raised,
                    last_signal_at=raised,
                    signal_ts_ms=int(raised.timestamp() * 1000)
                    - rng.randint(200, 2000),
                    acknowledged_at=raised + dt.timedelta(seconds=ack),
                    acknowledged_by=operator,
                    resolved_at=raised + dt.timedelta(seconds=resolve),
                    resolved_by=operator,
                    outcome=outcome,
                    outcome_note="",
                    escalated_at=raised + dt.timedelta(seconds=60)
                    if ack > 60
                    else None,
                    escalation_reason="超过 60 秒无人接警" if ack > 60 else "",
                )
            )
            plan.append((ack, resolve, outcome))
    Alarm.objects.bulk_create(alarms, batch_size=2000)
    events = []
    for alarm, (ack, _resolve, outcome) in zip(alarms, plan, strict=True):
        t0 = alarm.raised_at
        events.append(AlarmEvent(alarm=alarm, at=t0, kind="raised", note=alarm.text))
        if alarm.escalated_at:
            events.append(
                AlarmEvent(
                    alarm=alarm,
                    at=alarm.escalated_at,
                    kind="escalated",
                    note=alarm.escalation_reason,
                )
            )
        events.append(
            AlarmEvent(
                alarm=alarm, at=alarm.acknowledged_at, kind="acknowledged", by=operator
            )
        )
        action = (
            "call_elder"
            if outcome != "real"
            else rng.choice(["dispatch", "call_120", "call_family"])
        )
        note = (
            "老人确认安全"
            if outcome in ("false_alarm", "no_need")
            else ("社区网格员已上门" if action == "dispatch" else "")
        )
        if action == "dispatch" and not note:
            note = "社区网格员上门"
        events.append(
            AlarmEvent(
                alarm=alarm,
                at=t0 + dt.timedelta(seconds=ack + 20),
                kind="action",
                action=action,
                by=operator,
                note=note,
            )
        )
        events.append(
            AlarmEvent(
                alarm=alarm,
                at=alarm.resolved_at,
                kind="resolved",
                by=operator,
                note=Outcome(outcome).label,
            )
        )
    AlarmEvent.objects.bulk_create(events, batch_size=5000)
    return len(alarms)


def _vitals_and_open_alarms(rng: random.Random, devices: list[Device], gateway) -> None:
    """A day of readings for the first 20 watches (every 10 minutes), then three alarms open now:
    an SOS waiting, a fall in hand, and a heart-rate alarm — all through the ingest."""
    watches = [d for d in devices if d.type == "watch"][:20]
    now_ms = services.now_ms()
    batch = []
    for d in watches:
        battery = 100.0
        for step in range(144, 0, -1):
            battery -= 0.3
            batch.append(
                {
                    "device": d.serial,
                    "id": f"demo-{step}",
                    "ts": (now_ms - step * 600_000) / 1000,
                    "hr": max(50, min(115, round(rng.gauss(74, 7)))),
                    "spo2": rng.randint(95, 99),
                    "battery": round(battery),
                    **(
                        {"bp": [rng.randint(118, 150), rng.randint(70, 92)]}
                        if step % 36 == 0
                        else {}
                    ),
                }
            )
    for start in range(0, len(batch), 1000):
        services.ingest(
            batch[start : start + 1000],
            vendor="yanglao",
            source="http",
            gateway=gateway,
        )
    pagers = [d for d in devices if d.type == "sos_pager"]
    lead = User.objects.get(username="operator")
    if pagers:
        services.ingest(
            [
                {
                    "device": pagers[0].serial,
                    "id": "demo-sos",
                    "ts": now_ms / 1000 - 20,
                    "event": "sos",
                }
            ],
            vendor="yanglao",
            source="http",
            gateway=gateway,
        )
    if watches:
        services.ingest(
            [
                {
                    "device": watches[0].serial,
                    "id": "demo-fall",
                    "ts": now_ms / 1000 - 300,
                    "event": "fall",
                }
            ],
            vendor="yanglao",
            source="http",
            gateway=gateway,
        )
        fall = Alarm.objects.get(kind="fall", status=AlarmStatus.NEW)
        services.alarm_act(
            by=lead, alarm_id=fall.pk, action="call_elder", note="无人接听"
        )
        services.alarm_act(
            by=lead, alarm_id=fall.pk, action="dispatch", note="已派社区网格员上门查看"
        )
    if len(watches) > 1:
        w = watches[1].serial
        services.ingest(
            [
                {"device": w, "id": "demo-hr1", "ts": now_ms / 1000 - 90, "hr": 148},
                {"device": w, "id": "demo-hr2", "ts": now_ms / 1000 - 30, "hr": 152},
            ],
            vendor="yanglao",
            source="http",
            gateway=gateway,
        )


def _institution_detectors(gateway, doc: dict, admin) -> int:
    """Smoke detectors in every open institution (and a gas detector in every third kitchen),
    installed through the services; all heard a minute ago except three that show the states a
    supervisor looks for: one silent for three days, one with a low battery, and one whose smoke
    alarm is open now at the operator centre."""
    institutions = list(
        Facility.objects.filter(
            type__in=INSTITUTION_TYPES, closed_on__isnull=True
        ).order_by("pk")
    )
    installed: list[tuple[Device, Facility]] = []
    for i, facility in enumerate(institutions):
        kinds = ["smoke", "smoke"] + (["gas"] if i % 3 == 0 else [])
        for kind in kinds:
            serial = f"F{kind[0].upper()}{len(installed) + 1:05d}"
            device, secret = services.device_register(
                by=admin,
                serial=serial,
                type=kind,
                region=facility.region,
                model=MODELS[kind],
                gateway=gateway,
            )
            services.device_bind_facility(
                by=admin, device=device, facility=facility, note="演示：机构消防物联"
            )
            device.secret = secret
            installed.append((device, facility))
    now_ms = services.now_ms()
    silent = installed[1][0] if len(installed) > 1 else None
    beats = []
    for n, (device, facility) in enumerate(installed):
        quiet_for = 3 * 86_400_000 if device is silent else 60_000
        beats.append(
            {
                "device": device.serial,
                "id": "demo-beat",
                "ts": (now_ms - quiet_for) / 1000,
                "event": "heartbeat",
                "battery": 12 if n == 3 else 90,
            }
        )
        if device is not silent:
            doc["devices"].append(
                {
                    "serial": device.serial,
                    "secret": device.secret,
                    "type": device.type,
                    "lat": facility.lat,
                    "lng": facility.lng,
                }
            )
    if beats:
        services.ingest(beats, vendor="yanglao", source="http", gateway=gateway)
    if len(installed) > 5:
        services.ingest(
            [
                {
                    "device": installed[5][0].serial,
                    "id": "demo-smoke",
                    "ts": now_ms / 1000 - 90,
                    "event": "smoke",
                }
            ],
            vendor="yanglao",
            source="http",
            gateway=gateway,
        )
    return len(installed)
