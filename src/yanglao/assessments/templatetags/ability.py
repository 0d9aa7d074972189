from __future__ import annotations

from django import template

from yanglao.assessments.instrument import LEVEL_NAMES

register = template.Library()


@register.filter
def ability_level(level) -> str:
    """An elder's GB/T 42195-2022 level as people read it: "2级 · 能力中度受损（中度失能）"."""
    if level is None or level == "":
        return "未评估"
    return f"{level}级 · {LEVEL_NAMES.get(int(level), '')}"
