"""Shared pieces of the JSON API: paging parameters, the paged response shape, and request-schema
errors in the platform's own words."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema

from yanglao.core.digits import ascii_digits
from yanglao.core.errors import ValidationFailed
from yanglao.core.pagination import paginate

T = TypeVar("T")


class PageOut(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int


def checked_input(body, model, *, partial: bool = False) -> dict:
    """A request body's values for a service, checked against the table they go to: text no
    longer than its column (SQLite would store 10,000 characters in a 50-character name, and
    PostgreSQL refuse them with a server error), and in a PATCH no explicit null for a column
    that cannot be empty (it was stored as the text "None"). Refused: ValidationFailed naming
    each field. Fields the table does not have as such (an identity number, stored encrypted)
    may not be null either."""
    values = body.dict(exclude_unset=partial)
    errors = {}
    columns = {f.name: f for f in model._meta.get_fields() if hasattr(f, "null")}
    for name, value in values.items():
        column = columns.get(name)
        if value is None and partial and not (column is not None and column.null):
            errors[name] = "不能为空（null）；不修改此项时请不要传这个字段"
        limit = getattr(column, "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors[name] = f"最多 {limit} 个字符（现有 {len(value)} 个）"
    if errors:
        raise ValidationFailed(errors)
    return values


BIGINT_MAX = 2**63 - 1


def oversized_numbers(request, path_kwargs: dict | None = None) -> list[str]:
    """The names of the path's and the query's numbers beyond a 64-bit column. (A JSON body's are
    found where it is parsed once, by the API's parser: `oversized_fields`.)"""
    if path_kwargs is None:
        match = getattr(request, "resolver_match", None)
        path_kwargs = match.kwargs if match else {}
    return [
        name
        for values in (path_kwargs, request.GET)
        for name, value in values.items()
        if _too_big(value)
    ]


def oversized_fields(body) -> list[str]:
    """The top-level fields of a parsed JSON body holding a number (or a list of them) beyond a
    64-bit column."""
    if not isinstance(body, dict):
        return []
    return [k for k, v in body.items() if _too_big(v) or _any_too_big(v)]


def out_of_range_detail(fields: list[str]) -> list[dict]:
    """The 422 body's entries for numbers beyond a column (docs/api.md)."""
    return [
        {
            "loc": ["request", f],
            "field": f,
            "msg": "数值超出允许范围",
            "type": "value_error",
        }
        for f in fields
    ]


def _too_big(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return False
    text = str(value).strip().lstrip("+-")
    return ascii_digits(text) and int(text) > BIGINT_MAX


def _any_too_big(value) -> bool:
    if isinstance(value, list):
        return any(_too_big(v) or _any_too_big(v) for v in value)
    return False


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
