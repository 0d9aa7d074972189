"""Shared pieces of the JSON API: paging parameters, the paged response shape, and request-schema
errors in the platform's own words."""

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


# What a request-schema error says, by pydantic's error type (prefix); docs/api.md.
_SCHEMA_ERRORS = (
    ("missing", "必填"),
    ("int_", "应为整数"),
    ("float_", "应为数字"),
    ("decimal_", "应为数字"),
    ("bool_", "应为 true 或 false"),
    ("datetime_", "应为日期时间，如 2026-12-01T09:00:00+08:00"),
    ("date_", "应为日期，如 2026-12-01"),
    ("time_", "应为时间，如 09:00"),
    ("string_", "应为文字"),
    ("list_", "应为列表"),
    ("dict_", "应为对象"),
    ("model_", "应为对象"),
    ("enum", "不是可选的值"),
    ("literal_error", "不是可选的值"),
    ("greater_than_equal", "应不小于 {ge}"),
    ("greater_than", "应大于 {gt}"),
    ("less_than_equal", "应不大于 {le}"),
    ("less_than", "应小于 {lt}"),
)


def schema_error_detail(errors: list[dict]) -> list[dict]:
    """django-ninja's request-schema errors with what a refusal by the services carries besides
    (`field`, and `msg` in Chinese); `loc` and `type` stay as django-ninja gives them."""
    detail = []
    for e in errors:
        loc = list(e.get("loc", ()))
        kind = e.get("type", "")
        msg = next(
            (m for prefix, m in _SCHEMA_ERRORS if kind.startswith(prefix)), "格式不正确"
        )
        if "{" in msg:  # the bound the value missed, from pydantic's context
            msg = msg.format(**e.get("ctx", {}))
        detail.append(
            {
                "loc": loc,
                "field": str(loc[-1]) if loc else "__all__",
                "msg": msg,
                "type": kind,
            }
        )
    return detail
