"""Benchmark: smart-terminal telemetry ingest and alarm delivery (issue 5).

Targets: sustained ≥ 20,000 readings/s into PostgreSQL for 5 minutes over HTTP batches and over
MQTT, ≥ 10,000/s into SQLite; alarms raised by the rules on that stream reach the operator console's
push stream with p50 ≤ 100 ms and p99 ≤ 500 ms from the device's send time; no loss and no
duplicates when the ingest (web server worker) or the MQTT bridge is killed with SIGKILL at random
moments (10 trials) and the broker is restarted once.

What runs, all on this machine (the load generator shares the 2 cores with the platform):
  setup     a fresh database: the demo city (scale 0.03), a vendor gateway and --devices watches,
            each bound to a different older person; an API token for the push-stream client;
  server    the web server `yanglao serve` runs (--server granian|gunicorn; --workers, 16 threads)
            for ingest; the console's push stream from its own server process (one worker), as
            docs/deployment.md advises, unless --shared-console;
  broker    a private Mosquitto (persistence on; max_inflight_messages 1000) for the MQTT runs,
            with one `yanglao mqtt-bridge` (plain subscription, its default 2 worker processes;
            --bridges N share one subscription);
  load      --procs processes of the device simulator (bench-side copy of `yanglao simulate-devices`):
            HTTP batches of 500 messages through the gateway, or MQTT QoS 1 with 10 buffered
            readings per message; mostly normal vitals, rare SOS/falls/abnormal readings;
  console   one push-stream client (GET /alarms/stream/) timing every alarm event's arrival
            against the signalling message's device timestamp;
  baseline  the same messages stored by a straightforward per-message ORM ingest (one transaction
            per message, Reading.objects.create per reading, rules by ORM look-ups) against our
            batch ingest, in one process, for --baseline-seconds each;
  checks    every acknowledged reading is in the database; every alarm-worthy acknowledged message
            is linked to exactly one alarm event; kill trials and the broker restart.

    uv run python bench/alarms_ingest.py --db sqlite
    uv run python bench/alarms_ingest.py --db pg --pg postgresql://yanglao_ci:yanglao_ci@127.0.0.1:5432/yanglao_bench

--pg must name an EMPTY database (it is filled). Shorter trial runs: --duration 30 --trials 3.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def log(text: str) -> None:
    """A line with the time in UTC (setting Django up switches the process's local zone to
    TIME_ZONE, which made the first lines and the rest of a log disagree by eight hours)."""
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} did not open")


# --- setup ------------------------------------------------------------------------------------------


def setup(n_devices: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yanglao.accounts.models import User
    from yanglao.accounts.services import api_token_issue
    from yanglao.alarms import services
    from yanglao.alarms.models import Binding, Device
    from yanglao.core.bulk import bulk_insert
    from yanglao.demo.generator import build_demo_city, refresh_planner_statistics
    from yanglao.elders.models import Elder
    from yanglao.regions.models import Region

    logins = build_demo_city(scale=0.03, progress=lambda m: None)
    password = next(a["password"] for a in logins if a["username"] == "admin")
    admin = User.objects.get(username="admin")
    gateway, secret = services.gateway_create(
        by=admin,
        code="BENCH-GW",
        name="压测网关",
        vendor="yanglao",
        region=Region.objects.get(code="360200"),
    )
    taken = set(Device.objects.exclude(elder=None).values_list("elder_id", flat=True))
    people = [
        p
        for p in Elder.objects.filter(status="active").values_list(
            "pk", "residence_region_id", "lat", "lng"
        )
        if p[0] not in taken
    ][:n_devices]
    if len(people) < n_devices:
        raise SystemExit(
            f"only {len(people)} people without a terminal; lower --devices"
        )
    import secrets as sec

    rows, doc = [], []
    for i, (pk, region, lat, lng) in enumerate(people):
        serial, key = f"BW{i:06d}", sec.token_urlsafe(12)
        rows.append(
            {
                "serial": serial,
                "type": "watch",
                "vendor": "yanglao",
                "model": "bench",
                "gateway_id": gateway.pk,
                "region_id": region,
                "elder_id": pk,
                "secret_hash": services.hash_secret(key),
                "active": True,
                "registered_at": django.utils.timezone.now(),
            }
        )
        doc.append([serial, key, lat or 29.29, lng or 117.21])
    bulk_insert(Device, rows)
    bulk_insert(
        Binding,
        [
            {
                "device_id": d,
                "elder_id": e,
                "bound_at": django.utils.timezone.now(),
                "note": "bench",
            }
            for d, e in Device.objects.filter(serial__startswith="BW").values_list(
                "pk", "elder_id"
            )
        ],
    )
    refresh_planner_statistics()
    token, _ = api_token_issue(username="admin", password=password)
    return {"gateway": [gateway.code, secret], "devices": doc, "token": token}


# --- load generator (separate processes; no Django) ----------------------------------------------


def load_proc(kind: str, devices: list, args: dict, out: str) -> None:
    from yanglao.alarms import simulate

    # Message ids continue from earlier runs' (each run's own range), as a device's counter would.
    sims = [
        simulate.SimDevice(s, k, la, ln, counter=args["seed"] * 1_000_000)
        for s, k, la, ln in devices
    ]
    counts = simulate.Counts()
    if kind == "http":
        simulate.run_http(
            sims,
            url=args["url"],
            rate=args["rate"],
            duration=args["duration"],
            batch=args["batch"],
            gateway=tuple(args["gateway"]),
            threads=args["threads"],
            seed=args["seed"],
            counts=counts,
            keep_ids=args["keep_ids"],
        )
    else:
        simulate.run_mqtt(
            sims,
            broker=args["broker"],
            rate=args["rate"],
            duration=args["duration"],
            per_message=args["per_message"],
            seed=args["seed"],
            counts=counts,
            keep_ids=args["keep_ids"],
            client_id=f"bench-load-{args['seed']}",
        )
    with open(out, "w") as fh:
        json.dump(
            {
                "sent": counts.sent,
                "acked": counts.acked,
                "readings": counts.readings_acked,
                "failed": counts.failed,
                "alarm_worthy": counts.alarm_worthy,
                "ids": counts.acked_ids,
            },
            fh,
        )


def run_load(
    kind: str,
    data: dict,
    *,
    procs: int,
    rate: float,
    duration: float,
    tmp: Path,
    url: str = "",
    broker: str = "",
    keep_ids: bool = False,
    seed: int = 1,
    during=None,
) -> dict:
    """Split the devices among `procs` processes (disjoint, so message ids stay unique per
    device), run them, merge their counts."""
    ctx = mp.get_context("spawn")
    devices = data["devices"]
    jobs, outs = [], []
    for i in range(procs):
        out = tmp / f"load-{kind}-{seed}-{i}.json"
        args = {
            "url": url,
            "broker": broker,
            "rate": rate / procs,
            "duration": duration,
            "batch": 500,
            "gateway": data["gateway"],
            "threads": 3,
            "seed": seed * 100 + i,
            "keep_ids": keep_ids,
            "per_message": 10,
        }
        p = ctx.Process(
            target=load_proc, args=(kind, devices[i::procs], args, str(out))
        )
        p.start()
        jobs.append(p)
        outs.append(out)
    started = time.monotonic()
    if during:
        during(started)
    for p in jobs:
        p.join()
    total = {
        "sent": 0,
        "acked": 0,
        "readings": 0,
        "failed": 0,
        "alarm_worthy": [],
        "ids": [],
    }
    for out in outs:
        part = json.loads(out.read_text())
        for key in total:
            total[key] += part[key]
    total["seconds"] = time.monotonic() - started
    return total


# --- the console's push stream ------------------------------------------------------------------


class Console(threading.Thread):
    """GET /alarms/stream/ with the admin's token; records (arrival - device send time) of every
    alarm signal event."""

    def __init__(self, port: int, token: str):
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.latencies: list[float] = []
        self.had: set[int] = set()
        self.events = 0
        self.after = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                query = f"?after={self.after}" if self.after is not None else ""
                conn.request(
                    "GET",
                    f"/alarms/stream/{query}",
                    headers={"Authorization": f"Bearer {self.token}"},
                )
                response = conn.getresponse()
                for raw in response:
                    if self.stop.is_set():
                        break
                    line = raw.decode().rstrip("\n")
                    if line.startswith("id: "):
                        self.after = int(line[4:])
                    elif line.startswith("data: "):
                        now = time.time() * 1000
                        event = json.loads(line[6:])
                        if event["id"] in self.had:  # sent again after a reconnect
                            continue
                        self.had.add(event["id"])
                        self.events += 1
                        if event["event"] in ("raised", "repeated") and event.get(
                            "signal_ts_ms"
                        ):
                            self.latencies.append(now - event["signal_ts_ms"])
                conn.close()
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.2)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- processes -----------------------------------------------------------------------------------


def start_server(
    env: dict, port: int, workers: int, threads: int = 16, server: str = "granian"
) -> subprocess.Popen:
    """The web server as `yanglao serve` starts it (granian, or gunicorn to compare), its access
    log discarded."""
    from yanglao.cli import web_server_command

    cmd = web_server_command(
        server=server, host="127.0.0.1", port=port, workers=workers, threads=threads
    )
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["YANGLAO_VAR_DIR"]) / "server.log", "a"),  # noqa: SIM115
    )
    wait_port(port)
    return proc


def start_broker(tmp: Path, port: int) -> subprocess.Popen:
    conf = tmp / "mosquitto.conf"
    (tmp / "mq").mkdir(exist_ok=True)
    # Mosquitto started as root drops to its own user, which must write here.
    (tmp / "mq").chmod(0o777)
    tmp.chmod(0o755)
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {tmp}/mq/\n"
        "max_inflight_messages 1000\nmax_queued_messages 2000000\nmax_queued_bytes 0\n"
    )
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    proc = subprocess.Popen(
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_port(port)
    return proc


def start_bridge(env: dict, broker: str, n: int, group: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "mqtt-bridge",
            "--url",
            broker,
            "--client-id",
            f"bench-bridge-{n}",
            "--batch",
            "1000",
            "--group",
            group,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["YANGLAO_VAR_DIR"]) / f"bridge-{n}.log", "a"),
    )


def wait_bridge_subscribed(broker: str, timeout: float = 60) -> None:
    """Until the bridge has subscribed, the broker drops what devices publish (no session holds
    it yet); the bridge starts its worker processes first. Publish a probe for an unregistered
    device until the bridge quarantines one."""
    import paho.mqtt.client as mqtt

    from yanglao.alarms.models import Quarantine
    from yanglao.alarms.mqtt import broker_address

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-probe")
    client.connect(*broker_address(broker))
    client.loop_start()
    deadline = time.monotonic() + timeout
    try:
        while not Quarantine.objects.filter(serial="BENCH-PROBE").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the MQTT bridge did not subscribe")
            probe = json.dumps({"id": str(time.time_ns()), "ts": time.time(), "hr": 70})
            client.publish(
                "yanglao/devices/BENCH-PROBE/up", probe, qos=1
            ).wait_for_publish(5)
            time.sleep(0.5)
    finally:
        client.loop_stop()
        client.disconnect()


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout
    return [int(x) for x in out.split()]


# --- checks --------------------------------------------------------------------------------------


def db_counts(since_ms: int) -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(DISTINCT device_id) FROM alarms_reading WHERE received_ms >= %s",
            [since_ms],
        )
        return cur.fetchone()


def check_alarms(alarm_worthy: list) -> tuple[int, int, int]:
    """(alarm-worthy acknowledged messages, linked to exactly one alarm event per alarm kind they
    are worth, linked to none). A message may be worth two alarms (an SOS pressed during a
    heart-rate episode): then it must have exactly two events."""
    from collections import Counter

    from yanglao.alarms.models import AlarmEvent

    expected = {(s, m): len(kinds.split("+")) for s, m, _, kinds in alarm_worthy}
    wanted = set(expected)
    serials = {s for s, _ in wanted}
    seen = Counter(
        (s, m)
        for s, m in AlarmEvent.objects.filter(
            device__serial__in=serials, kind__in=["raised", "repeated"]
        )
        .exclude(msg_id="")
        .values_list("device__serial", "msg_id")
        if (s, m) in wanted
    )
    once = sum(1 for k in wanted if seen[k] == expected[k])
    none = sum(1 for k in wanted if seen[k] == 0)
    return len(wanted), once, none


def _stored_ids() -> set:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.serial, r.msg_id FROM alarms_reading r JOIN alarms_device d ON d.id = r.device_id "
            "WHERE d.serial LIKE 'BW%%'"
        )
        return set(cur.fetchall())


def check_ids(ids: list) -> tuple[int, int]:
    """(acknowledged messages, of them missing from the database)."""
    from django.db import connection

    wanted = {(s, m) for s, m, *_ in ids}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.serial, r.msg_id FROM alarms_reading r JOIN alarms_device d ON d.id = r.device_id "
            "WHERE d.serial LIKE 'BW%%'"
        )
        stored = {(s, m) for s, m in cur.fetchall()}
    return len(wanted), len(wanted - stored)


# --- baseline ----------------------------------------------------------------------------------


def naive_ingest(messages: list[dict]) -> None:
    """What a first, straightforward implementation does: per message, one transaction, the
    device by serial, each reading saved with the ORM, the rules by ORM look-ups, the device saved."""
    from django.db import transaction

    from yanglao.alarms import adapters, rules, telemetry
    from yanglao.alarms.models import Device, Reading, Threshold
    from yanglao.alarms.telemetry import Metric

    for obj in messages:
        with transaction.atomic():
            now = int(time.time() * 1000)
            serial, msg_id, ts, readings = adapters.native(obj)
            message = telemetry.check_message(serial, msg_id, ts, readings, now_ms=now)
            device = Device.objects.get(serial=serial)
            if Reading.objects.filter(device=device, msg_id=message.msg_id).exists():
                continue
            row = Threshold.objects.filter(elder_id=device.elder_id).first()
            thr = rules.thresholds_from(row.values if row else None)
            for metric, value, value2 in message.readings:
                Reading.objects.create(
                    device=device,
                    msg_id=message.msg_id,
                    metric=metric,
                    ts_ms=message.ts_ms,
                    received_ms=now,
                    value=value,
                    value2=value2,
                )
                previous = (
                    Reading.objects.filter(
                        device=device, metric=metric, ts_ms__lt=message.ts_ms
                    )
                    .order_by("-ts_ms")
                    .first()
                )
                prev_abnormal = int(
                    bool(
                        previous
                        and rules.abnormal(metric, previous.value, previous.value2, thr)
                    )
                )
                rules.evaluate(
                    metric,
                    value,
                    value2,
                    ts_ms=message.ts_ms,
                    msg_id=message.msg_id,
                    thr=thr,
                    previous_abnormal=prev_abnormal,
                )
                if metric == Metric.BATTERY:
                    device.battery = int(value)
            device.last_seen_ms = max(device.last_seen_ms or 0, message.ts_ms)
            device.save()


def baseline(data: dict, seconds: float) -> dict:
    from yanglao.alarms import services, simulate
    from yanglao.alarms.models import Gateway

    stream = simulate.Telemetry(99, sos=0, fall=0, episode=0, high_bp=0)
    sims = [simulate.SimDevice(s, k, la, ln) for s, k, la, ln in data["devices"]]
    for d in sims:
        d.counter = 10_000_000  # ids apart from the load runs'
    rnd = random.Random(5)
    gateway = Gateway.objects.get(code=data["gateway"][0])
    out = {}
    for name in ("orm", "batch"):
        readings = 0
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            now = int(time.time() * 1000)
            msgs = [stream.message(rnd.choice(sims), now)[0] for _ in range(500)]
            if name == "orm":
                naive_ingest(msgs)
            else:
                services.ingest(msgs, vendor="yanglao", source="http", gateway=gateway)
            readings += sum(simulate.readings_in(m) for m in msgs)
        out[name] = readings / (time.monotonic() - started)
    return out


# --- phases ------------------------------------------------------------------------------------


def throughput(
    kind: str, data: dict, env: dict, a, tmp: Path, port: int, broker: str = ""
) -> dict:
    console = Console(a.console_port or port, data["token"])
    console.start()
    time.sleep(1.0)
    since = int(time.time() * 1000)
    load = run_load(
        kind,
        data,
        procs=a.procs,
        rate=a.rate,
        duration=a.duration,
        tmp=tmp,
        url=f"http://127.0.0.1:{port}",
        broker=broker,
        seed=1 if kind == "http" else 2,
    )
    # MQTT: the bridges may still be draining what the broker holds.
    deadline = time.monotonic() + 120
    stored = db_counts(since)[0]
    while stored < load["readings"] and time.monotonic() < deadline:
        time.sleep(1)
        stored = db_counts(since)[0]
    time.sleep(2)
    console.stop.set()
    worthy, once, none = check_alarms(load["alarm_worthy"])
    result = {
        "kind": kind,
        "seconds": load["seconds"],
        "readings_acked": load["readings"],
        "rate": load["readings"] / load["seconds"],
        "stored": stored,
        "failed_requests": load["failed"],
        "alarm_worthy": worthy,
        "alarm_once": once,
        "alarm_none": none,
        "latencies": len(console.latencies),
        "p50": pct(console.latencies, 0.5),
        "p99": pct(console.latencies, 0.99),
        "max": max(console.latencies) if console.latencies else float("nan"),
    }
    log(
        f"{kind}: {result['readings_acked']:,} readings acknowledged in {result['seconds']:.0f} s = "
        f"{result['rate']:,.0f}/s; stored {stored:,}; alarm-worthy {worthy}, exactly one alarm event {once}, "
        f"none {none}; push latency p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms "
        f"(n={len(console.latencies)}, max {result['max']:.0f} ms)"
    )
    return result


def trials_http(
    data: dict, env: dict, a, tmp: Path, port: int, server: subprocess.Popen
) -> dict:
    rnd = random.Random(11)
    kills = []

    def killer(started):
        moments = sorted(rnd.uniform(2, a.trial_seconds - 2) for _ in range(a.trials))
        for moment in moments:
            time.sleep(max(0, started + moment - time.monotonic()))
            pids = worker_pids(server.pid)
            if pids:
                victim = rnd.choice(pids)
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)

    thread = threading.Thread(target=lambda: None)
    load_holder = {}

    def during(started):
        nonlocal thread
        thread = threading.Thread(target=killer, args=(started,))
        thread.start()

    load_holder = run_load(
        "http",
        data,
        procs=a.procs,
        rate=a.trial_rate,
        duration=a.trial_seconds,
        tmp=tmp,
        url=f"http://127.0.0.1:{port}",
        keep_ids=True,
        seed=3,
        during=during,
    )
    thread.join()
    time.sleep(2)
    acked, missing = check_ids(load_holder["ids"])
    worthy, once, none = check_alarms(load_holder["alarm_worthy"])
    result = {
        "kills": len(kills),
        "acked": acked,
        "missing": missing,
        "alarm_worthy": worthy,
        "alarm_once": once,
        "alarm_none": none,
        "failed_requests": load_holder["failed"],
    }
    log(
        f"http trials: {len(kills)} web server workers killed with SIGKILL; {acked:,} acknowledged messages, "
        f"{missing} missing; alarm-worthy {worthy}, exactly one alarm event {once}, none {none}; "
        f"{load_holder['failed']} requests failed and were resent"
    )
    return result


def trials_mqtt(
    data: dict,
    env: dict,
    a,
    tmp: Path,
    bridges: list,
    broker_box: list,
    mq_port: int,
    broker: str,
) -> dict:
    rnd = random.Random(12)
    kills, restarts = [], []

    def killer(started):
        moments = sorted(rnd.uniform(2, a.trial_seconds - 2) for _ in range(a.trials))
        restart_at = a.trial_seconds / 2
        for moment in moments:
            if restart_at is not None and moment > restart_at:
                time.sleep(max(0, started + restart_at - time.monotonic()))
                broker_box[
                    0
                ].terminate()  # a graceful restart: Mosquitto saves its sessions
                broker_box[0].wait(30)
                broker_box[0] = start_broker(tmp, mq_port)
                restarts.append(time.time())
                restart_at = None
            time.sleep(max(0, started + moment - time.monotonic()))
            i = rnd.randrange(len(bridges))
            bridges[i].send_signal(signal.SIGKILL)
            bridges[i].wait()
            kills.append((i, time.time()))
            time.sleep(0.3)
            bridges[i] = start_bridge(env, broker, i, a.group)

    holder = {}

    def during(started):
        holder["t"] = threading.Thread(target=killer, args=(started,))
        holder["t"].start()

    load = run_load(
        "mqtt",
        data,
        procs=a.procs,
        rate=a.trial_rate,
        duration=a.trial_seconds,
        tmp=tmp,
        broker=broker,
        keep_ids=True,
        seed=4,
        during=during,
    )
    holder["t"].join()
    deadline = time.monotonic() + 120
    acked, missing = check_ids(load["ids"])
    while missing and time.monotonic() < deadline:
        time.sleep(2)
        acked, missing = check_ids(load["ids"])
    worthy, once, none = check_alarms(load["alarm_worthy"])
    if missing:
        stored = _stored_ids()
        lost = sorted(t for s, m, t in load["ids"] if (s, m) not in stored)
        log(
            f"missing messages were sent between {lost[0]:.3f} and {lost[-1]:.3f}; kills at "
            f"{[round(t, 3) for _, t in kills]}, broker restart at {[round(t, 3) for t in restarts]}"
        )
    result = {
        "kills": len(kills),
        "broker_restarts": len(restarts),
        "acked": acked,
        "missing": missing,
        "alarm_worthy": worthy,
        "alarm_once": once,
        "alarm_none": none,
    }
    log(
        f"mqtt trials: {len(kills)} bridges killed with SIGKILL, broker restarted {len(restarts)}×; {acked:,} "
        f"messages acknowledged by the broker, {missing} missing; alarm-worthy {worthy}, exactly one alarm event "
        f"{once}, none {none}"
    )
    return result


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    p.add_argument("--pg", default="")
    p.add_argument("--via", default="http,mqtt")
    p.add_argument("--duration", type=float, default=300)
    p.add_argument(
        "--rate", type=float, default=25_000, help="offered readings per second"
    )
    p.add_argument("--devices", type=int, default=5000)
    p.add_argument("--procs", type=int, default=2, help="load-generator processes")
    p.add_argument("--workers", type=int, default=3, help="web server workers")
    p.add_argument(
        "--server",
        choices=["granian", "gunicorn"],
        default="granian",
        help="web server (yanglao serve: granian)",
    )
    p.add_argument(
        "--bridges",
        type=int,
        default=0,
        help="MQTT bridges (default: 1 on SQLite, whose writes are serial; 2 on PostgreSQL)",
    )
    p.add_argument(
        "--shared-console",
        action="store_true",
        help="serve the console's push stream from the ingest server's processes",
    )
    p.add_argument("--trials", type=int, default=10)
    p.add_argument("--trial-seconds", type=float, default=60)
    p.add_argument("--trial-rate", type=float, default=5000)
    p.add_argument("--baseline-seconds", type=float, default=20)
    a = p.parse_args()
    a.bridges = a.bridges or 1
    a.group = (
        "" if a.bridges == 1 else "bench"
    )  # several bridges share one subscription

    tmp = Path(tempfile.mkdtemp(prefix="yanglao-alarms-bench-"))
    env = {
        **os.environ,
        "YANGLAO_VAR_DIR": str(tmp),
        "YANGLAO_DEBUG": "0",
        "YANGLAO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "yanglao.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if a.db == "pg":
        if not a.pg:
            raise SystemExit("--db pg needs --pg postgresql://…/EMPTY_DB")
        env["YANGLAO_DATABASE_URL"] = a.pg
    else:
        env.pop("YANGLAO_DATABASE_URL", None)
    os.environ.clear()
    os.environ.update(env)
    log(f"setup: {a.db}, {a.devices:,} watches, data in {tmp}")
    data = setup(a.devices)
    results = {
        "db": a.db,
        "console": "shared" if a.shared_console else "own process",
        "devices": a.devices,
        "rate_offered": a.rate,
        "duration": a.duration,
    }
    log("baseline: per-message ORM ingest vs batch ingest, in one process")
    results["baseline"] = baseline(data, a.baseline_seconds)
    log(
        f"baseline: ORM {results['baseline']['orm']:,.0f} readings/s; batch ingest {results['baseline']['batch']:,.0f} readings/s "
        f"({results['baseline']['batch'] / results['baseline']['orm']:.1f}×)"
    )
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(env, port, a.workers, server=a.server)
    console_server = None
    a.console_port = 0
    if not a.shared_console:
        a.console_port = free_port()
        console_server = start_server(env, a.console_port, 1, server=a.server)
    try:
        if "http" in a.via:
            results["http"] = throughput("http", data, env, a, tmp, port)
            if a.trials:
                results["http_trials"] = trials_http(data, env, a, tmp, port, server)
        if "mqtt" in a.via:
            mq_port = free_port()
            broker = f"mqtt://127.0.0.1:{mq_port}"
            broker_box = [start_broker(tmp, mq_port)]
            bridges = [start_bridge(env, broker, i, a.group) for i in range(a.bridges)]
            wait_bridge_subscribed(broker)
            try:
                results["mqtt"] = throughput("mqtt", data, env, a, tmp, port, broker)
                if a.trials:
                    results["mqtt_trials"] = trials_mqtt(
                        data, env, a, tmp, bridges, broker_box, mq_port, broker
                    )
            finally:
                for b in bridges:
                    b.terminate()
                broker_box[0].terminate()
    finally:
        server.terminate()
        server.wait(20)
        if console_server is not None:
            console_server.terminate()
            console_server.wait(20)
    out = tmp / "results.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps(results, indent=2, default=str))
    log(f"results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
