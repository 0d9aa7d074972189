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


class Horizon:
    """Which rows of an append-only table a reader has passed on, when writers commit out of
    id order. Ids come from a sequence at insert, but a transaction that took id 100 may commit
    after the one that took 101: a reader asking only for "ids after the last one I sent" would
    skip 100 for ever (an alarm missing from the console). The reader asks instead for every id
    above `floor`, sends the ones it has not seen, and the floor moves up past ids seen, or missing
    for longer than `grace` seconds (a rolled-back insert leaves a hole that never fills)."""

    def __init__(self, after: int, *, grace: float = 30.0):
        self.floor = after  # every id up to here is sent or given up
        self.grace = grace
        self._seen: set[int] = set()  # sent, above the floor
        self._missing: dict[int, float] = {}  # id → when first found missing

    def fresh(self, ids, now: float) -> list[int]:
        """Of `ids` (committed ids above the floor), those to read and send, in order; then move
        the floor as far as it may go."""
        ids = sorted(i for i in ids if i > self.floor)
        new = [i for i in ids if i not in self._seen]
        self._seen.update(new)
        if ids:
            for i in range(self.floor + 1, ids[-1]):
                if i not in self._seen:
                    self._missing.setdefault(i, now)
        while True:
            nxt = self.floor + 1
            if nxt in self._seen:
                self._seen.discard(nxt)
            elif nxt in self._missing and now - self._missing[nxt] >= self.grace:
                del self._missing[nxt]
            else:
                break
            self.floor = nxt
        return new
