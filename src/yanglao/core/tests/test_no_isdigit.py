"""`str.isdigit()` accepts "³", which `int()` refuses: the platform checks numbers with
core.digits.ascii_digits (issue 20, finding 11: "?q=³" was a server error)."""

import re
from pathlib import Path

from yanglao.core.digits import ascii_digits

ROOT = Path(__file__).resolve().parents[2]


def test_no_source_uses_isdigit():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and path.name != "digits.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.isdigit\(\)", line)
    ]
    assert found == []


def test_ascii_digits_takes_only_0_to_9():
    assert ascii_digits("0123456789")
    for text in ("", "³", "²³", "١٢٣", "１２３", "12a", " 12", "-1"):
        assert not ascii_digits(text), text
