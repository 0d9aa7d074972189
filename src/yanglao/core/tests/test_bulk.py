"""bulk_insert stores rows exactly as the ORM would, in statements of many rows."""

from __future__ import annotations

import pytest

from yanglao.core.bulk import bulk_insert
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_many_rows_with_defaults_timestamps_and_json():
    rows = [
        {
            "actor_name": "system",
            "action": "event",
            "object_type": "t",
            "object_id": str(i),
            "after": {"n": i},
        }
        for i in range(2500)  # more than one statement, and >999 parameters in one
    ]
    assert bulk_insert(AuditEntry, rows) == 2500
    saved = AuditEntry.objects.order_by("pk")
    assert saved.count() == 2500
    last = saved.last()
    assert (
        last.after == {"n": 2499}
        and last.at is not None
        and last.summary == ""
        and last.before is None
    )


def test_one_row_is_stored_as_the_orm_stores_it_and_its_key_returned():
    from yanglao.core.bulk import insert_row

    row = {
        "actor_name": "system",
        "action": "event",
        "object_type": "t",
        "after": {"名": [1, 2]},
    }
    pk = insert_row(AuditEntry, row)
    orm = AuditEntry.objects.create(**row)
    mine = AuditEntry.objects.get(pk=pk)
    assert pk != orm.pk and mine.after == orm.after == {"名": [1, 2]}
    assert (mine.summary, mine.object_id, mine.before, mine.actor_id) == (
        "",
        "",
        None,
        None,
    )
    assert mine.at is not None and abs((orm.at - mine.at).total_seconds()) < 60


def test_array_literals_round_trip_through_postgresql():
    """Strings with quotes, backslashes, commas, braces, spaces and the word NULL come back as
    written; numbers (floats in full precision) and NULLs too."""
    from django.db import connection

    from yanglao.core.bulk import pg_array, pg_text_array

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL array literals")
    texts = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", "", "中文", 'x\\"y']
    numbers = [1, -2, 0.1 + 0.2, 1e-05, None, 123456789012345]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::text[], %s::float8[]", [pg_text_array(texts), pg_array(numbers)]
        )
        got_texts, got_numbers = cursor.fetchone()
    assert got_texts == texts
    assert got_numbers == [1.0, -2.0, 0.1 + 0.2, 1e-05, None, 123456789012345.0]
