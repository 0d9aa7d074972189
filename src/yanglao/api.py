"""The JSON API: /api/v1/…, OpenAPI documentation at /api/docs."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

from yanglao.accounts.api import BearerToken
from yanglao.accounts.api import router as auth_router
from yanglao.alarms.api import router as alarms_router
from yanglao.assessments.api import router as assessments_router
from yanglao.benefits.api import router as benefits_router
from yanglao.core.api import schema_error_detail
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.urls import grouped_by_prefix
from yanglao.elders.api import router as elders_router
from yanglao.facilities.api import router as facilities_router
from yanglao.homecare.api import router as homecare_router
from yanglao.imports.api import router as imports_router
from yanglao.regions.api import router as regions_router

api = NinjaAPI(
    title="养老服务综合信息平台 API",
    version="1",
    description="所有接口（令牌接口除外）需在请求头携带 `Authorization: Bearer <token>`。数据范围与网页一致：管辖范围外的对象返回 404。",
    auth=BearerToken(),
    urls_namespace="api",
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
    message = "请求体无法解析（应为 JSON）" if unparsable else exc.message
    return api.create_response(request, {"detail": message}, status=exc.status_code)


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


def api_urls() -> tuple[list, str, str]:
    """`api.urls` with each router's paths grouped under its prefix (core.urls)."""
    patterns, app_name, namespace = api.urls
    return grouped_by_prefix(patterns), app_name, namespace
