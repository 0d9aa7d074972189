"""Reads of 探访关爱, scoped: a visitor's own list in walking order, an entry, the community's
follow-up inbox, and 月探访率 / 帮扶率 for every region at a level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from yanglao.core import permissions
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q
from yanglao.visits import rules
from yanglao.visits.models import FollowUp, RosterEntry, Visit


def my_list(*, by, month: dt.date) -> list[RosterEntry]:
    """The visitor's people this month, in walking order."""
    entries = list(
        RosterEntry.objects.filter(month=month, visitor=by)
        .select_related("elder", "region")
        .prefetch_related("elder__contacts")
    )
    order = rules.walking_order([(e.pk, e.elder.lat, e.elder.lng) for e in entries])
    by_id = {e.pk: e for e in entries}
    return [by_id[i] for i in order]


def entry_scope_q(by) -> Q:
    if sees_everything(by):
        return Q()
    if permissions.is_community_worker(by):
        return Q(visitor=by) | in_scope_q(by, "region")
    if permissions.acts_for_region(by):
        return in_scope_q(by, "region")
    return Q(pk__in=[])


def entry_get(*, by, pk: int) -> RosterEntry:
    entry = (
        RosterEntry.objects.filter(entry_scope_q(by), pk=pk)
        .select_related("elder", "region", "visitor")
        .prefetch_related("elder__contacts")
        .first()
    )
    if entry is None:
        raise NotInScope(pk)
    return entry


def last_visit(entry: RosterEntry):
    return entry.elder.visits.order_by("-visited_at").first()


def follow_ups(*, by, status: str = "open") -> QuerySet[FollowUp]:
    qs = FollowUp.objects.select_related("elder", "region", "visit__visitor")
    if not sees_everything(by):
        qs = qs.filter(in_scope_q(by, "region"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def follow_up_get(*, by, pk: int) -> FollowUp:
    found = follow_ups(by=by, status="").filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


@dataclass
class RateRow:
    region: Region
    rostered: int
    visited: int
    rural_disabled: int
    rural_disabled_visited: int
    unassigned: int
    home_bed: int = (
        0  # of the rostered, people with a 家庭病床 (the medical team visits too)
    )

    @property
    def rate(self) -> float | None:
        return self.visited / self.rostered if self.rostered else None

    @property
    def help_rate(self) -> float | None:
        return (
            self.rural_disabled_visited / self.rural_disabled
            if self.rural_disabled
            else None
        )


def rates(*, by, month: dt.date, level: int) -> list[RateRow]:
    """月探访率 (and 农村失能老人帮扶率: rural 失能 people visited as required) for every region of
    `level` in the user's area: one aggregate by community, rolled up along the region paths."""
    per_village = (
        RosterEntry.objects.filter(month=month)
        .filter(
            entry_scope_q(by)
            if not permissions.is_community_worker(by)
            else in_scope_q(by, "region")
        )
        .values("region_id")
        .annotate(
            rostered=Count("pk"),
            visited=Count("pk", filter=Q(visits_done__gte=F("visits_required"))),
            rural=Count("pk", filter=Q(rural_disabled=True)),
            rural_visited=Count(
                "pk",
                filter=Q(rural_disabled=True, visits_done__gte=F("visits_required")),
            ),
            unassigned=Count("pk", filter=Q(visitor__isnull=True)),
            home_bed=Count("pk", filter=Q(home_bed=True)),
        )
    )
    paths = dict(Region.objects.values_list("pk", "path"))
    targets = [
        r
        for r in Region.objects.filter(level=level).order_by("code")
        if region_path_allowed(by, r.path)
    ]
    rows = {r.path: RateRow(r, 0, 0, 0, 0, 0) for r in targets}
    for item in per_village:
        path = paths.get(item["region_id"], "")
        parts = path.split("/")
        key = "/".join(parts[:level]) + "/"
        row = rows.get(key)
        if row is None:
            continue
        row.rostered += item["rostered"]
        row.visited += item["visited"] or 0
        row.rural_disabled += item["rural"]
        row.rural_disabled_visited += item["rural_visited"]
        row.unassigned += item["unassigned"]
        row.home_bed += item["home_bed"]
    return list(rows.values())


def overdue(*, by, month: dt.date) -> QuerySet[RosterEntry]:
    """People not yet visited as required this month."""
    return (
        RosterEntry.objects.filter(
            entry_scope_q(by), month=month, visits_done__lt=F("visits_required")
        )
        .select_related("elder", "region", "visitor")
        .order_by("region__code", "elder__name")
    )


def workload(*, by, month: dt.date) -> list[dict]:
    """Visitors in the user's area this month: people assigned, done, left."""
    qs = RosterEntry.objects.filter(month=month, visitor__isnull=False)
    if not sees_everything(by):
        qs = qs.filter(in_scope_q(by, "region"))
    rows = (
        qs.values("visitor_id", "visitor__full_name", "visitor__username")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=Q(visits_done__gte=F("visits_required"))),
        )
        .order_by("-assigned")[:200]
    )
    return [r | {"left": r["assigned"] - r["done"]} for r in rows]


def plan_entries(
    *, by, month: dt.date, unassigned: bool = False
) -> QuerySet[RosterEntry]:
    qs = RosterEntry.objects.filter(entry_scope_q(by), month=month)
    if unassigned:
        qs = qs.filter(visitor__isnull=True)
    return qs.select_related("elder", "region", "visitor").order_by(
        "region__code", "elder__name", "pk"
    )


def visitors_for(*, by) -> list:
    """Community workers in the user's area (who may be given visits there)."""
    from yanglao.accounts.models import User

    qs = User.objects.filter(
        role="community", is_active=True, region__isnull=False
    ).select_related("region")
    if not sees_everything(by):
        qs = qs.filter(in_scope_q(by, "region"))
    return list(qs.order_by("region__code", "full_name")[:2000])


def visit_get(*, by, pk: int) -> Visit:
    visit = Visit.objects.filter(pk=pk).select_related("entry").first()
    if (
        visit is None
        or not RosterEntry.objects.filter(entry_scope_q(by), pk=visit.entry_id).exists()
    ):
        raise NotInScope(pk)
    return visit


def unvisited_points(
    *, by, month: dt.date, limit: int = 5000
) -> list[tuple[float, float]]:
    """Home coordinates of people not yet visited as required this month (for the dot map)."""
    located = overdue(by=by, month=month).filter(elder__lat__isnull=False)
    return list(located.values_list("elder__lat", "elder__lng")[:limit])


def person_visits(*, by, elder) -> tuple[QuerySet[Visit], bool]:
    """A person's visits under the viewer's rule, newest first, and whether the person is on any
    of the viewer's rosters (the person's page, 一人一档)."""
    entries = RosterEntry.objects.filter(entry_scope_q(by), elder=elder)
    visits = Visit.objects.filter(entry__in=entries).select_related("visitor")
    return visits.order_by("-visited_at"), entries.exists()
