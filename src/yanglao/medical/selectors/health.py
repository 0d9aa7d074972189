"""Reads of the health system's rosters: coverage of 65+ by health records (建立健康档案, Litong),
annual checks and 中医药健康管理 (Shaoyang: ≥ 74% by 2027) per region, with who is not covered;
a person's family-doctor contracts and 家庭病床. Scope: the reader's region subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from yanglao.core.errors import NotInScope
from yanglao.elders.models import Elder
from yanglao.elders.selectors import birth_range_for_ages, elder_scope_q, on_register_q
from yanglao.medical.models import FamilyDoctorContract, HealthService, HomeBed
from yanglao.regions.models import Region

AGE_FROM = 65  # 65周岁及以上 (Litong, Shaoyang)


def year_end(year: int, today: dt.date) -> dt.date:
    """The day a year's coverage is read on: 31 December, or today for the current year."""
    return min(dt.date(year, 12, 31), today)


def aged_65_q(end: dt.date) -> Q:
    return on_register_q(end) & birth_range_for_ages(AGE_FROM, None, end)


def served_q(year: int, kind: str) -> Q:
    return Q(
        Exists(HealthService.objects.filter(elder=OuterRef("pk"), year=year, kind=kind))
    )


@dataclass(frozen=True)
class CoverageRow:
    region: Region
    people: int
    record: int
    checkup: int
    tcm: int

    def rate(self, part: int) -> float | None:
        return round(100 * part / self.people, 1) if self.people else None

    @property
    def record_rate(self):
        return self.rate(self.record)

    @property
    def tcm_rate(self):
        return self.rate(self.tcm)

    @property
    def checkup_rate(self):
        return self.rate(self.checkup)


def coverage_by_region(
    *, by, base: Region, year: int, today: dt.date
) -> list[CoverageRow]:
    """One row per child region of `base` (and `base` itself as the total, first)."""
    end = year_end(year, today)
    people = Elder.objects.filter(
        elder_scope_q(by), aged_65_q(end), residence_region__path__startswith=base.path
    )
    counts = people.values("residence_region_id").annotate(
        n=Count("pk"),
        record=Count("pk", filter=served_q(year, HealthService.Kind.RECORD)),
        checkup=Count("pk", filter=served_q(year, HealthService.Kind.CHECKUP)),
        tcm=Count("pk", filter=served_q(year, HealthService.Kind.TCM)),
    )
    paths = dict(
        Region.objects.filter(path__startswith=base.path).values_list("pk", "path")
    )
    children = list(Region.objects.filter(parent=base).order_by("code"))
    sums = {r.pk: [0, 0, 0, 0] for r in [base, *children]}
    for row in counts.order_by():
        path = paths.get(row["residence_region_id"], "")
        for target in [base, *children]:
            if path.startswith(target.path):
                acc = sums[target.pk]
                acc[0] += row["n"]
                acc[1] += row["record"]
                acc[2] += row["checkup"]
                acc[3] += row["tcm"]
    return [CoverageRow(r, *sums[r.pk]) for r in [base, *children]]


def uncovered(
    *, by, base: Region, year: int, kind: str, today: dt.date, q: str = ""
) -> QuerySet[Elder]:
    """The 65+ people of `base` with no such service in the year (the list a clinic works from)."""
    end = year_end(year, today)
    people = (
        Elder.objects.filter(
            elder_scope_q(by),
            aged_65_q(end),
            residence_region__path__startswith=base.path,
        )
        .exclude(served_q(year, kind))
        .select_related("residence_region")
        .order_by("residence_region__code", "name_order")
    )
    if q.strip():
        people = people.filter(name__contains=q.strip()[:20])
    return people


def family_contracts_of(elder) -> list[FamilyDoctorContract]:
    return list(
        FamilyDoctorContract.objects.filter(elder=elder)
        .select_related("institution")
        .order_by("-starts_on")[:10]
    )


def home_beds_of(elder) -> list[HomeBed]:
    return list(
        HomeBed.objects.filter(elder=elder)
        .select_related("institution")
        .order_by("-opened_on")[:10]
    )


def health_services_of(elder) -> list[HealthService]:
    return list(
        HealthService.objects.filter(elder=elder).order_by("-year", "kind")[:30]
    )


def open_home_bed_ids() -> set[int]:
    """People with a 家庭病床 open today (the visit roster counts them apart)."""
    qs = HomeBed.objects.filter(closed_on__isnull=True)
    return set(qs.values_list("elder_id", flat=True))


def home_bed_get(*, by, pk) -> HomeBed:
    found = (
        HomeBed.objects.filter(elder__in=Elder.objects.filter(elder_scope_q(by)), pk=pk)
        .select_related("elder", "institution")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def family_contract_get(*, by, pk) -> FamilyDoctorContract:
    found = (
        FamilyDoctorContract.objects.filter(
            elder__in=Elder.objects.filter(elder_scope_q(by)), pk=pk
        )
        .select_related("elder", "institution")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found
