"""The API's paths grouped by prefix resolve and reverse exactly as django-ninja's flat list."""

from __future__ import annotations

import re

from django.urls import URLResolver, resolve, reverse

from yanglao.api import api, api_urls
from yanglao.core.urls import grouped_by_prefix


def _sample(route: str) -> tuple[str, dict]:
    """A concrete path for a route, and the keyword arguments it captures."""
    kwargs = {}

    def fill(m):
        conv, name = (m.group(1) or "str"), m.group(2)
        kwargs[name] = 7 if conv == "int" else "x7"
        return str(kwargs[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, route), kwargs


def test_every_api_path_resolves_and_reverses_as_before():
    flat, _, namespace = api.urls
    assert len(flat) > 50
    seen = set()
    for p in flat:
        route = str(p.pattern)
        if (
            route in seen
        ):  # the same path for another method: the first pattern serves both
            continue
        seen.add(route)
        path, kwargs = _sample(route)
        match = resolve(f"/api/{path}")
        assert (match.url_name, match.route, match.kwargs) == (
            p.name,
            f"api/{route}",
            kwargs,
        )
        assert reverse(f"{namespace}:{p.name}", kwargs=kwargs) == f"/api/{path}"


def test_a_router_is_one_group_and_a_lone_path_stays_flat():
    grouped, _, _ = api_urls()
    prefixes = [str(p.pattern) for p in grouped if isinstance(p, URLResolver)]
    assert "v1/homecare" in prefixes
    assert "v1/elders" in prefixes
    assert len(prefixes) == len(set(prefixes))
    assert len(grouped) < 30  # tried before an order step's path: was ~70
    assert grouped_by_prefix([]) == []
