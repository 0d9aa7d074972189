"""Wake a waiting page when something new is stored: PostgreSQL LISTEN/NOTIFY, or short polling on
SQLite (ARCHITECTURE: PostgreSQL-only features sit behind one small adapter with a fallback).

The writer calls `publish(channel)` inside its transaction (PostgreSQL delivers the notification
at commit, never for a rolled-back write); a reader holds a `Listener` and calls `wait()` between
its own queries. A notification only says "look again": the reader always reads the rows."""

from __future__ import annotations

import time

from django.db import connection, connections

SQLITE_POLL_SECONDS = 0.1


def publish(channel: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [channel])


class Listener:
    """Waits for `channel`: a dedicated PostgreSQL connection with LISTEN, or a sleep on SQLite."""

    def __init__(self, channel: str, alias: str = "default"):
        self.channel = channel
        self._conn = None
        db = connections[alias]
        if db.vendor == "postgresql":
            import psycopg

            params = db.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self._conn = psycopg.connect(**params, autocommit=True)
            self._conn.execute(f'LISTEN "{channel}"')

    def wait(self, timeout: float) -> bool:
        """True when notified (PostgreSQL) or after a short poll interval (SQLite)."""
        if self._conn is None:
            time.sleep(min(timeout, SQLITE_POLL_SECONDS))
            return True
        for _ in self._conn.notifies(timeout=timeout, stop_after=1):
            return True
        return False

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
