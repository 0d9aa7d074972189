"""Small helpers shared by every app's pages."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from yanglao.core.errors import ValidationFailed


def add_service_errors(
    form: forms.Form, exc: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's refusal onto the form: each reason under its field, the rest on top."""
    aliases = aliases or {}
    for key, reason in exc.errors.items():
        field = aliases.get(key, key)
        form.add_error(field if field in form.fields else None, reason)


def querystring_without_page(params: QueryDict) -> str:
    """The current filters as a query string prefix, so pagination links keep them."""
    kept = params.copy()
    kept.pop("page", None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""
