"""Money is integer fen (分); these helpers format it for people (元)."""

from __future__ import annotations

from yanglao.core.digits import ascii_digits


def fen_to_yuan_text(fen: int) -> str:
    """12345 → '123.45元'; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}元"


def yuan_text_to_fen(text: str) -> int:
    """'123.45' or '123.45元' → 12345; raises ValueError for anything with more than 2 decimals."""
    cleaned = text.strip().removesuffix("元").replace(",", "")
    if not cleaned:
        raise ValueError("金额为空")
    negative = cleaned.startswith("-")
    whole, _, frac = cleaned.lstrip("-").partition(".")
    if not ascii_digits(whole) or (frac and not ascii_digits(frac)) or len(frac) > 2:
        raise ValueError(f"金额格式不正确：{text}")
    fen = int(whole) * 100 + int((frac + "00")[:2])
    return -fen if negative else fen
