"""{{ fen|yuan }}: integer 分 shown as 元 (e.g. 12,345.00元)."""

from django import template

from yanglao.core.money import fen_to_yuan_text

register = template.Library()


@register.filter
def yuan(fen) -> str:
    return "" if fen in (None, "") else fen_to_yuan_text(int(fen))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def yuan_plain(fen) -> str:
    """分 as a plain amount for an input field: 12345 → "123.45"."""
    return "" if fen in (None, "") else f"{int(fen) // 100}.{int(fen) % 100:02d}"
