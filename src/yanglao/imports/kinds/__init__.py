"""The kinds of file the platform imports, by name (`yanglao import KIND FILE`)."""

from __future__ import annotations

from yanglao.imports.kinds.base import Kind
from yanglao.imports.kinds.categories import CategoriesKind
from yanglao.imports.kinds.elders import EldersKind
from yanglao.imports.kinds.events import EventsKind
from yanglao.imports.kinds.facilities import BedsKind, FacilitiesKind, StaffKind
from yanglao.imports.kinds.health import HealthRosterKind
from yanglao.imports.kinds.medical import MedicalInstitutionsKind
from yanglao.imports.kinds.regions import RegionsKind

KINDS: dict[str, type[Kind]] = {
    k.name: k
    for k in (
        EldersKind,
        CategoriesKind,
        EventsKind,
        FacilitiesKind,
        BedsKind,
        StaffKind,
        RegionsKind,
        MedicalInstitutionsKind,
        HealthRosterKind,
    )
}


def kind_for(name: str) -> Kind:
    return KINDS[name]()
