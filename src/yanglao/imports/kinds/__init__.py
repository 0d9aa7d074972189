"""The kinds of file the platform imports, by name (`yanglao import KIND FILE`)."""

from __future__ import annotations

from yanglao.imports.kinds.base import Kind
from yanglao.imports.kinds.elders import EldersKind

KINDS: dict[str, type[Kind]] = {k.name: k for k in (EldersKind,)}


def kind_for(name: str) -> Kind:
    return KINDS[name]()
