"""How a draw names an institution: the platform's registry code, until facilities keep their
统一社会信用代码 (STANDARDS.md, the draw method, step 1). Pure: no Django."""

from __future__ import annotations

from yanglao.core.digits import ascii_digits

PREFIX = "YL"


def object_code(facility_pk: int) -> str:
    return f"{PREFIX}{facility_pk:06d}"


def facility_pk_of(code: str) -> int | None:
    """The facility a registry code names, or None for a code that is not one."""
    digits = (code or "").removeprefix(PREFIX)
    if not code.startswith(PREFIX) or not ascii_digits(digits):
        return None
    return int(digits)
