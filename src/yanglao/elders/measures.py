"""What can be counted over the register (core.measures): the older people on it at a period's
end, those aged 80+, and those whose ability is moderately impaired or worse (level ≥ 2)."""

from __future__ import annotations

from django.db.models import Q

from yanglao.core.measures import Measure
from yanglao.elders.selectors import (
    birth_range_for_ages,
    on_register_q,
    people_counted_by_region,
)


def _count(extra):
    return lambda start, end: people_counted_by_region(on_register_q(end) & extra(end))


MEASURES = (
    Measure("elders.registered", "在册老年人数", "人", _count(lambda end: Q())),
    Measure(
        "elders.aged_80",
        "80周岁及以上在册老年人数",
        "人",
        _count(lambda end: birth_range_for_ages(80, None, end)),
    ),
    Measure(
        "elders.dependent",
        "中度及以上失能（能力等级2级及以上）在册老年人数",
        "人",
        _count(lambda end: Q(ability_level__gte=2)),
    ),
)
