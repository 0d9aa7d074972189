"""URL pattern helpers."""

from __future__ import annotations

from django.urls import URLPattern, include, path


def grouped_by_prefix(patterns: list[URLPattern]) -> list:
    """The same patterns, those under one literal two-segment prefix ("v1/homecare…") gathered
    into one `include`.

    Django tries a flat list in order: django-ninja lists every API path flat, so a request for
    one of the last routers' paths tried some 70 patterns first (about a tenth of an order
    step's work, bench/homecare.py). Grouped, it tries one prefix per router, then that router's
    paths. Prefixes are literal and distinct, so no URL can match two groups and the order of
    the groups does not matter; within a group the order is kept. Names (and so `reverse`) are
    unchanged: the includes add no namespace.
    """
    groups: dict[str, list[URLPattern]] = {}
    out: list = []
    for p in patterns:
        route = str(p.pattern)
        parts = route.split("/", 2)
        # "v1/elders" (the collection: API routes end without a slash) and "v1/elders/…" share
        # the group "v1/elders"; its inner routes are "" and "/…".
        prefix = f"{parts[0]}/{parts[1]}" if len(parts) >= 2 else ""
        if not prefix or "<" in prefix:
            out.append(p)
            continue
        if prefix not in groups:
            groups[prefix] = []
            out.append(prefix)
        groups[prefix].append(
            path(route.removeprefix(prefix), p.callback, p.default_args, name=p.name)
        )
    return [path(x, include(groups[x])) if isinstance(x, str) else x for x in out]
