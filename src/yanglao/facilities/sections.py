"""一院一档: the institution's page gathers what the apps above facilities hold about it (grading,
evaluation, credit, inspections from supervision). Each registers a reader in its ready()."""

from __future__ import annotations

from yanglao.core.sections import Section, SectionRegistry

_FACILITY = SectionRegistry()


def register_facility_section(order: int, reader) -> None:
    """`reader(by, facility)` returns the section, or None for a viewer with no business there."""
    _FACILITY.register(order, reader)


def facility_sections(*, by, facility) -> list[Section]:
    return _FACILITY.sections(by=by, obj=facility)
