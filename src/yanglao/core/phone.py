"""Chinese phone numbers: 11-digit mobiles and landlines with area code (pure)."""

from __future__ import annotations

import re

from yanglao.core.digits import ascii_digits

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalize_phone(raw: str) -> str:
    """Remove spaces and a +86 prefix; raise ValueError with a Chinese reason if malformed."""
    value = raw.strip().replace(" ", "").replace("－", "-")
    if value.startswith("+86"):
        value = value[3:]
    if MOBILE.match(value) or LANDLINE.match(value):
        return value
    raise ValueError("电话号码格式不正确（应为11位手机号或带区号的固定电话）")


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; landlines keep area code and last 2 digits."""
    if len(value) == 11 and ascii_digits(value):
        return value[:3] + "****" + value[-4:]
    return value[:4] + "*" * max(len(value) - 6, 0) + value[-2:]


def normalize_landline(raw: str) -> str:
    """An organisation's public number: a fixed line with its area code. A mobile is refused, so
    that a person's own number never ends up on a page shown as an institution's."""
    value = raw.strip().replace(" ", "").replace("－", "-")
    if value.startswith("+86"):
        value = value[3:]
    if LANDLINE.match(value):
        return value
    if MOBILE.match(value):
        raise ValueError("值班电话应为带区号的固定电话，不填个人手机号")
    raise ValueError("电话号码格式不正确（应为带区号的固定电话，如 0798-8221234）")
