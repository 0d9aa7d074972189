"""The measures every app declares in its `measures.py` (core.measures), found by that name."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from yanglao.core.measures import Measure


@cache
def all_measures() -> dict[str, Measure]:
    found: dict[str, Measure] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.measures"
        if not config.name.startswith("yanglao.") or find_spec(name) is None:
            continue
        for measure in getattr(import_module(name), "MEASURES", ()):
            if measure.code in found:
                raise ValueError(f"measure {measure.code} declared twice")
            found[measure.code] = measure
    return found
