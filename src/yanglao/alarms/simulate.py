"""Device simulator (`yanglao simulate-devices`): realistic telemetry from many terminals over HTTP
or MQTT, for demos and benchmarks. No Django import: it is a separate client, like a real device.

Mostly normal vitals (heart rate around 75, SpO₂ 95–99, battery draining slowly, location near
home), with rare events: an SOS press, a fall, an abnormal heart-rate episode (two readings in a
row, as the rule needs), a high blood pressure. Every message has a per-device message id, so the
platform can recognise resends. The simulator counts what was acknowledged (HTTP 200, or the
broker's PUBACK) and remembers the alarm-worthy messages, which the benchmark checks against the
database."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse


@dataclass
class SimDevice:
    serial: str
    secret: str
    lat: float = 29.29
    lng: float = 117.21
    type: str = "watch"
    counter: int = 0
    last_ts: int = (
        0  # device clocks only move forward: two messages never share a timestamp
    )
    battery: float = 100.0
    episode: int = 0  # readings left in an abnormal heart-rate episode


@dataclass
class Counts:
    sent: int = 0  # messages handed to the transport
    acked: int = 0  # messages the platform (HTTP) or broker (MQTT) acknowledged
    readings_acked: int = 0
    failed: int = 0  # requests that failed (retried)
    alarm_worthy: list = field(
        default_factory=list
    )  # (serial, msg_id, ts_ms, kind) acknowledged
    acked_ids: list = field(default_factory=list)  # (serial, msg_id) when keep_ids
    lock: threading.Lock = field(default_factory=threading.Lock)


class Telemetry:
    """The stream of messages: `message(device, ts_ms)` → (native JSON object, the alarm kinds it
    is worth joined by "+", or None)."""

    def __init__(
        self,
        seed: int = 1,
        *,
        sos: float = 0.0005,
        fall: float = 0.0003,
        episode: float = 0.0005,
        high_bp: float = 0.0002,
    ):
        self.rnd = random.Random(seed)
        self.p_sos, self.p_fall, self.p_episode, self.p_bp = sos, fall, episode, high_bp

    def message(self, d: SimDevice, ts_ms: int) -> tuple[dict, str | None]:
        r = self.rnd
        d.counter += 1
        d.last_ts = ts_ms = max(ts_ms, d.last_ts + 1)
        msg = {"device": d.serial, "id": str(d.counter), "ts": ts_ms / 1000}
        alarm = None
        if d.type == "sos_pager":
            if r.random() < self.p_sos * 20:
                msg["event"], alarm = "sos", "sos"
            else:
                msg["event"] = "heartbeat"
            return msg, alarm
        if d.type in ("smoke", "gas"):  # a detector only reports that it is alive
            d.battery = max(20.0, d.battery - 0.01)
            msg["event"], msg["battery"] = "heartbeat", round(d.battery)
            return msg, None
        if d.episode == 0 and r.random() < self.p_episode:
            d.episode = 2
        kinds = []  # one message may be worth several alarms (an SOS pressed during an episode)
        if d.episode:
            d.episode -= 1
            msg["hr"] = r.randint(140, 165)
            if d.episode == 0:
                kinds.append("heart_rate")
        else:
            msg["hr"] = max(48, min(118, round(r.gauss(75, 8))))
        msg["spo2"] = r.randint(95, 99)
        d.battery = max(20.0, d.battery - 0.01)
        msg["battery"] = round(d.battery)
        if d.counter % 5 == 0:
            msg["loc"] = [
                round(d.lat + r.uniform(-0.001, 0.001), 6),
                round(d.lng + r.uniform(-0.001, 0.001), 6),
            ]
        if r.random() < self.p_bp:
            msg["bp"] = [r.randint(182, 200), r.randint(95, 115)]
            kinds.append("blood_pressure")
        roll = r.random()
        if roll < self.p_sos:
            msg["event"] = "sos"
            kinds.append("sos")
        elif roll < self.p_sos + self.p_fall:
            msg["event"] = "fall"
            kinds.append("fall")
        return msg, "+".join(kinds) or None


def readings_in(msg: dict) -> int:
    return sum(1 for k in ("hr", "spo2", "battery", "loc", "bp", "event") if k in msg)


class Pacer:
    """Hands out work at `rate` readings per second, spread evenly over time."""

    def __init__(self, rate: float, duration: float):
        self.rate, self.start, self.end = (
            rate,
            time.monotonic(),
            time.monotonic() + duration,
        )
        self.issued = 0.0
        self.lock = threading.Lock()

    def adjust(self, readings: float) -> None:
        """Correct an estimate given to `take` once the real count is known."""
        with self.lock:
            self.issued += readings

    def take(self, readings: float) -> bool:
        """Wait until `readings` more may be sent; False when the run is over."""
        with self.lock:
            due = self.start + self.issued / self.rate
            self.issued += readings
        now = time.monotonic()
        if due > self.end or now > self.end:
            return False
        if due > now:
            time.sleep(due - now)
        return True


def _http_post(conn_box: list, url, headers: dict, body: bytes) -> tuple[int, bytes]:
    parts = urlparse(url)
    for attempt in range(50):
        try:
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection(
                    parts.hostname, parts.port or 80, timeout=30
                )
            conn_box[0].request("POST", parts.path, body=body, headers=headers)
            response = conn_box[0].getresponse()
            data = response.read()
            if response.status >= 500:
                raise ConnectionError(response.status)
            return response.status, data
        except (OSError, http.client.HTTPException, ConnectionError):
            if conn_box[0] is not None:
                conn_box[0].close()
            conn_box[0] = None
            time.sleep(
                min(0.05 * (attempt + 1), 1.0)
            )  # the server restarts: send the same again
    return 0, b""


def run_http(
    devices: list[SimDevice],
    *,
    url: str,
    rate: float,
    duration: float,
    batch: int = 200,
    gateway: tuple[str, str] | None = None,
    threads: int = 4,
    seed: int = 1,
    counts: Counts | None = None,
    keep_ids: bool = False,
    stream: Telemetry | None = None,
    stop: threading.Event | None = None,
) -> Counts:
    """POST batches to /api/v1/telemetry: through a vendor gateway (any devices in one batch) or,
    without one, each device's own messages with its own secret. A failed request is resent as is
    (idempotent), so what the platform acknowledged is all that counts."""
    counts = counts or Counts()
    stream = stream or Telemetry(seed)
    pacer = Pacer(rate, duration)
    endpoint = url.rstrip("/") + "/api/v1/telemetry"
    pick_lock = threading.Lock()
    rnd = random.Random(seed + 7)

    def make_batch():
        with pick_lock:
            if gateway:
                chosen = [rnd.choice(devices) for _ in range(batch)]
            else:
                one = rnd.choice(devices)
                chosen = [one] * max(1, min(batch, 5))
            now = int(time.time() * 1000)
            return [(d, *stream.message(d, now)) for d in chosen]

    def worker():
        box = [None]
        estimate = (batch if gateway else max(1, min(batch, 5))) * 3.3
        while not (stop and stop.is_set()):
            # Wait first, then stamp the messages: their device time is their send time.
            if not pacer.take(estimate):
                break
            items = make_batch()
            n = sum(readings_in(m) for _, m, _ in items)
            pacer.adjust(n - estimate)
            if gateway:
                headers = {"X-Gateway-Code": gateway[0], "X-Gateway-Secret": gateway[1]}
            else:
                headers = {
                    "X-Device-Serial": items[0][0].serial,
                    "X-Device-Secret": items[0][0].secret,
                }
            headers["Content-Type"] = "application/json"
            body = json.dumps([m for _, m, _ in items]).encode()
            with counts.lock:
                counts.sent += len(items)
            status, _ = _http_post(box, endpoint, headers, body)
            with counts.lock:
                if status == 200:
                    counts.acked += len(items)
                    counts.readings_acked += n
                    counts.alarm_worthy += [
                        (d.serial, m["id"], int(m["ts"] * 1000), a)
                        for d, m, a in items
                        if a
                    ]
                    if keep_ids:
                        counts.acked_ids += [
                            (d.serial, m["id"], m["ts"]) for d, m, _ in items
                        ]
                else:
                    counts.failed += 1
        if box[0] is not None:
            box[0].close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts


def run_mqtt(
    devices: list[SimDevice],
    *,
    broker: str,
    rate: float,
    duration: float,
    per_message: int = 1,
    seed: int = 1,
    counts: Counts | None = None,
    keep_ids: bool = False,
    client_id: str = "",
    stream: Telemetry | None = None,
    stop: threading.Event | None = None,
) -> Counts:
    """Publish to yanglao/devices/<serial>/up at QoS 1 (one connection standing in for many devices,
    as a vendor's MQTT gateway does). `per_message` messages go in one payload, stamped a
    millisecond apart at the moment of sending (so an alarm's delay is measured from when it left
    the device). A message counts as acknowledged
    when the broker's PUBACK arrives; paho resends unacknowledged ones after a reconnect."""
    import paho.mqtt.client as mqtt

    counts = counts or Counts()
    stream = stream or Telemetry(seed)
    parts = urlparse(broker if "://" in broker else f"mqtt://{broker}")
    pending: dict[int, tuple] = {}
    early: set[int] = set()  # PUBACKs that came back before publish() returned
    plock = (
        threading.Lock()
    )  # never held while calling paho (its network thread calls us back)

    def on_publish(_client, _userdata, mid, _reason=None, _props=None):
        with plock:
            item = pending.pop(mid, None)
            if item is None:
                early.add(mid)
                return
        acknowledged(item)

    def acknowledged(item) -> None:
        dev, msgs, n = item
        with counts.lock:
            counts.acked += len(msgs)
            counts.readings_acked += n
            counts.alarm_worthy += [
                (dev.serial, m["id"], int(m["ts"] * 1000), a) for m, a in msgs if a
            ]
            if keep_ids:
                counts.acked_ids += [(dev.serial, m["id"], m["ts"]) for m, _ in msgs]

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id or f"sim-{seed}",
        clean_session=False,
        protocol=mqtt.MQTTv311,
    )
    client.on_publish = on_publish
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.reconnect_delay_set(0.2, 2)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=30)
    client.loop_start()
    pacer = Pacer(rate, duration)
    rnd = random.Random(seed + 7)
    estimate = per_message * 3.3
    try:
        while not (stop and stop.is_set()):
            if not pacer.take(estimate):
                break
            dev = rnd.choice(devices)
            now = int(time.time() * 1000)
            msgs = [
                stream.message(dev, now - (per_message - 1 - i))
                for i in range(per_message)
            ]
            n = sum(readings_in(m) for m, _ in msgs)
            pacer.adjust(n - estimate)
            payload = json.dumps(
                [m for m, _ in msgs] if per_message > 1 else msgs[0][0]
            )
            info = client.publish(f"yanglao/devices/{dev.serial}/up", payload, qos=1)
            with plock:
                done = info.mid in early
                if done:
                    early.discard(info.mid)
                else:
                    pending[info.mid] = (dev, msgs, n)
            if done:
                acknowledged((dev, msgs, n))
            with counts.lock:
                counts.sent += len(msgs)
        deadline = time.monotonic() + 30
        while pending and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        client.loop_stop()
        client.disconnect()
    return counts


def load_devices(path: str) -> tuple[list[SimDevice], tuple[str, str] | None]:
    """var/demo-devices.json (written by the demo) or a benchmark's file."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    devices = [
        SimDevice(
            d["serial"],
            d["secret"],
            d.get("lat") or 29.29,
            d.get("lng") or 117.21,
            d.get("type", "watch"),
        )
        for d in doc["devices"]
    ]
    gateway = (
        (doc["gateway"]["code"], doc["gateway"]["secret"])
        if doc.get("gateway")
        else None
    )
    return devices, gateway
