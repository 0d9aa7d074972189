"""Every read of assessments, scoped to the acting user; and the one place other modules read an
older person's ability level (`ability_level_on`), never recomputing it (issue 4 §6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from yanglao.assessments.models import (
    GBT_42195,
    OPEN_STATUSES,
    Agency,
    Assessment,
    Assessor,
    Status,
    level_name,
)
from yanglao.core import permissions, pii
from yanglao.core.errors import NotInScope
from yanglao.core.idnumber import mask
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.core.search import name_prefix_q
from yanglao.elders.models import Elder, LifeEvent
from yanglao.elders.models import Status as ElderStatus
from yanglao.elders.selectors import (
    birth_range_for_ages,
    elder_scope_q,
    name_match_q,
)
from yanglao.regions.selectors import in_region_code_q, in_scope_q


def people_on_assessors_teams(user) -> QuerySet:
    """Ids of the people whose assessments the user's team carries out (elders' scope rule for
    评估员, registered in assessments.apps)."""
    return Assessment.objects.filter(team__assessor__user=user).values("elder_id")


def assessment_scope_q(by) -> Q:
    """Assessments a user may see: those of the older people they may see; an assessor only the
    ones whose team they sit on."""
    if sees_everything(by):
        return Q()
    if permissions.is_assessor(by):
        # A subquery, not a join: the list needs no DISTINCT (which made PostgreSQL and SQLite
        # sort every assessment of the city before the first page, 2 s at full scale).
        return Q(pk__in=Assessment.objects.filter(team__assessor__user=by).values("pk"))
    if permissions.acts_for_facility(by) or permissions.acts_for_provider(by):
        return Q(elder__in=Elder.objects.filter(elder_scope_q(by)).values("pk"))
    return in_scope_q(by, "elder__residence_region")


@dataclass
class AssessmentFilter:
    q: str = ""
    status: str = ""
    reason: str = ""
    region: str = ""
    agency: int | None = None
    standard: str = ""


def assessment_list(
    *, by, filters: AssessmentFilter | None = None
) -> QuerySet[Assessment]:
    f = filters or AssessmentFilter()
    qs = Assessment.objects.filter(assessment_scope_q(by))
    if f.q:
        qs = qs.filter(name_match_q(f.q.strip(), "elder"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.reason:
        qs = qs.filter(reason=f.reason)
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "elder__residence_region"))
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.standard:
        qs = qs.filter(standard=f.standard)
    return qs.select_related("elder__residence_region", "agency").order_by(
        "-applied_on", "-id"
    )


def assessment_get(*, by, pk: int) -> Assessment:
    found = (
        Assessment.objects.filter(assessment_scope_q(by), pk=pk)
        .select_related("elder__residence_region", "agency", "applied_by", "reviews")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def assessment_team(assessment: Assessment) -> list:
    return list(
        assessment.team.select_related("assessor__user", "assessor__agency").order_by(
            "assessor__user__full_name", "pk"
        )
    )


def team_member(assessment: Assessment, user):
    """The user's seat on the assessment's team, or None."""
    return (
        assessment.team.filter(assessor__user=user).select_related("assessor").first()
    )


@dataclass
class HistoryRow:
    assessment: Assessment
    change: str = ""  # "↑ 2 → 3", "↓", "" (first of its standard or unchanged)


def elder_assessments(*, by, elder_id: int) -> list[HistoryRow]:
    """A person's assessments over time, newest first, each with its level change against the
    previous completed one under the same standard."""
    if not Elder.objects.filter(elder_scope_q(by), pk=elder_id).exists():
        raise NotInScope(elder_id)
    rows = list(
        Assessment.objects.filter(assessment_scope_q(by), elder_id=elder_id)
        .select_related("agency")
        .order_by("assessed_on", "applied_on", "id")
    )
    previous: dict[str, int] = {}
    history = []
    for a in rows:
        change = ""
        if a.status == Status.COMPLETED and a.final_level is not None:
            before = previous.get(a.standard)
            if before is not None and before != a.final_level:
                arrow = "↑" if a.final_level > before else "↓"
                change = f"{arrow} {before} → {a.final_level}"
            previous[a.standard] = a.final_level
        history.append(HistoryRow(a, change))
    history.reverse()
    return history


# --- the level other modules read -----------------------------------------------------------------


@dataclass(frozen=True)
class AbilityLevel:
    level: int
    name: str
    standard: str
    assessed_on: dt.date
    valid_until: dt.date | None
    assessment_id: int

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day < self.valid_until


def _completed_by(day: dt.date) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        status=Status.COMPLETED, assessed_on__lte=day, final_level__isnull=False
    )


def ability_level_on(
    elder_id: int, day: dt.date, *, standard: str = GBT_42195
) -> AbilityLevel | None:
    """The older person's ability level on `day`: the latest completed result made on or before it
    (under GB/T 42195-2022 unless asked otherwise), with its validity. Unscoped: a system read for
    benefits, home care and visits, which have already checked their own scope."""
    a = (
        _completed_by(day)
        .filter(elder_id=elder_id, standard=standard)
        .order_by("-assessed_on", "-id")
        .first()
    )
    return _as_level(a) if a else None


def ability_levels_on(
    elder_ids, day: dt.date, *, standard: str = GBT_42195
) -> dict[int, AbilityLevel]:
    """`ability_level_on` for many people at once (a monthly subsidy cycle, a visit roster): one
    query; `elder_ids=None` means everybody."""
    latest = {}
    rows = _completed_by(day).filter(standard=standard)
    if elder_ids is not None:  # None: everybody (a city-wide monthly roster)
        rows = rows.filter(elder_id__in=list(elder_ids))
    rows = rows.order_by("elder_id", "assessed_on", "id")
    fields = ("elder_id", "final_level", "standard", "assessed_on", "valid_until", "pk")
    for row in rows.values_list(*fields).iterator(chunk_size=5000):
        latest[row[0]] = row  # ordered by date: the last one wins
    return {
        elder_id: AbilityLevel(
            level=level,
            name=level_name(std, level),
            standard=std,
            assessed_on=day_,
            valid_until=valid,
            assessment_id=pk,
        )
        for elder_id, level, std, day_, valid, pk in latest.values()
    }


def valid_levels_on(day: dt.date, *, elder_ids=None) -> list[tuple[int, int]]:
    """(elder_id, level) of everyone whose latest GB/T 42195-2022 result made by `day` is still
    valid on it — the level a subsidy rule may rely on (an expired result counts as none). One
    query over everybody (or the given people), for monthly cycles of a million people."""
    rows = _completed_by(day).filter(standard=GBT_42195)
    if elder_ids is not None:
        rows = rows.filter(elder_id__in=list(elder_ids))
    latest: dict[int, tuple[int, dt.date | None]] = {}
    fields = ("elder_id", "final_level", "valid_until")
    ordered = rows.order_by("elder_id", "assessed_on", "id").values_list(*fields)
    for elder_id, level, valid in ordered.iterator(chunk_size=20000):
        latest[elder_id] = (level, valid)  # ordered by date: the last one wins
    return [
        (e, lvl) for e, (lvl, valid) in latest.items() if valid is None or valid >= day
    ]


def completed_since(moment) -> set[int]:
    """People with an assessment result completed after `moment` (a subsidy cycle re-checks the
    months already paid for them)."""
    rows = Assessment.objects.filter(status=Status.COMPLETED, completed_at__gt=moment)
    return set(rows.values_list("elder_id", flat=True))


def _as_level(a: Assessment) -> AbilityLevel:
    return AbilityLevel(
        level=a.final_level,
        name=level_name(a.standard, a.final_level),
        standard=a.standard,
        assessed_on=a.assessed_on,
        valid_until=a.valid_until,
        assessment_id=a.pk,
    )


# --- due and overdue ---------------------------------------------------------------------------------

DUE_KINDS = {
    "overdue": "常规评估已逾期",
    "soon": "常规评估即将到期",
    "immediate": "需即时评估（迁入或出院后）",
    "never": "65岁以上从未评估",
}
IMMEDIATE_EVENTS = (LifeEvent.Kind.MOVE_IN, LifeEvent.Kind.DISCHARGE)


@dataclass
class DueFilter:
    kind: str = "overdue"
    region: str = ""
    q: str = ""
    include_applied: bool = False
    today: dt.date | None = field(default=None, repr=False)


def assessments_due(*, by, filters: DueFilter | None = None) -> QuerySet[Elder]:
    """Older people (在册) whose assessment is due, per kind: a result past or near its validity
    (常规评估), a move-in or hospital discharge after their latest result (即时评估), or aged 65+
    and never assessed (Shaoyang: every person 65+ assessed). Annotated with `last_assessed_on`,
    `last_valid_until`, `open_assessment` (already applied)."""
    f = filters or DueFilter()
    today = f.today or timezone.localdate()
    latest = Assessment.objects.filter(
        elder=OuterRef("pk"), status=Status.COMPLETED, standard=GBT_42195
    ).order_by("-assessed_on", "-id")
    qs = (
        Elder.objects.filter(elder_scope_q(by), status=ElderStatus.ACTIVE)
        .annotate(
            last_assessed_on=Subquery(latest.values("assessed_on")[:1]),
            last_valid_until=Subquery(latest.values("valid_until")[:1]),
            open_assessment=Exists(
                Assessment.objects.filter(
                    elder=OuterRef("pk"), status__in=OPEN_STATUSES
                )
            ),
        )
        .select_related("residence_region")
    )
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "residence_region"))
    if f.q:
        qs = qs.filter(name_prefix_q("name", f.q.strip()))
    if not f.include_applied:
        qs = qs.filter(open_assessment=False)
    soon = today + dt.timedelta(days=settings.ASSESSMENT_DUE_SOON_DAYS)
    # Each kind first narrows to the people who can be on it, read from an index (a result
    # expiring in the window; a move-in or discharge): only they get the per-person "latest
    # result" subquery, not every person of the city (0.5 s a query at full scale).
    results = Assessment.objects.filter(status=Status.COMPLETED, standard=GBT_42195)
    if f.kind == "overdue":
        qs = qs.filter(
            pk__in=results.filter(valid_until__lte=today).values("elder_id"),
            last_valid_until__lte=today,
        ).order_by("last_valid_until", "id")
    elif f.kind == "soon":
        window = {"valid_until__gt": today, "valid_until__lte": soon}
        qs = qs.filter(
            pk__in=results.filter(**window).values("elder_id"),
            last_valid_until__gt=today,
            last_valid_until__lte=soon,
        ).order_by("last_valid_until", "id")
    elif f.kind == "immediate":
        qs = qs.filter(
            pk__in=LifeEvent.objects.filter(kind__in=IMMEDIATE_EVENTS).values(
                "elder_id"
            )
        )
        event_after = LifeEvent.objects.filter(
            elder=OuterRef("pk"),
            kind__in=IMMEDIATE_EVENTS,
            date__gt=OuterRef("last_assessed_on"),
        )
        qs = qs.filter(last_assessed_on__isnull=False).filter(Exists(event_after))
        qs = qs.order_by("last_assessed_on", "id")
    else:  # never
        qs = qs.filter(
            birth_range_for_ages(65, None, today), last_assessed_on__isnull=True
        )
        qs = qs.order_by("birth_date", "id")
    return qs


def due_counts(*, by, today: dt.date | None = None) -> dict[str, int]:
    return {
        kind: assessments_due(by=by, filters=DueFilter(kind=kind, today=today)).count()
        for kind in DUE_KINDS
    }


# --- agencies, assessors, workload ---------------------------------------------------------------------


def agencies_for(*, by, elder: Elder | None = None) -> QuerySet[Agency]:
    """Agencies the user may assign work to (for an elder: those whose area covers the person)."""
    qs = Agency.objects.filter(active=True).select_related("region")
    agencies = [
        a.pk
        for a in qs
        if region_path_allowed(by, a.region.path)
        or (elder is not None and region_path_allowed(by, elder.residence_region.path))
    ]
    qs = qs.filter(pk__in=agencies)
    if elder is not None:
        covering = [
            a.pk for a in qs if elder.residence_region.path.startswith(a.region.path)
        ]
        qs = qs.filter(pk__in=covering)
    return qs.order_by("name")


def agency_assessors(agency: Agency) -> QuerySet[Assessor]:
    return (
        Assessor.objects.filter(agency=agency, active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def assessor_workload(*, by, days: int = 30) -> QuerySet[Assessor]:
    """Each assessor of the agencies in the user's area: open assessments on their teams, and
    those completed in the last `days` days."""
    since = timezone.localdate() - dt.timedelta(days=days)
    agencies = [a.pk for a in agencies_for(by=by)]
    return (
        Assessor.objects.filter(agency_id__in=agencies)
        .select_related("user", "agency")
        .annotate(
            open_count=Count(
                "memberships",
                filter=Q(memberships__assessment__status__in=OPEN_STATUSES),
            ),
            done_count=Count(
                "memberships",
                filter=Q(
                    memberships__assessment__status=Status.COMPLETED,
                    memberships__assessment__assessed_on__gte=since,
                ),
            ),
        )
        .order_by("-open_count", "user__full_name")
    )


def my_open_assessments(*, by) -> QuerySet[Assessment]:
    """An assessor's own work list (phone start page)."""
    return (
        Assessment.objects.filter(team__assessor__user=by, status__in=OPEN_STATUSES)
        .select_related("elder__residence_region")
        .order_by("applied_on", "id")
    )


