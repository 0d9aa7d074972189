"""Small helpers shared by every app's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render

from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.export import FORMATS, export_response
from yanglao.core.pagination import page_of


def require(allowed: bool) -> None:
    """A page the user's role has no business with (a form for the read-only leader, the bank
    file for a street clerk): 403 with the Chinese page. `allowed` is a core.permissions
    predicate's answer; where the object itself is out of scope the selector answers 404."""
    if not allowed:
        raise PermissionDenied("您的角色没有此项操作的权限")


def found_or_404(get, **kw):
    """A selector's object, or 404 when it is outside the user's scope (NotInScope)."""
    try:
        return get(**kw)
    except NotInScope:
        raise Http404 from None


def add_service_errors(
    form: forms.Form, exc: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's refusal onto the form: each reason under its field, the rest on top."""
    aliases = aliases or {}
    for key, reason in exc.errors.items():
        field = aliases.get(key, key)
        form.add_error(field if field in form.fields else None, reason)


def flash_errors(request, exc: ValidationFailed) -> None:
    """A service's refusal as messages on the next page (for buttons without a form)."""
    for reason in exc.errors.values():
        messages.error(request, reason)


def save_form(
    request,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On a valid POST call the service with the cleaned data; on success flash a message and
    redirect, on refusal put the reasons on the form. Returns None when the form is to be shown."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationFailed as exc:
        add_service_errors(form, exc, aliases)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url(result) if callable(next_url) else next_url)


def form_page(
    request,
    form: forms.Form,
    *,
    heading: str,
    cancel_url: str,
    nav: str,
    intro: str = "",
) -> HttpResponse:
    context = {
        "nav": nav,
        "form": form,
        "heading": heading,
        "cancel_url": cancel_url,
        "intro": intro,
    }
    return render(request, "core/form_page.html", context)


def list_page(
    request,
    form: forms.Form,
    *,
    make_filter,
    select,
    template: str,
    nav: str,
    extra: Callable[[Any], dict] | None = None,
) -> HttpResponse:
    """The one list page: a GET filter form, a selector given the filters, a page of results.
    An invalid filter falls back to the unfiltered list (the form shows why). `extra` is given the
    whole filtered list and adds to the context (a map of every row, not only this page's)."""
    filters = make_filter(**form.cleaned_data) if form.is_valid() else make_filter()
    rows = select(by=request.user, filters=filters)
    page = page_of(rows, request.GET)
    context = {
        "nav": nav,
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request.GET),
        **(extra(rows) if extra else {}),
    }
    return render(request, template, context)


def querystring_without_page(params: QueryDict) -> str:
    """The current filters as a query string prefix, so pagination links keep them."""
    kept = params.copy()
    kept.pop("page", None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


def list_export(
    request,
    fmt: str,
    form: forms.Form,
    *,
    make_filter,
    rows: Callable[[Any], Any],
    name: str,
    header: list[str],
    what: str,
    full_pii: bool = False,
) -> HttpResponse:
    """The one list export: the list page's filter form and selector, as .xlsx or .csv. Unlike
    the page (which shows a wrong filter and falls back to the whole list), an export with a
    wrong filter is refused with the reasons — a clerk must not get the whole city by mistake."""
    if fmt not in FORMATS:
        raise Http404
    if form.is_bound and not form.is_valid():
        reasons = "；".join(
            f"{form.fields[k].label if k in form.fields else k}：{'、'.join(v)}"
            for k, v in form.errors.items()
        )
        return HttpResponseBadRequest(
            f"筛选条件有误，未导出：{reasons}", content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data if form.is_bound else {}
    return export_response(
        by=request.user,
        fmt=fmt,
        name=name,
        header=header,
        rows=rows(make_filter(**data)),
        what=what,
        filters=data,
        full_pii=full_pii,
    )


def report_bulk(request, outcome, verb: str, shown: int = 20) -> None:
    """A bulk action's summary, and each refused row with its reason (the first `shown`)."""
    if outcome.done or not outcome.refused:
        messages.success(request, outcome.summary(verb))
    for row, reason in outcome.refused[:shown]:
        messages.warning(request, f"{row}：{reason}")
    if len(outcome.refused) > shown:
        messages.warning(request, f"另有 {len(outcome.refused) - shown} 条未办理")
