"""The facility record's old free text — 签约医疗机构 (a name) and 内设医疗机构 (yes/no) — as a
worklist to turn into real records: the text has no term and the yes no 备案 date, so nothing is
converted by itself (that would invent dates); the bureau or the institution confirms each one
with its dates, and the row leaves the list. The directory's institution whose name matches the
old text is offered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yanglao.facilities.models import INSTITUTION_TYPES, Facility
from yanglao.facilities.selectors import facility_scope_q, open_on
from yanglao.medical.models import Contract, MedicalInstitution, MedicalUnit
from yanglao.medical.selectors.contracts import institutions_for_facility


@dataclass(frozen=True)
class LegacyRow:
    facility: Facility
    contract_text: str  # the old free text, when no contract was ever recorded
    match: MedicalInstitution | None  # the directory's institution of that name, if one
    unit_missing: bool  # the old yes/no said 有 and no unit is recorded


def legacy_worklist(*, by) -> list[LegacyRow]:
    today = timezone.localdate()
    no_contract = ~Exists(Contract.objects.filter(facility=OuterRef("pk")))
    no_unit = ~Exists(MedicalUnit.objects.filter(facility=OuterRef("pk")))
    homes = (
        Facility.objects.filter(
            facility_scope_q(by), open_on(today), type__in=INSTITUTION_TYPES
        )
        .filter(
            (~Q(contracted_hospital="") & no_contract)
            | (Q(has_medical_unit=True) & no_unit)
        )
        .annotate(without_contract=no_contract, without_unit=no_unit)
        .select_related("region")
        .order_by("region__code", "name")
    )
    rows = []
    for home in homes[:500]:
        text = home.contracted_hospital.strip() if home.without_contract else ""
        match = None
        if text:  # one the institution may contract with (its county or above), by name
            match = institutions_for_facility(home).filter(name=text).first()
        rows.append(
            LegacyRow(
                home, text, match, bool(home.has_medical_unit and home.without_unit)
            )
        )
    return rows
