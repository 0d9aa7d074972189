"""Inserting many rows fast (COPY on PostgreSQL, one prepared INSERT run with executemany on
SQLite), values prepared by each
field's own `get_db_prep_save` (so they are stored exactly as the ORM would store them), without
building a model instance per row. Used by imports, where 100,000 people with their categories,
contacts and audit entries are written in one transaction; building Django model instances and
compiling bulk_create took most of that time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.utils import timezone

BATCH = 2000


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def bulk_insert(
    model: type[models.Model], rows: Iterable[dict], *, batch: int = BATCH
) -> int:
    """Insert `rows` (dicts keyed by field attname; missing fields take their default, and
    auto_now/auto_now_add fields the current time). Returns the number of rows inserted. Primary
    keys are not returned: read them back by a unique column when needed."""
    # The connection object itself, looked up once: going through `django.db.connection` (a
    # thread-local proxy) for each of a million values costs more than the values.
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = _row_values(fields, connection)
    return _write(connection, model, fields, (values(row) for row in rows), batch)


def _row_values(fields: list, connection) -> Callable[[dict], list]:
    """A row's values as the fields store them (each field's own `get_db_prep_save`); a field the
    row leaves out takes its default, an auto_now/auto_now_add field left out or None the time
    this was called."""
    now = timezone.now()
    stamped = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in stamped}
    prepare = [(f.attname, f.get_db_prep_save, f.attname in stamped) for f in fields]

    def values(row: dict) -> list:
        return [
            prep(
                now
                if stamp and row.get(name) is None
                else row.get(name, defaults.get(name)),
                connection,
            )
            for name, prep, stamp in prepare
        ]

    return values


def bulk_insert_values(
    model: type[models.Model],
    attnames: list[str],
    rows: Iterable,
    *,
    batch: int = BATCH,
) -> int:
    """Insert rows already in the database's terms — tuples of int, str (dates as ISO text) and
    None, in the order of `attnames` — skipping the per-value preparation of `bulk_insert`. For
    the largest writes (a subsidy cycle's entitlements), where that preparation is most of the
    time; anything not plain belongs in `bulk_insert`."""
    connection = connections[DEFAULT_DB_ALIAS]
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_name[name] for name in attnames]
    return _write(connection, model, fields, rows, batch)


_INSERT_ONE: dict[tuple, tuple[list, str]] = {}


def insert_row(model: type[models.Model], row: dict) -> int:
    """Insert one row, prepared as `bulk_insert` prepares its rows, and return its primary key;
    the statement is built once per model. For the API's append-only rows (an order's events):
    Model.save() spent longer than the database."""
    connection = connections[router.db_for_write(model)]
    fields, sql = _INSERT_ONE.get((model, connection.alias)) or _insert_one(
        model, connection
    )
    values = _row_values(fields, connection)(row)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if connection.features.can_return_columns_from_insert:
            return cursor.fetchone()[0]
        return cursor.lastrowid


def _insert_one(model, connection) -> tuple[list, str]:
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    _INSERT_ONE[(model, connection.alias)] = fields, sql
    return fields, sql


def _write(connection, model, fields, value_rows: Iterable, batch: int) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: the fastest way into PostgreSQL, with the same value adaptation as queries.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in value_rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for chunk in _batches(value_rows, batch):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def pg_array(values: Iterable) -> str:
    """A PostgreSQL array literal (`{1,2,NULL}`) of numbers, for `%s::bigint[]` and the like with
    `unnest`. Passing a Python list makes psycopg adapt every element in Python, which took ~18 ms
    for the 14,000 values of one telemetry batch; this string takes ~3 ms."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def pg_text_array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of strings (`{"a","b\\"c"}`): every element quoted, with `"` and
    `\\` escaped, so commas, braces, spaces and the word NULL stay plain text."""
    return (
        "{"
        + ",".join(
            '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in values
        )
        + "}"
    )


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Tell the query planner how big tables became after a bulk write (ANALYZE). Without it,
    PostgreSQL plans the next import's look-ups against a table it believes empty, and reading
    back 200,000 rows' worth of existing records takes half again as long (bench/RESULTS.md,
    health roster)."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
