"""STYLE.md: ruff format's layout is accepted as it is. A formatter suppression comment (fmt, then a
colon, then skip or off) keeping a hand layout fails here, naming the file and line."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
SUPPRESSION = re.compile(r"#\s*fmt:\s*(skip|off)\b")


def test_no_source_keeps_a_hand_layout():
    found = []
    for folder in ("src", "bench", "tests"):
        for path in (REPO / folder).rglob("*.py"):
            if path == Path(__file__):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if SUPPRESSION.search(line):
                    found.append(f"{path.relative_to(REPO)}:{number}")
    assert found == [], "\n".join(found)
