"""Reads of 居家适老化改造. Scope: region staff see the projects of their subtree (the leader
read-only); an assessor the projects they are sent to; a contractor's provider administrator the
projects it builds. Anything else is 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import Provider
from yanglao.homecare.selectors import provider_of
from yanglao.homesupport import modification as rules
from yanglao.homesupport.models import (
    ModificationProject,
    ModificationQuota,
    PriceItem,
    ProjectPhoto,
)
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q
from yanglao.visits.models import FollowUp

# The item programme (按事项) of the benefits engine whose conditions decide who may apply and
# whose amount rule gives the subsidy's share and ceiling per household.
MODIFICATION_PROGRAMME = "shilaohua"
# Visit findings a modification answers (visits.services.FINDINGS).
MODIFICATION_FINDINGS = ("跌倒风险", "居住环境不安全")
# JDZ-5 counts from the start of the 十四五 plan.
CUMULATIVE_FROM_YEAR = 2021


def _scope_q(by) -> Q:
    if permissions.works_by_region(by):
        return in_scope_q(by, "region")
    if permissions.is_assessor(by):
        return Q(assessor=by)
    if permissions.acts_for_provider(by):
        mine = provider_of(by)
        return Q(contractor=mine) if mine else Q(pk__in=[])
    return Q(pk__in=[])


@dataclass
class ProjectFilter:
    q: str = ""
    state: str = ""
    year: int | None = None
    region: str = ""  # a region code of the reader's subtree
    source: str = ""


def project_list(*, by, filters: ProjectFilter | None = None) -> QuerySet:
    f = filters or ProjectFilter()
    rows = ModificationProject.objects.filter(_scope_q(by)).select_related(
        "elder", "region", "contractor"
    )
    if f.q:
        text = f.q.strip().upper()
        number = text[3:] if text.startswith("SLH") else ""
        q = Q(elder__name__icontains=f.q.strip())
        if ascii_digits(number) and len(number) > 4:
            q |= Q(pk=int(number[4:]))
        rows = rows.filter(q)
    if f.state:
        rows = rows.filter(state=f.state)
    if f.year:
        rows = rows.filter(year=f.year)
    if f.source:
        rows = rows.filter(source=f.source)
    if f.region:
        rows = rows.filter(region__code__startswith=f.region)
    return rows.order_by("-applied_at", "-pk")


def project_get(*, by, pk: int) -> ModificationProject:
    found = (
        ModificationProject.objects.filter(_scope_q(by), pk=pk)
        .select_related(
            "elder", "region", "contractor", "assessor", "applied_by", "accepted_by"
        )
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def photo_get(*, by, pk: int) -> ProjectPhoto:
    photo = ProjectPhoto.objects.filter(pk=pk).select_related("project").first()
    if photo is None:
        raise NotInScope(pk)
    project_get(by=by, pk=photo.project_id)
    return photo


def checklist_for(region: Region) -> list:
    """The checklist and prices that apply in `region`: the price list of the nearest region
    above it (itself included) that has one, else the national list without prices."""
    ancestors = [region.path[: i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    lists = (
        PriceItem.objects.filter(region__path__in=ancestors, active=True)
        .select_related("region")
        .order_by("code")
    )
    by_region: dict[str, list[PriceItem]] = {}
    for item in lists:
        by_region.setdefault(item.region.path, []).append(item)
    if by_region:
        return by_region[max(by_region, key=len)]
    return [
        PriceItem(
            code=i.code,
            part=i.part,
            name=i.name,
            basic=i.basic,
            unit=i.unit,
            price_fen=0,
            device_type=i.device_type,
        )
        for i in rules.NATIONAL_ITEMS
    ]


def assesses(by, project: ModificationProject) -> bool:
    """Whether `by` may do the project's home assessment: the assessor sent there, or area staff
    who assess homes (one rule for the service and the page's button)."""
    if not permissions.may_assess_homes(by):
        return False
    if permissions.is_assessor(by):
        return project.assessor_id == by.pk
    return region_path_allowed(by, project.region.path)


def builds(by, project: ModificationProject) -> bool:
    """Whether `by` is the administrator of the project's contractor."""
    if not permissions.may_complete_modifications(by) or project.contractor_id is None:
        return False
    mine = provider_of(by)
    return mine is not None and mine.pk == project.contractor_id


def assessors() -> QuerySet:
    """The assessor accounts a project can be sent to."""
    from yanglao.accounts.models import User

    return User.objects.filter(role=permissions.Role.ASSESSOR, is_active=True).order_by(
        "full_name", "username"
    )


def subsidy_claim_of(project: ModificationProject):
    """The benefits claim an accepted project's subsidy became, with the cycles that took it."""
    from yanglao.benefits.models import Claim

    return (
        Claim.objects.filter(source=f"homesupport.modification:{project.pk}")
        .prefetch_related("entitlements__cycle")
        .first()
    )


def contractors_for(region: Region) -> QuerySet:
    """The providers that may build a project in `region`: those of the same city (市级 bidding
    picks the firms; a firm registered in one county works across the city)."""
    city = "/".join(region.path.split("/")[:2]) + "/"
    return Provider.objects.filter(region__path__startswith=city).order_by("name")


def modifications_of(elder) -> QuerySet:
    return ModificationProject.objects.filter(elder=elder).order_by("-applied_at")


def visit_findings(*, by) -> QuerySet:
    """Open visit findings about the home (跌倒风险, 居住环境不安全) in the reader's area whose
    person has no open modification project: the worklist a community worker files from."""
    open_projects = ModificationProject.objects.exclude(
        state__in=[rules.State.ACCEPTED, rules.State.WITHDRAWN]
    ).values("elder_id")
    return (
        FollowUp.objects.filter(
            in_scope_q(by, "region"),
            status=FollowUp.Status.OPEN,
            finding__in=MODIFICATION_FINDINGS,
        )
        .exclude(elder_id__in=open_projects)
        .select_related("elder", "region", "visit")
        .order_by("created_at")
    )


@dataclass
class Progress:
    region: Region
    quota: int | None
    accepted: int
    open: int
    cumulative: int

    @property
    def share(self) -> float | None:
        return self.accepted / self.quota if self.quota else None


def progress_by_region(*, by, year: int, region: Region) -> list[Progress]:
    """The year's task (年度任务), households accepted this year, projects under way, and the
    cumulative accepted since 2021, for `region` and each region directly below it."""
    rows = [region, *Region.objects.filter(parent=region).order_by("code")]
    projects = ModificationProject.objects.filter(region__path__startswith=region.path)
    counts = list(
        projects.values("region__path").annotate(
            accepted=Count(
                "pk", filter=Q(state=rules.State.ACCEPTED, accepted_on__year=year)
            ),
            open=Count(
                "pk",
                filter=~Q(state__in=[rules.State.ACCEPTED, rules.State.WITHDRAWN]),
            ),
            cumulative=Count(
                "pk",
                filter=Q(
                    state=rules.State.ACCEPTED,
                    accepted_on__year__gte=CUMULATIVE_FROM_YEAR,
                ),
            ),
        )
    )
    quotas = dict(
        ModificationQuota.objects.filter(year=year, region__in=rows).values_list(
            "region_id", "households"
        )
    )
    out = []
    for r in rows:
        under = [c for c in counts if c["region__path"].startswith(r.path)]
        out.append(
            Progress(
                region=r,
                quota=quotas.get(r.pk),
                accepted=sum(c["accepted"] for c in under),
                open=sum(c["open"] for c in under),
                cumulative=sum(c["cumulative"] for c in under),
            )
        )
    return out
