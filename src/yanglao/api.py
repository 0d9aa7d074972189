"""The JSON API: /api/v1/…, OpenAPI documentation at /api/docs."""

from __future__ import annotations

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.parser import Parser

from yanglao.accounts.api import BearerToken
from yanglao.accounts.api import router as auth_router
from yanglao.alarms.api import router as alarms_router
from yanglao.assessments.api import router as assessments_router
from yanglao.benefits.api import router as benefits_router
from yanglao.core.api import (
    out_of_range_detail,
    oversized_fields,
    oversized_numbers,
    schema_error_detail,
)
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.urls import grouped_by_prefix
from yanglao.elders.api import router as elders_router
from yanglao.facilities.api import router as facilities_router
from yanglao.homecare.api import router as homecare_router
from yanglao.imports.api import router as imports_router
from yanglao.indicators.api import router as indicators_router
from yanglao.regions.api import router as regions_router
from yanglao.supervision.api import router as supervision_router

ERROR_MESSAGE = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "msg": {"type": "string"},
                    "loc": {"type": "array"},
                    "type": {"type": "string"},
                },
                "required": ["field", "msg"],
            },
        }
    },
    "required": ["detail"],
}
# The refusals every operation may answer with, in the two shapes the handlers below write.
ERRORS = {
    "400": ("请求有误（如请求体不是 JSON）", ERROR_MESSAGE),
    "401": ("未登录：缺少令牌，或令牌已过期、已撤销", ERROR_MESSAGE),
    "403": ("没有权限", ERROR_MESSAGE),
    "404": ("不存在或不在您的管辖范围内", ERROR_MESSAGE),
    "422": ("输入有误：每个字段及其原因", FIELD_ERRORS),
}


class CheckedParser(Parser):
    """The API's JSON bodies, parsed once: a number no column can hold is refused by name here
    (422), as the path's and the query's are by core.middleware.OversizedNumbersMiddleware —
    the same answer on SQLite and PostgreSQL. Routes that read their body themselves (telemetry)
    check their own values."""

    def parse_body(self, request):
        body = super().parse_body(request)
        if fields := oversized_fields(body):
            # django-ninja turns any parser error into 400 "Cannot parse request body";
            # on_http_error below answers it as the 422 naming these fields.
            request.oversized_fields = fields
            raise ValueError(f"numbers out of range: {fields}")
        return body


class YanglaoAPI(NinjaAPI):
    """The platform's API: its schema documents the error responses every operation can give
    (schemathesis checks that no other status and no other shape is ever answered)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                declared = {str(code) for code in responses}  # ninja's keys are ints
                for code, (text, body) in ERRORS.items():
                    if code in declared:
                        continue
                    responses.setdefault(
                        int(code),
                        {
                            "description": text,
                            "content": {"application/json": {"schema": body}},
                        },
                    )
        return schema


api = YanglaoAPI(
    title="养老服务综合信息平台 API",
    version="1",
    description="所有接口（令牌接口除外）需在请求头携带 `Authorization: Bearer <token>`。数据范围与网页一致：管辖范围外的对象返回 404。",
    auth=BearerToken(),
    urls_namespace="api",
    parser=CheckedParser(),
)


@api.exception_handler(ValidationFailed)
def on_validation_failed(request, exc: ValidationFailed):
    """422 with one entry per refused field (request-schema errors take the same shape)."""
    detail = [
        {"loc": ["body", field], "field": field, "msg": reason, "type": "value_error"}
        for field, reason in exc.errors.items()
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(SchemaError)
def on_schema_error(request, exc: SchemaError):
    """A request that does not fit the schema (a missing field, a word where a number goes):
    the same shape and language as a refusal by the services."""
    return api.create_response(
        request, {"detail": schema_error_detail(exc.errors)}, status=422
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    """django-ninja's own refusals; a body that is not JSON is said in Chinese, the rest as is."""
    unparsable = exc.status_code == 400 and exc.message.startswith("Cannot parse")
    if unparsable and (fields := getattr(request, "oversized_fields", None)):
        detail = out_of_range_detail(fields)
        return api.create_response(request, {"detail": detail}, status=422)
    message = "请求体无法解析（应为 JSON）" if unparsable else exc.message
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    """A number no column holds (an id of 2⁶³ or more, in the path, the query or the body): 422
    naming the field, not a server error. SQLite raises OverflowError for it, PostgreSQL a
    DataError ("out of range")."""
    detail = out_of_range_detail(oversized_numbers(request) or ["__all__"])
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(RecursionError)
def on_too_deep(request, exc):
    return api.create_response(
        request, {"detail": "请求体嵌套层数过多，无法解析"}, status=400
    )


@api.exception_handler(NotInScope)
def on_not_in_scope(request, exc):
    return api.create_response(
        request, {"detail": "不存在或不在您的管辖范围内"}, status=404
    )


@api.exception_handler(Http404)
def on_404(request, exc):
    return api.create_response(request, {"detail": "不存在"}, status=404)


api.add_router("/v1/auth", auth_router)
api.add_router("/v1/regions", regions_router)
api.add_router("/v1/elders", elders_router)
api.add_router("/v1", facilities_router)
api.add_router("/v1/assessments", assessments_router)
api.add_router("/v1/imports", imports_router)
api.add_router("/v1/benefits", benefits_router)
api.add_router("/v1", alarms_router)
api.add_router("/v1/homecare", homecare_router)
api.add_router("/v1/indicators", indicators_router)
api.add_router("/v1/supervision", supervision_router)


def api_urls() -> tuple[list, str, str]:
    """`api.urls` with each router's paths grouped under its prefix (core.urls)."""
    patterns, app_name, namespace = api.urls
    return grouped_by_prefix(patterns), app_name, namespace
