"""A template asks `may.<predicate>`; a name the context does not offer reads as nothing, so a
menu link or a button silently never shows (the 医养结合 menu, issue 24: found in Chromium). Every
`may.` name used in a template must be a predicate of core.permissions offered to templates."""

from __future__ import annotations

import re
from pathlib import Path

from yanglao.accounts.context_processors import TEMPLATE_PREDICATES
from yanglao.core import permissions

SRC = Path(__file__).resolve().parents[2]
ASKED = re.compile(r"\bmay\.(\w+)")


def test_every_may_name_in_a_template_is_offered():
    asked = {
        (name, str(path.relative_to(SRC)))
        for path in SRC.glob("*/templates/**/*.html")
        for name in ASKED.findall(path.read_text(encoding="utf-8"))
    }
    assert asked, "no template asks may.* — the pattern is wrong"
    missing = sorted(
        f"{path}: may.{name}" for name, path in asked if name not in TEMPLATE_PREDICATES
    )
    assert missing == []
    assert all(callable(getattr(permissions, n, None)) for n in TEMPLATE_PREDICATES)
