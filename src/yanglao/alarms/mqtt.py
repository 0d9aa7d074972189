"""The MQTT bridge (`yanglao mqtt-bridge`): devices publish to `yanglao/devices/<serial>/up` at
QoS 1 on a real broker (Mosquitto, EMQX); the bridge stores each batch through the same ingest as
HTTP, and only then acknowledges the messages (PUBACK). If the bridge dies before that, the broker
redelivers them to the restarted bridge (persistent session, fixed client id), and ingest
recognises any that were stored already: no message is lost and none is stored twice.

With `--group NAME` several bridges share one subscription ($share/NAME/…) and split the load.
Mosquitto 2.0 does not restore a shared subscription of a disconnected session after a broker
restart, so messages published then, before a bridge resubscribes, are dropped by the broker;
one bridge with a plain subscription (the default) has no such gap (docs/alarms.md "MQTT")."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from urllib.parse import urlparse

from django.db import close_old_connections, connection

from yanglao.alarms import bridge_worker, services
from yanglao.alarms.models import Device

log = logging.getLogger(__name__)
TOPIC = "yanglao/devices/+/up"
BATCH_BYTES = 64 * 1024  # about 500 telemetry messages, like one full HTTP batch


def broker_address(url: str) -> tuple[str, int]:
    parts = urlparse(url if "://" in url else f"mqtt://{url}")
    return parts.hostname or "127.0.0.1", parts.port or 1883


def serial_of(topic: str) -> str | None:
    parts = topic.split("/")
    if (
        len(parts) == 4
        and parts[0] == "yanglao"
        and parts[1] == "devices"
        and parts[3] == "up"
    ):
        return parts[2]
    return None


class Bridge:
    """One bridge process: a paho network thread fills a queue; `run` forms batches, has them
    stored (in `processes` worker processes, or in `threads` threads of this one when processes
    is 0, as the tests on an in-memory SQLite database need) and acknowledges them in order."""

    def __init__(
        self,
        url: str,
        *,
        client_id: str,
        group: str = "",
        batch: int = 500,
        batch_bytes: int = BATCH_BYTES,
        max_wait: float = 0.005,
        threads: int = 2,
        processes: int = 0,
    ):
        import paho.mqtt.client as mqtt

        self.host, self.port = broker_address(url)
        self.group, self.batch, self.max_wait = group, batch, max_wait
        self.batch_bytes, self.threads = batch_bytes, threads
        self._taking = threading.Lock()  # one thread forms a batch at a time
        # Batches are acknowledged in the order they were taken (tickets).
        self._turn = threading.Condition()
        self._tickets = self._next_ack = 0
        # processes > 0: batches are decoded and stored in that many worker processes (each its
        # own interpreter and GIL); this one only receives, forms batches and acknowledges.
        self.processes = processes
        self._pool = None
        self._pool_lock = threading.Lock()
        # One bridge: a plain subscription, which a persistent session keeps across a broker restart.
        # Several bridges: a shared subscription ($share/<group>/…) splits the messages among them.
        self.topic = f"$share/{group}/{TOPIC}" if group else TOPIC
        self.inbox: queue.Queue = queue.Queue()
        self.connected = threading.Event()
        self.stored = 0  # messages acknowledged after storing (for logs and tests)
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = lambda *a: self.connected.clear()
        self.client.on_message = lambda _c, _u, message: self.inbox.put(message)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=5)
        self.client.max_inflight_messages_set(1000)

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties=None):
        if reason_code == 0:
            client.subscribe(self.topic, qos=1)
            log.info("MQTT bridge connected to %s:%s", self.host, self.port)

    def _on_subscribe(self, _client, _userdata, _mid, _reason_codes, _properties=None):
        self.connected.set()  # the broker has the subscription: from now on nothing is dropped

    def start(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()

    def run(self, stop: threading.Event) -> None:
        """Store and acknowledge until `stop`, in one thread per worker process (or `threads`
        threads storing here): while one batch is being written, the next is formed (one thread
        left the database and Python taking turns, and fell behind at 20,000 readings/s)."""
        if self.processes:
            self._warm_up()
        self.start()
        count = max(1, self.processes or self.threads)
        workers = [
            threading.Thread(target=self._work, args=(stop,), daemon=True)
            for _ in range(count)
        ]
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        finally:
            self.stop()
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    def _work(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                with self._taking:
                    batch = self._take()
                    ticket = self._tickets
                    self._tickets += bool(batch)
                if batch:
                    stored = self._store(batch, stop)
                    self._acknowledge_in_turn(ticket, batch if stored else [], stop)
        finally:
            connection.close()  # this thread's own database connection

    def _acknowledge_in_turn(
        self, ticket: int, batch: list, stop: threading.Event
    ) -> None:
        """PUBACK the batch once every batch taken before it is acknowledged: MQTT 3.1.1 (4.6)
        asks a receiver to acknowledge QoS 1 messages in the order they arrived."""
        with self._turn:
            if not self._turn.wait_for(
                lambda: self._next_ack == ticket or stop.is_set()
            ):
                return
            if self._next_ack != ticket:  # stopping: the broker redelivers the rest
                return
            for message in batch:
                self.client.ack(message.mid, message.qos)
            self.stored += len(batch)
            self._next_ack += 1
            self._turn.notify_all()

    def _take(self) -> list:
        """What has arrived, up to `batch` MQTT messages or `batch_bytes` of payload, whichever
        comes first. The byte budget keeps a batch of buffered payloads (each holding many
        readings) as small as a batch of single ones: every message of a batch waits for the whole
        batch before its PUBACK, and the next batch waits for this one (issue 5's alarm delay)."""
        try:
            first = self.inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        size = len(first.payload)
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.batch and size < self.batch_bytes:
            left = deadline - time.monotonic()
            try:
                batch.append(
                    self.inbox.get(timeout=left)
                    if left > 0
                    else self.inbox.get_nowait()
                )
            except queue.Empty:
                break
            size += len(batch[-1].payload)
        return batch

    def _store(self, batch: list, stop: threading.Event) -> bool:
        """Store the batch; True once it is committed. A database failure tries again (the broker
        keeps the messages meanwhile, unacknowledged) until it works or the bridge stops."""
        items = [(m.topic, m.payload) for m in batch]
        while True:
            pool = self._worker_pool() if self.processes else None
            try:
                if pool is not None:
                    pool.submit(bridge_worker.store, items).result()
                else:
                    store_messages(items)
                return True
            except BrokenProcessPool:  # a worker process died: start the pool again
                log.error("MQTT bridge: a worker process died; restarting the pool")
                with self._pool_lock:
                    if self._pool is pool:  # not one another thread has started since
                        self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                if stop.wait(0.2):
                    return False
            except Exception:
                log.exception(
                    "MQTT bridge: could not store a batch of %s; retrying", len(batch)
                )
                close_old_connections()
                if stop.wait(1.0):
                    return False

    def _warm_up(self) -> None:
        """Start the worker processes before subscribing: setting Django up takes a second or
        two, and the first batches would wait for it (seen as the slowest alarms of a run)."""
        pool = self._worker_pool()
        for future in [
            pool.submit(bridge_worker.ping, 0.2) for _ in range(self.processes)
        ]:
            future.result()

    def _worker_pool(self):
        with self._pool_lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=bridge_worker.ready,
                    initargs=(connection.settings_dict["NAME"], os.getpid()),
                )
            return self._pool


