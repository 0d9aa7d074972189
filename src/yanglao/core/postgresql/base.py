"""Django's PostgreSQL backend, with the connection health check skipped right after a commit.

With `CONN_HEALTH_CHECKS` Django asks PostgreSQL `SELECT 1` at the start of every request that
uses a kept connection: one round trip of an order step's seven (bench/homecare.py). A
connection that has just committed has answered the database a moment ago, so the check is
skipped for `FRESH_SECONDS` after a commit; a connection idle longer is checked as before. The
price: if the database restarts within that second, the next request on such a connection fails
(500) instead of reconnecting, and Django drops the connection when that request ends.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

FRESH_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _committed_at = float("-inf")

    def _commit(self):
        super()._commit()
        self._committed_at = time.monotonic()

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and time.monotonic() - self._committed_at < FRESH_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
