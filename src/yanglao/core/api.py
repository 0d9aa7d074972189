"""Shared pieces of the JSON API: paging parameters and the paged response shape."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema

from yanglao.core.pagination import paginate

T = TypeVar("T")


class PageOut(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


def paged(qs, page: int, per_page: int, convert) -> dict:
    p = paginate(qs, page=page, per_page=per_page)
    return {
        "items": [convert(x) for x in p.items],
        "total": p.total,
        "page": p.number,
        "per_page": p.per_page,
        "pages": p.pages,
    }
