"""Small query helpers shared by the apps' selectors and services."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def first_unordered(qs: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None. `.first()` would add an ORDER BY (the
    model's ordering, or the primary key), which Django builds by matching it against every
    selected column — on the API's hot paths that cost more than running the query."""
    found = list(qs.order_by()[:1])
    return found[0] if found else None
