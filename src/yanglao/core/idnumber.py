"""居民身份证号码 (GB 11643-1999): validation, birth date and sex.

Pure module: no Django import, so the importer, the forms and the demo generator share one rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yanglao.core.digits import ascii_digits

# GB 11643-1999 / ISO 7064 MOD 11-2: weights of the first 17 digits and the check character
# for each remainder 0..10.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ValueError):
    """The number is not a valid 18-character identity number; `reason` is Chinese for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def address_code(self) -> str:
        return self.value[:6]


def check_char(first17: str) -> str:
    """The check character for 17 digits (GB 11643-1999 §7)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    """Strip spaces and full-width characters users paste from spreadsheets; upper-case the x."""
    table = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")
    return raw.strip().replace(" ", "").translate(table).upper()


def parse(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate an 18-character identity number and read birth date and sex from it.

    Raises InvalidIdNumber naming the reason: length, characters, birth date, or check character.
    """
    value = normalize(raw)
    if len(value) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，实际为{len(value)}位")
    if not ascii_digits(value[:17]) or not (
        ascii_digits(value[17]) or value[17] == "X"
    ):
        raise InvalidIdNumber("身份证号前17位应为数字，末位为数字或X")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号中的出生日期不存在") from None
    today = today or dt.date.today()
    if birth > today:
        raise InvalidIdNumber("身份证号中的出生日期在未来")
    if birth.year < 1880:
        raise InvalidIdNumber("身份证号中的出生日期早于1880年")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise InvalidIdNumber(f"身份证号校验码错误（末位应为{expected}）")
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, sex=sex)


def make(address_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number; `sequence` 0..999, odd for men (used by the demo and tests)."""
    first17 = f"{address_code[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def mask(value: str) -> str:
    """3602**********1234: keep the first four and last four characters (display rule)."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a date (a birthday counts on the day itself)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