EXPORT_HEADER = [
    "老年人",
    "身份证号",
    "社区/村",
    "评估标准",
    "评估原因",
    "申请日期",
    "评估机构",
    "状态",
    "总分",
    "初步等级",
    "最终等级",
    "评估日期",
    "有效期至",
]


def assessment_export_rows(*, by, filters: AssessmentFilter | None = None):
    """The filtered assessment list for export (identity numbers masked)."""
    for a in assessment_list(by=by, filters=filters).iterator(chunk_size=2000):
        yield [
            a.elder.name,
            mask(pii.decrypt(a.elder.id_number_enc)),
            a.elder.residence_region.name,
            a.standard,
            a.get_reason_display(),
            a.applied_on,
            a.agency.name if a.agency else a.external_agency,
            a.get_status_display(),
            a.total,
            a.preliminary_level_name,
            a.final_level_name,
            a.assessed_on,
            a.valid_until,
        ]


def latest_diagnoses(elder_id: int) -> tuple[dt.date | None, list[str]]:
    """The diseases (A.4.1, ICD-10) recorded at the person's latest completed assessment, named
    where the form offers the code — for the alarm operator's card."""
    from yanglao.assessments.instrument import COMMON_DIAGNOSES

    row = (
        Assessment.objects.filter(elder_id=elder_id, completed_at__isnull=False)
        .order_by("-assessed_on", "-pk")
        .values_list("assessed_on", "answers")
        .first()
    )
    if not row:
        return None, []
    names = {code: name for name, _range, code in COMMON_DIAGNOSES}
    codes = (row[1] or {}).get("diagnoses") or []
    return row[0], [
        f"{names.get(c, '')} {c}".strip() for c in codes if isinstance(c, str)
    ]
