"""一人一档: the older person's page brings together what every app holds about them.

elders is a lower app: it cannot name the tables of assessments, benefits, home care, visits,
alarms or facilities. Each of those apps registers a section here in its AppConfig.ready(), and reads
its own records through its own selectors under the viewer's scope (issue 21 §4)."""

from __future__ import annotations

from yanglao.core.sections import SHOWN, Record, Section, SectionRegistry

__all__ = ["SHOWN", "Record", "Section", "person_sections", "register_person_section"]

_PERSON = SectionRegistry()


def register_person_section(order: int, reader) -> None:
    """`reader(by, elder)` returns the section, or None when the viewer's role has no business with
    that kind of record (its app's permission predicate says so)."""
    _PERSON.register(order, reader)


def person_sections(*, by, elder) -> list[Section]:
    """The sections of a person the viewer reached through elders.selectors (so: in scope)."""
    return _PERSON.sections(by=by, obj=elder)
