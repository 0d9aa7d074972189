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