def store_messages(items: list[tuple[str, bytes]]) -> services.IngestResult:
    """Topic + payload pairs → ingest, grouped by the devices' vendor formats. Payloads that are
    not JSON, or topics that name no device, are quarantined (and so acknowledged: resending
    them would not make them valid)."""
    objs: list = []
    hints: list[str] = []
    bad = []
    for topic, payload in items:
        serial = serial_of(topic)
        try:
            doc = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            bad.append((serial or topic, f"JSON 无法解析：{exc}", payload))
            continue
        if serial is None:
            bad.append((topic, "主题格式应为 yanglao/devices/<设备编号>/up", payload))
            continue
        for obj in doc if isinstance(doc, list) else [doc]:
            objs.append(obj)
            hints.append(serial)
    vendors = dict(
        Device.objects.filter(serial__in=set(hints)).values_list("serial", "vendor")
    )
    total = services.IngestResult()
    by_vendor: dict[str, tuple[list, list]] = {}
    for obj, serial in zip(objs, hints, strict=True):
        group = by_vendor.setdefault(vendors.get(serial, "yanglao"), ([], []))
        group[0].append(obj)
        group[1].append(serial)
    for vendor, (group_objs, group_hints) in by_vendor.items():
        result = services.ingest(
            group_objs, vendor=vendor, source="mqtt", hints=group_hints
        )
        total.accepted += result.accepted
        total.readings += result.readings
        total.duplicates += result.duplicates
        total.rejected += result.rejected
        total.alarms += result.alarms
    for serial, reason, payload in bad:
        services.quarantine(
            source="mqtt", reason=reason, serial=serial, payload=payload
        )
    return total
