"""Sections a record's page gathers from the apps above the record's own (一人一档, 一院一档).

A lower app cannot name the tables of the apps above it. Each of those registers a reader here in
its AppConfig.ready(); the reader reads its own records through its own selectors under the
viewer's scope, and returns a Section, or None when the viewer's role has no business with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SHOWN = 5  # records shown per section; the section's own page has the rest


@dataclass
class Record:
    when: dt.date | dt.datetime | None
    text: str
    status: str = ""
    url: str = ""


@dataclass
class Section:
    key: str
    title: str
    count: int
    records: list[Record] = field(default_factory=list)
    more_url: str = ""  # the section's own page (all records)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    empty: str = "无记录。"
    summary: str = ""  # one line above the records (e.g. a grade, a credit level)


SectionReader = Callable[[Any, Any], "Section | None"]


class SectionRegistry:
    def __init__(self) -> None:
        self._readers: list[tuple[int, SectionReader]] = []

    def register(self, order: int, reader: SectionReader) -> None:
        """`reader(by, obj)` returns the section, or None for a viewer with no business there."""
        if all(r is not reader for _o, r in self._readers):
            self._readers.append((order, reader))
            self._readers.sort(key=lambda item: item[0])

    def sections(self, *, by, obj) -> list[Section]:
        """The sections of an object the viewer reached through its app's selectors (in scope)."""
        found = []
        for _order, reader in self._readers:
            section = reader(by, obj)
            if section is not None:
                section.records = section.records[:SHOWN]
                found.append(section)
        return found
