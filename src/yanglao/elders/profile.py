"""一人一档: the older person's page brings together what every app holds about them.

elders is a lower app: it cannot name the tables of assessments, benefits, home care, visits,
alarms or facilities. Each of those apps registers a section here in its AppConfig.ready(), and reads
its own records through its own selectors under the viewer's scope (issue 21 §4)."""

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


SectionReader = Callable[[Any, Any], "Section | None"]
_READERS: list[tuple[int, SectionReader]] = []


def register_person_section(order: int, reader: SectionReader) -> None:
    """`reader(by, elder)` returns the section, or None when the viewer's role has no business with
    that kind of record (its app's permission predicate says so)."""
    if all(r is not reader for _o, r in _READERS):
        _READERS.append((order, reader))
        _READERS.sort(key=lambda item: item[0])


def person_sections(*, by, elder) -> list[Section]:
    """The sections of a person the viewer reached through elders.selectors (so: in scope)."""
    sections = []
    for _order, reader in _READERS:
        section = reader(by, elder)
        if section is not None:
            section.records = section.records[:SHOWN]
            sections.append(section)
    return sections
