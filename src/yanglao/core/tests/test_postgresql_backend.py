"""The PostgreSQL backend checks a kept connection's health unless it committed a moment ago."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from yanglao.core.postgresql import base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL backend only"
    ),
]


def _health_checks(monkeypatch, after_seconds: float) -> int:
    """Health checks (SELECT 1) when a request starts `after_seconds` after the last commit."""
    connection.health_check_enabled = True
    with transaction.atomic():
        connection.cursor().execute("SELECT 2")
    checks = []
    usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or usable())
    now = base.time.monotonic() + after_seconds
    monkeypatch.setattr(base.time, "monotonic", lambda: now)
    connection.close_if_unusable_or_obsolete()  # what a new request does
    connection.cursor().execute("SELECT 3")  # its first statement
    return len(checks)


def test_no_check_right_after_a_commit(monkeypatch):
    assert _health_checks(monkeypatch, 0.2) == 0


def test_a_connection_idle_for_longer_is_checked(monkeypatch):
    assert _health_checks(monkeypatch, base.FRESH_SECONDS + 0.5) == 1


def test_a_connection_that_failed_its_check_is_replaced(monkeypatch):
    connection.health_check_enabled = True
    connection.cursor().execute("SELECT 2")
    old = connection.connection
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    connection.close_if_unusable_or_obsolete()
    connection._committed_at = float("-inf")
    connection.cursor().execute("SELECT 3")
    assert connection.connection is not old
