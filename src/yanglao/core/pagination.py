"""One pagination for every list page and API list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

MAX_PER_PAGE = 200


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def window(self, width: int = 2) -> list[int]:
        lo, hi = max(1, self.number - width), min(self.pages, self.number + width)
        return list(range(lo, hi + 1))


def paginate(
    qs: QuerySet | list, *, page: int | str | None = 1, per_page: int | str | None = 20
) -> Page:
    """Slice a queryset; bad or out-of-range page numbers fall back to the nearest valid page."""
    try:
        size = min(max(int(per_page or 20), 1), MAX_PER_PAGE)
    except (TypeError, ValueError):
        size = 20
    try:
        number = max(int(page or 1), 1)
    except (TypeError, ValueError):
        number = 1
    total = len(qs) if isinstance(qs, list) else qs.count()
    last = max(1, -(-total // size))
    number = min(number, last)
    start = (number - 1) * size
    return Page(
        items=list(qs[start : start + size]), number=number, per_page=size, total=total
    )
