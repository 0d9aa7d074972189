"""The MQTT path against a real Mosquitto broker (started by the test on a free port): messages are
stored and acknowledged, bad payloads quarantined, and messages a bridge stored but never
acknowledged (it died) are redelivered to its successor and stored once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from yanglao.alarms.models import Alarm, Quarantine, Reading
from yanglao.alarms.mqtt import Bridge


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """A private Mosquitto with persistence (so sessions survive a restart), on a free port."""

    def __init__(self, binary: str):
        import tempfile
        from pathlib import Path

        self.binary, self.port = binary, _free_port()
        # Started as root, Mosquitto drops to its own user, which must reach and write this folder
        # (pytest's tmp_path lies under a root-only folder).
        directory = self.directory = Path(tempfile.mkdtemp(prefix="yanglao-mosquitto-"))
        directory.chmod(0o777)
        self.conf = directory / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nmax_inflight_messages 1000\nmax_queued_messages 100000\n"
        )
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()  # graceful: Mosquitto writes its sessions to disk
        self.proc.wait(timeout=10)


@pytest.fixture
def mosquitto():
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.path.exists(binary):
        if os.environ.get("CI"):
            raise RuntimeError("mosquitto is missing in CI")
        pytest.skip("needs mosquitto (apt-get install mosquitto)")
    broker = Broker(binary)
    yield broker
    broker.stop()
    shutil.rmtree(broker.directory, ignore_errors=True)


@pytest.fixture
def broker(mosquitto):
    return mosquitto.url


def publish(url: str, items: list[tuple[str, str]]) -> None:
    import paho.mqtt.client as mqtt

    host, port = url.removeprefix("mqtt://").split(":")
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-device")
    client.connect(host, int(port))
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in items]
    for info in infos:
        info.wait_for_publish(timeout=10)
    client.loop_stop()
    client.disconnect()


def wait_for(condition, timeout=15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def start(bridge: Bridge) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=bridge.run, args=(stop,), daemon=True)
    thread.start()
    assert bridge.connected.wait(10), "bridge did not connect"
    return thread, stop


@pytest.mark.django_db(transaction=True)
def test_messages_through_mosquitto_are_stored_and_bad_ones_quarantined(broker, watch):
    bridge = Bridge(broker, client_id="bridge-a", group="yanglao")
    thread, stop = start(bridge)
    now = time.time()
    topic = f"yanglao/devices/{watch.serial}/up"
    items = [
        (topic, json.dumps({"id": str(i), "ts": now - 30 + i, "hr": 70 + i % 5}))
        for i in range(20)
    ]
    items.append(
        (
            topic,
            json.dumps(
                [
                    {"id": "sos", "ts": now, "event": "sos"},
                    {"id": "b", "ts": now, "hr": 0},
                ]
            ),
        )
    )
    items.append((topic, "{broken"))
    items.append(
        ("yanglao/devices/NOBODY/up", json.dumps({"id": "1", "ts": now, "hr": 70}))
    )
    publish(broker, items)
    assert wait_for(lambda: bridge.stored == len(items)), bridge.stored
    stop.set()
    thread.join(10)
    assert Reading.objects.count() == 21
    assert Alarm.objects.get().kind == "sos"
    reasons = sorted(Quarantine.objects.values_list("reason", flat=True))
    assert len(reasons) == 3
    assert (
        any("JSON" in r for r in reasons)
        and any("未登记" in r for r in reasons)
        and any("心率" in r for r in reasons)
    )
    assert set(Quarantine.objects.values_list("source", flat=True)) == {"mqtt"}


class DiesBeforeAck(Bridge):
    """Stores its batch, then dies before acknowledging (as kill -9 would): the TCP connection
    closes without DISCONNECT and without PUBACKs."""

    def _store(self, batch, stop):
        from yanglao.alarms.mqtt import store_messages

        store_messages([(m.topic, m.payload) for m in batch])
        self.client.loop_stop()
        self.client.socket().close()
        stop.set()


@pytest.mark.django_db(transaction=True)
def test_unacknowledged_messages_are_redelivered_and_stored_once(broker, watch):
    doomed = DiesBeforeAck(broker, client_id="bridge-x", batch=1000, max_wait=0.5)
    thread, stop = start(doomed)
    now = time.time()
    topic = f"yanglao/devices/{watch.serial}/up"
    items = [
        (topic, json.dumps({"id": str(i), "ts": now - 60 + i, "hr": 72}))
        for i in range(30)
    ]
    items.append((topic, json.dumps({"id": "sos", "ts": now, "event": "sos"})))
    publish(broker, items)
    thread.join(10)
    stored_before = Reading.objects.count()
    assert stored_before > 0  # stored, never acknowledged
    successor = Bridge(
        broker, client_id="bridge-x"
    )  # the restarted bridge: same session
    thread, stop = start(successor)
    assert wait_for(
        lambda: Reading.objects.count() == 31 and successor.stored >= stored_before
    )
    stop.set()
    thread.join(10)
    assert Reading.objects.count() == 31  # every message once
    assert Alarm.objects.get().signals == 1  # the SOS raised one alarm, not two


@pytest.mark.django_db(transaction=True)
def test_messages_published_while_the_bridge_and_the_broker_were_down_arrive(
    mosquitto, watch
):
    """The bridge's persistent session (plain subscription) outlives both its own crash and a
    broker restart: what devices sent meanwhile is delivered when the bridge is back."""
    bridge = Bridge(mosquitto.url, client_id="bridge-p")
    thread, stop = start(bridge)
    stop.set()
    thread.join(10)  # the bridge is gone; its session stays with the broker
    topic = f"yanglao/devices/{watch.serial}/up"
    now = time.time()
    publish(
        mosquitto.url,
        [
            (topic, json.dumps({"id": f"a{i}", "ts": now - 20 + i, "hr": 70}))
            for i in range(10)
        ],
    )
    mosquitto.stop()
    mosquitto.start()
    publish(
        mosquitto.url,
        [
            (topic, json.dumps({"id": f"b{i}", "ts": now - 5 + i * 0.1, "hr": 71}))
            for i in range(10)
        ],
    )
    back = Bridge(mosquitto.url, client_id="bridge-p")
    thread, stop = start(back)
    assert wait_for(lambda: Reading.objects.count() == 20), Reading.objects.count()
    stop.set()
    thread.join(10)


def test_a_batch_ends_at_its_message_count_or_its_payload_bytes():
    """Payloads that each buffer many readings make a smaller batch: the batch's size in bytes,
    not only its count of MQTT messages, bounds how long an alarm in it waits."""
    from types import SimpleNamespace

    bridge = Bridge(
        "mqtt://127.0.0.1:1", client_id="bridge-t", batch=5, batch_bytes=1000
    )
    for payload in [b"x" * 100] * 7 + [b"y" * 400] * 4:
        bridge.inbox.put(SimpleNamespace(payload=payload))
    assert [len(bridge._take()) for _ in range(4)] == [5, 2 + 2, 2, 0]


def test_batches_stored_side_by_side_are_acknowledged_in_the_order_they_arrived():
    """Two threads store batches at once; a later batch that is stored first still waits for
    the earlier one's PUBACKs (MQTT 3.1.1, 4.6), and a batch that could not be stored is never
    acknowledged."""
    from types import SimpleNamespace

    acks = []
    bridge = Bridge("mqtt://127.0.0.1:1", client_id="bridge-o", batch=2, threads=2)
    bridge.client = SimpleNamespace(ack=lambda mid, qos: acks.append(mid))
    stop = threading.Event()

    def store(batch, _stop):
        if batch[0].mid == 1:
            time.sleep(0.3)  # the first batch is slow to store
        return batch[0].mid != 5  # the third batch fails to store and the bridge stops

    bridge._store = store
    for mid in range(1, 7):
        bridge.inbox.put(SimpleNamespace(payload=b"{}", mid=mid, qos=1))
    workers = [threading.Thread(target=bridge._work, args=(stop,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert wait_for(lambda: len(acks) == 4)
    stop.set()
    for worker in workers:
        worker.join(5)
    assert acks == [1, 2, 3, 4] and bridge.stored == 4


@pytest.mark.django_db(transaction=True)
def test_worker_processes_store_what_the_bridge_receives(broker, watch):
    """`yanglao mqtt-bridge` decodes and stores in worker processes (their own interpreters), and
    the bridge acknowledges once they have stored: readings and the alarm are in the database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "worker processes share the database: the SQLite test database is in memory"
        )
    bridge = Bridge(broker, client_id="bridge-w", processes=2)
    thread, stop = start(bridge)
    now = time.time()
    topic = f"yanglao/devices/{watch.serial}/up"
    items = [
        (topic, json.dumps({"id": f"w{i}", "ts": now - 30 + i, "hr": 72}))
        for i in range(25)
    ]
    items.append((topic, json.dumps({"id": "sos", "ts": now, "event": "sos"})))
    publish(broker, items)
    assert wait_for(lambda: bridge.stored == len(items), timeout=60), bridge.stored
    stop.set()
    thread.join(30)
    assert Reading.objects.count() == 26
    assert Alarm.objects.get().kind == "sos"


