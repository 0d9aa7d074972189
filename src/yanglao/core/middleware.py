from __future__ import annotations

import secrets

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import translation

from yanglao.core.api import out_of_range_detail, oversized_numbers
from yanglao.core.audit import current_ip
from yanglao.core.errors import NotInScope


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class NotInScopeMiddleware:
    """An object outside the user's scope answers 404, exactly like a missing one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, NotInScope | OverflowError):
            # OverflowError: an id no row can have (2⁶³ or more) in a page's URL — missing too.
            raise Http404("不存在或不在您的管辖范围内")
        return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (issue 20, mechanism 9).

    Scripts, styles sheets, images, fetches and forms come from this server only (government
    intranets have no CDN, and nothing should call out). The two inline scripts (the console, the
    cycle's progress) carry the request's nonce; inline style attributes are still allowed
    ('unsafe-inline' for styles only: a style cannot run code). Pages may not be framed. The
    browser features: location (the carer's check-in) and camera (the service photo) for this
    site, nothing else. Map tiles may come from the configured tile source (core.tilemap).
    """

    PERMISSIONS = (
        "geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), "
        "interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", self.policy(request.csp_nonce)
        )
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        return response

    @staticmethod
    def policy(nonce: str) -> str:
        from yanglao.core.tilemap import tile_origins

        tiles = "".join(f" {origin}" for origin in tile_origins())
        return (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:{tiles}; "
            "connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )


def csp_nonce(request) -> dict:
    """The nonce an inline <script> must carry (templates: nonce="{{ csp_nonce }}")."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class OversizedNumbersMiddleware:
    """A number no column can hold (2⁶³ or more) in a URL, a query or a JSON body is refused
    before any view runs: 422 naming the field under /api/, 404 for a page's path (no such row).
    Without it SQLite raised OverflowError and PostgreSQL quietly compared it as a numeric — the
    same request answered 500 on one database and 404 or 200 on the other (issue 20)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        fields = oversized_numbers(request, view_kwargs)
        if not fields:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": out_of_range_detail(fields)}, status=422)
        if any(f in view_kwargs for f in fields):
            raise Http404("不存在或不在您的管辖范围内")
        return None


class ChineseFirstLocaleMiddleware:
    """The UI is in the language the user picked from settings.LANGUAGES (today only Simplified
    Chinese), never in the one the browser asks for.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs ship
    with English browsers; staff expect the policy's Chinese words whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
