"""Whether text is a plain number. Pure (no Django import).

`str.isdigit()` is also true for "³", "²³" and other digits that `int()` refuses ("?q=³" was a
server error, issue 20); every check for "a number typed by a person or sent by a client" uses
`ascii_digits` instead (core/tests/test_no_isdigit.py keeps it so).
"""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0–9 only."""
    return text.isascii() and text.isdigit()
