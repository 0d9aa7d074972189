"""The MQTT bridge's worker processes (`yanglao mqtt-bridge --processes N`). Kept apart from
`alarms.mqtt` on purpose: a spawned worker imports this module before Django is set up, so nothing
here may import models at module level."""

from __future__ import annotations


def ready(database_name: str) -> None:
    """Set Django up as in the bridge (the same settings module, inherited through the
    environment), writing to the database the bridge uses (under tests, the test database)."""
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database_name
    django.setup()


def ping(seconds: float) -> None:
    """A task that keeps a worker busy briefly, so that the pool starts all its workers."""
    import time

    time.sleep(seconds)


def store(items: list[tuple[str, bytes]]) -> int:
    """`alarms.mqtt.store_messages` in this process; the number of messages (a small result)."""
    from yanglao.alarms.mqtt import store_messages

    store_messages(items)
    return len(items)
