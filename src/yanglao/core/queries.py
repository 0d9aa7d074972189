"""Small query helpers shared by the apps' selectors and services."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)


def first_unordered(qs: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None. `.first()` would add an ORDER BY (the
    model's ordering, or the primary key), which Django builds by matching it against every
    selected column — on the API's hot paths that cost more than running the query."""
    found = list(qs.order_by()[:1])
    return found[0] if found else None


@dataclass(frozen=True)
class _Plan:
    """What compiling a query once gives: its SQL, its parameters with a slot per argument, and
    how to turn a row into the model instance and its select_related neighbours."""

    db: str
    sql: str
    params: tuple
    slots: tuple[tuple[str, int, type], ...]  # argument, parameter index, int or str
    for_update: bool
    model: type[Model]
    model_columns: slice
    init_list: tuple[str, ...]
    converters: tuple
    populators: tuple


class CompiledQuery(Generic[M]):
    """A model query that Django builds and compiles to SQL once per process, then runs with
    other values. For the few look-ups every API request makes (bench/homecare.py): building
    and compiling the order step's six-table lock query cost Django ~1.5 ms of CPU each time,
    more than PostgreSQL took to run it.

    `build(**values)` returns the queryset. Each value must be an int or a str that reaches the
    SQL unchanged as one parameter (an `=` comparison); anything else — a `__startswith`, a
    value compared twice — is refused when the query is first compiled. A value of another type
    (None, a list) runs the query built afresh, so the answer is always the queryset's own.
    Not for prefetch_related, values() or annotations read from related managers.
    """

    def __init__(self, build: Callable[..., QuerySet[M]]):
        self._build = build
        self._plan: _Plan | None = None
        self._lock = threading.Lock()

    def all(self, **values: Any) -> list[M]:
        if not all(_bindable(v) for v in values.values()):
            return list(self._build(**values).order_by())
        plan = self._plan or self._compile(sorted(values))
        connection = connections[plan.db]
        if plan.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(plan.params)
        for name, index, kind in plan.slots:
            params[index] = kind(values[name])  # as the field's get_prep_value would
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return [_instance(plan, connection, row) for row in rows]

    def first(self, **values: Any) -> M | None:
        """The one row a look-up by a unique key finds, or None."""
        found = self.all(**values)
        return found[0] if found else None

    def _compile(self, names: list[str]) -> _Plan:
        with self._lock:
            if self._plan is None:
                self._plan = _compile(self._build, names)
            return self._plan


def _bindable(value: Any) -> bool:
    return type(value) in (int, str)


def _sentinel(i: int) -> int:
    """A stand-in value while compiling: an int (a text field takes it as its digits) inside
    every integer field's range — Django compiles an out-of-range comparison to 'no rows'."""
    return 2_071_092_251 + i


def _compile(build: Callable[..., QuerySet], names: list[str]) -> _Plan:
    sentinels = {name: _sentinel(i) for i, name in enumerate(names)}
    qs = build(**sentinels).order_by()
    if qs._iterable_class is not ModelIterable or qs._prefetch_related_lookups:
        raise ImproperlyConfigured("CompiledQuery: model instances only, no prefetch")
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
    slots = []
    for name, value in sentinels.items():
        where = [i for i, p in enumerate(params) if p == value or p == str(value)]
        if len(where) != 1:
            raise ImproperlyConfigured(
                f"CompiledQuery: {name} must reach the SQL once, unchanged"
            )
        slots.append((name, where[0], type(params[where[0]])))
    info = compiler.klass_info
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    converters = tuple(
        (pos, tuple(convs), expr)
        for pos, (convs, expr) in compiler.get_converters(fields).items()
    )
    return _Plan(
        db=qs.db,
        sql=sql,
        params=tuple(params),
        slots=tuple(slots),
        for_update=qs.query.select_for_update,
        model=info["model"],
        model_columns=slice(start, end),
        init_list=tuple(f[0].target.attname for f in compiler.select[start:end]),
        converters=converters,
        populators=tuple(get_related_populators(info, compiler.select, qs.db)),
    )


def _instance(plan: _Plan, connection, row: tuple) -> Model:
    """As Django's ModelIterable turns a row into an instance (converters, from_db, neighbours)."""
    if plan.converters:
        row = list(row)
        for pos, convs, expr in plan.converters:
            value = row[pos]
            for convert in convs:
                value = convert(value, expr, connection)
            row[pos] = value
    obj = plan.model.from_db(plan.db, plan.init_list, row[plan.model_columns])
    for populator in plan.populators:
        populator.populate(row, obj)
    return obj


_UPDATES: dict[tuple, tuple[str, list, list]] = {}


def update_where(
    model: type[Model], where: dict[str, Any], values: dict[str, Any]
) -> int:
    """What `model.objects.filter(**where).update(**values)` does for plain values (keyed by
    attname; `where` compares each with =, never None), returning the rows changed — with the
    statement built once per model and column set. For the order step (bench/homecare.py),
    where building the UPDATE cost Django more than running it."""
    if any(v is None for v in where.values()):
        raise ValueError("update_where compares with =; None never matches")
    connection = connections[router.db_for_write(model)]
    key = (model, connection.alias, tuple(values), tuple(where))
    sql, set_fields, where_fields = _UPDATES.get(key) or _update_sql(key, connection)
    params = [
        f.get_db_prep_save(v, connection)
        for f, v in zip(set_fields, values.values(), strict=True)
    ]
    params += [
        f.get_db_prep_value(f.get_prep_value(v), connection, prepared=True)
        for f, v in zip(where_fields, where.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _update_sql(key: tuple, connection) -> tuple[str, list, list]:
    model, _alias, set_names, where_names = key
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    set_fields = [by_attname[n] for n in set_names]
    where_fields = [by_attname[n] for n in where_names]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in set_fields)
        + " WHERE "
        + " AND ".join(f"{quote(f.column)} = %s" for f in where_fields)
    )
    _UPDATES[key] = sql, set_fields, where_fields
    return _UPDATES[key]
