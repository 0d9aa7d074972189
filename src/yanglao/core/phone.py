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
