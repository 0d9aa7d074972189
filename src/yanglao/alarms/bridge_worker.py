"""The MQTT bridge's worker processes (`yanglao mqtt-bridge --processes N`). Kept apart from
`alarms.mqtt` on purpose: a spawned worker imports this module before Django is set up, so nothing
here may import models at module level."""

from __future__ import annotations

import os
import threading
import time


def ready(database_name: str, bridge_pid: int) -> None:
    """Set Django up as in the bridge (the same settings module, inherited through the
    environment), writing to the database the bridge uses (under tests, the test database), and
    end this process when the bridge is gone."""
    import django
    from django.conf import settings

    threading.Thread(target=_exit_with, args=(bridge_pid,), daemon=True).start()
    settings.DATABASES["default"]["NAME"] = database_name
    django.setup()


def _exit_with(bridge_pid: int) -> None:
    """A bridge killed with SIGKILL cannot stop its workers, and they would wait for work forever
    (each holding a database connection): when this process's parent is no longer the bridge,
    exit. A batch being stored is rolled back by PostgreSQL; it was never acknowledged, and the
    broker delivers it again to the next bridge."""
    while os.getppid() == bridge_pid:
        time.sleep(0.5)
    os._exit(1)


def ping(seconds: float) -> None:
    """A task that keeps a worker busy briefly, so that the pool starts all its workers."""
    time.sleep(seconds)


def store(items: list[tuple[str, bytes]]) -> int:
    """`alarms.mqtt.store_messages` in this process; the number of messages (a small result)."""
    from yanglao.alarms.mqtt import store_messages

    store_messages(items)
    return len(items)
