from __future__ import annotations

from django.http import Http404

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
        if isinstance(exception, NotInScope):
            raise Http404("不存在或不在您的管辖范围内")
        return None
