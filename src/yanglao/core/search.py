"""Search helpers shared by the lists of every app."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def name_prefix_q(field: str, text: str) -> Q:
    """Names starting with `text`, answered from an index on both databases. PostgreSQL: LIKE
    'x%' on the varchar_pattern_ops index Django adds, whatever the database's collation.
    SQLite: a range, because its LIKE … ESCAPE cannot use an index (it compares code points)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": text})
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\uffff"})