def _children(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid), "-f", "spawn_main"], capture_output=True, text=True
    )
    return [int(p) for p in found.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_worker_processes_end_when_the_bridge_is_killed(broker):
    """kill -9 of `yanglao mqtt-bridge` leaves no worker process behind holding a database
    connection: each notices that its bridge is gone and exits."""
    import sys

    bridge = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "mqtt-bridge",
            "--url",
            broker,
            "--client-id",
            "bridge-k",
            "--processes",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: len(_children(bridge.pid)) == 2, timeout=60)
        workers = _children(bridge.pid)
    finally:
        bridge.kill()
        bridge.wait(10)
    assert wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_dead_worker_process_is_replaced_and_nothing_is_lost(broker, watch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "worker processes share the database: the SQLite test database is in memory"
        )
    bridge = Bridge(broker, client_id="bridge-d", processes=2)
    thread, stop = start(bridge)
    os.kill(next(iter(bridge._pool._processes)), signal.SIGKILL)
    topic = f"yanglao/devices/{watch.serial}/up"
    now = time.time()
    items = [
        (topic, json.dumps({"id": f"d{i}", "ts": now - 20 + i, "hr": 72}))
        for i in range(10)
    ]
    publish(broker, items)
    assert wait_for(lambda: bridge.stored == len(items), timeout=60), bridge.stored
    stop.set()
    thread.join(30)
    assert Reading.objects.count() == 10
