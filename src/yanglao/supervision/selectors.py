"""Reads of supervision: plans and draws of the reader's area; published draws for everyone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from yanglao.alarms.selectors import detector_annotations
from yanglao.core.errors import NotInScope
from yanglao.facilities.models import FireSafety
from yanglao.regions.selectors import in_scope_q
from yanglao.supervision.models import Draw, Plan


def plans(*, by) -> QuerySet[Plan]:
    return Plan.objects.filter(in_scope_q(by, "region")).select_related("region")


def plan_get(*, by, pk: int) -> Plan:
    found = plans(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def draws(*, by) -> QuerySet[Draw]:
    return Draw.objects.filter(in_scope_q(by, "plan__region")).select_related("plan")


def draw_get(*, by, pk: int) -> Draw:
    found = draws(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def published_draws() -> QuerySet[Draw]:
    """一公开: every draw whose commitment is public (drawn or awaiting its random value)."""
    return Draw.objects.select_related("plan", "plan__region")


def published_draw(pk: int) -> Draw:
    found = published_draws().filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def complaints(*, by, state: str = "", q: str = "", channel: str = ""):
    """Complaints routed to the reader's area, overdue ones first."""
    from django.db.models import Q

    from yanglao.supervision.models import Complaint

    qs = Complaint.objects.filter(in_scope_q(by, "region")).select_related("region")
    if state in Complaint.State.values:
        qs = qs.filter(state=state)
    if channel in Complaint.Channel.values:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(
            Q(code__iexact=q) | Q(subject_name__contains=q) | Q(content__contains=q)
        )
    return qs.order_by("answered_at", "answer_by", "-id")


def complaint_get(*, by, pk: int):
    found = complaints(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def complaint_by_code(code: str):
    """What the complainant may read with their tracking code: the state and the answer."""
    from yanglao.supervision.models import Complaint

    return Complaint.objects.filter(code=(code or "").strip().upper()).first()


def facilities_for_complaints():
    from yanglao.facilities.models import Facility

    return Facility.objects.filter(closed_on__isnull=True).order_by("name")


def providers_for_complaints():
    from yanglao.facilities.models import Provider

    return Provider.objects.order_by("name")


def inspections(*, by):
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Inspection

    return Inspection.objects.filter(
        facility__in=facility_ids_in_scope(by)
    ).select_related("facility", "checklist")


def inspection_get(*, by, pk: int):
    found = inspections(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def rectifications(*, by, state: str = ""):
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Rectification

    qs = Rectification.objects.filter(
        facility__in=facility_ids_in_scope(by)
    ).select_related("facility")
    return qs.filter(state=state) if state in Rectification.State.values else qs


def rectification_get(*, by, pk: int):
    found = rectifications(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def object_names(draw) -> dict[str, str]:
    """A draw's object codes → the institutions' names, for reading its result."""
    from yanglao.facilities.selectors import facility_names
    from yanglao.supervision.codes import facility_pk_of, object_code

    ids = {facility_pk_of(o["code"]) for o in draw.input["objects"]} - {None}
    return {object_code(pk): name for pk, name in facility_names(ids).items()}


@dataclass
class FacilityCard:
    grade: object  # Grading | None
    evaluation: object  # Evaluation | None
    standing: object  # credit.Standing
    lists: list
    inspections: list

    @property
    def summary(self) -> str:
        from yanglao.supervision.grading import LEVEL_NAMES

        parts = []
        if self.grade is not None:
            parts.append(
                f"等级：{LEVEL_NAMES[self.grade.level]}（有效期至 {self.grade.valid_until:%Y-%m-%d}）"
            )
        else:
            parts.append("等级：未评定")
        if self.evaluation is not None:
            parts.append(f"{self.evaluation.year} 年度评价：{self.evaluation.result}")
        parts.append(
            f"信用：{self.standing.level} {self.standing.level_name}（{self.standing.score} 分）"
        )
        parts.extend(e.get_kind_display() for e in self.lists)
        return " · ".join(parts)


def facility_card(facility, *, with_inspections: bool = True) -> FacilityCard:
    """What supervision says of one institution the viewer already reached in scope."""
    from yanglao.supervision.models import Evaluation, Inspection, ListEntry

    return FacilityCard(
        grade=current_grade(facility),
        evaluation=Evaluation.objects.filter(facility=facility)
        .order_by("-year")
        .first(),
        standing=standing_of(facility=facility),
        lists=list(ListEntry.objects.filter(facility=facility, ended_on__isnull=True)),
        inspections=list(
            Inspection.objects.filter(facility=facility)
            .select_related("checklist")
            .order_by("-started_at")[:5]
        )
        if with_inspections
        else [],
    )


def credit_entries(*, facility=None, provider=None, person_hash: str = ""):
    from yanglao.supervision.models import CreditEntry

    return CreditEntry.objects.filter(
        facility=facility, provider=provider, person_hash=person_hash
    )


def people_behind(*, facility=None, provider=None) -> list[dict]:
    """The subject's directors with their own credit standing, and staff on the 从业禁止 list."""
    from yanglao.facilities.selectors import banned_staff, responsible_people

    people = [
        {"name": name, "standing": standing_of(person_hash=h)}
        for name, h in responsible_people(facility=facility, provider=provider)
    ]
    return people, banned_staff(facility=facility, provider=provider)


def standing_of(
    *, facility=None, provider=None, person_hash: str = "", on: dt.date | None = None
):
    """The subject's credit score and level from its record (supervision.credit)."""
    from yanglao.supervision import credit

    rows = credit_entries(
        facility=facility, provider=provider, person_hash=person_hash
    ).values_list("day", "kind", "points")
    return credit.standing(
        [credit.Entry(d, k, p) for d, k, p in rows], on or timezone.localdate()
    )


def current_grade(facility, on: dt.date | None = None):
    """The decided grading still valid on the day (the latest), or None."""
    from yanglao.supervision.models import Grading

    on = on or timezone.localdate()
    return (
        Grading.objects.filter(
            facility=facility, state=Grading.State.DECIDED, valid_until__gte=on
        )
        .order_by("-decided_at")
        .first()
    )


def custody_accounts(*, by, q: str = "", frozen: str = ""):
    """Custody accounts of the institutions the reader sees, with their open alerts counted."""
    from django.db.models import Count, Q

    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import CustodyAccount, PrepaidAlert

    qs = (
        CustodyAccount.objects.filter(facility__in=facility_ids_in_scope(by))
        .select_related("facility")
        .annotate(
            open_alerts=Count("alerts", filter=Q(alerts__state=PrepaidAlert.State.OPEN))
        )
    )
    if q.strip():
        qs = qs.filter(facility__name__icontains=q.strip()[:50])
    if frozen == "1":
        qs = qs.filter(frozen=True)
    elif frozen == "alerts":
        qs = qs.filter(open_alerts__gt=0)
    elif frozen == "fundraising":
        from django.db.models import Exists, OuterRef

        from yanglao.supervision.prepaid import FUNDRAISING_SIGNS

        qs = qs.filter(
            Exists(
                PrepaidAlert.objects.filter(
                    account=OuterRef("pk"),
                    state=PrepaidAlert.State.OPEN,
                    rule__in=FUNDRAISING_SIGNS,
                )
            )
        )
    return qs.order_by("-frozen", "facility__name", "pk")


def custody_account_get(*, by, pk: int):
    found = custody_accounts(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def institutions_without_account(*, by):
    from yanglao.facilities.models import INSTITUTION_TYPES, Facility
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import CustodyAccount

    return (
        Facility.objects.filter(
            pk__in=facility_ids_in_scope(by),
            type__in=INSTITUTION_TYPES,
            closed_on__isnull=True,
        )
        .exclude(pk__in=CustodyAccount.objects.values("facility_id"))
        .order_by("name")
    )


def gradings(*, by, state: str = ""):
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Grading

    qs = Grading.objects.filter(facility__in=facility_ids_in_scope(by)).select_related(
        "facility", "sheet"
    )
    return qs.filter(state=state) if state in Grading.State.values else qs


def grading_get(*, by, pk: int):
    found = gradings(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def institutions_in_scope(*, by, q: str = ""):
    from yanglao.facilities.models import INSTITUTION_TYPES, Facility
    from yanglao.facilities.selectors import facility_ids_in_scope

    qs = Facility.objects.filter(
        pk__in=facility_ids_in_scope(by), type__in=INSTITUTION_TYPES
    ).select_related("region")
    if q.strip():
        qs = qs.filter(name__icontains=q.strip()[:50])
    return qs.order_by("name", "pk")


def list_entries(*, by, kind: str = "", current: bool = True):
    """Red and black list entries of the reader's area (institutions and providers)."""
    from django.db.models import Q

    from yanglao.facilities.models import Provider
    from yanglao.facilities.selectors import facility_ids_in_scope, provider_scope_q
    from yanglao.supervision.models import ListEntry

    qs = ListEntry.objects.filter(
        Q(facility__in=facility_ids_in_scope(by))
        | Q(provider__in=Provider.objects.filter(provider_scope_q(by)).values("pk"))
    ).select_related("facility", "provider")
    if kind in ListEntry.Kind.values:
        qs = qs.filter(kind=kind)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return qs


def public_list_entries():
    """The current red and black lists as the public reads them (names only)."""
    from yanglao.supervision.models import ListEntry

    return ListEntry.objects.filter(ended_on__isnull=True).select_related(
        "facility", "provider"
    )


def evaluations_of(*, facility=None, provider=None):
    from yanglao.supervision.models import Evaluation

    return Evaluation.objects.filter(facility=facility, provider=provider).order_by(
        "-year"
    )


def lists_of(*, facility=None, provider=None):
    """A subject's red and black list entries, current and past (the subject is in scope)."""
    from yanglao.supervision.models import ListEntry

    return ListEntry.objects.filter(facility=facility, provider=provider).order_by(
        "-started_on", "-id"
    )


def cases(*, by, state: str = ""):
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Case

    qs = Case.objects.filter(facility__in=facility_ids_in_scope(by)).select_related(
        "facility"
    )
    return qs.filter(state=state) if state in Case.State.values else qs


def case_get(*, by, pk: int):
    found = cases(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def public_grades():
    """Valid grades, as the public reads them (institution names and levels only)."""
    from yanglao.supervision.models import Grading

    return (
        Grading.objects.filter(
            state=Grading.State.DECIDED,
            level__gte=1,
            valid_until__gte=timezone.localdate(),
        )
        .select_related("facility")
        .order_by("-level", "facility__name")
    )


def public_inspections():
    """Signed inspections with their failed items and rectification status (names only)."""
    from django.db.models import Count, Q

    from yanglao.supervision.models import Inspection, Rectification

    return (
        Inspection.objects.filter(state=Inspection.State.SIGNED)
        .select_related("facility")
        .annotate(
            failed=Count("rectifications"),
            closed=Count(
                "rectifications",
                filter=Q(rectifications__state=Rectification.State.CLOSED),
            ),
        )
        .order_by("-signed_at", "-pk")
    )


def emergency_overview(*, by, q: str = "", lack: str = ""):
    """Institutions of the area with how many of the four kinds of event have a plan, their last
    drill and their fire detectors; `lack`: "plan" (a kind without a plan), "drill" (no drill
    this year), "fire" (fire-safety acceptance not passed) or "detector" (a fire detector that
    needs attention)."""
    from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from yanglao.supervision.models import Drill, EmergencyPlan

    kinds = (
        EmergencyPlan.objects.filter(facility=OuterRef("pk"))
        .values("facility")
        .annotate(n=Count("kind", distinct=True))
        .values("n")
    )
    last = (
        Drill.objects.filter(facility=OuterRef("pk"))
        .values("facility")
        .annotate(d=Max("held_on"))
        .values("d")
    )
    qs = institutions_in_scope(by=by, q=q).annotate(
        plan_kinds=Coalesce(Subquery(kinds, output_field=IntegerField()), Value(0)),
        last_drill=Subquery(last),
        **detector_annotations(),
    )
    if lack == "detector":
        qs = qs.filter(detector_faulty__gt=0)
    elif lack == "fire":
        qs = qs.exclude(fire_safety__in=(FireSafety.ACCEPTED, FireSafety.FILED))
    elif lack == "plan":
        qs = qs.filter(plan_kinds__lt=4)
    elif lack == "drill":
        year_start = timezone.localdate().replace(month=1, day=1)
        qs = qs.exclude(last_drill__gte=year_start)
    return qs


def emergency_of(facility):
    """One institution's plans and drills (the institution is in the reader's scope)."""
    from yanglao.supervision.models import Drill, EmergencyPlan

    return (
        list(EmergencyPlan.objects.filter(facility=facility)),
        list(Drill.objects.filter(facility=facility)[:50]),
    )


def inspection_photo_get(*, by, pk: int):
    """An evidence photo of an inspection the reader may open (else NotInScope)."""
    from yanglao.supervision.models import InspectionPhoto

    found = InspectionPhoto.objects.filter(
        pk=pk, inspection__in=inspections(by=by).values("pk")
    ).first()
    if found is None:
        raise NotInScope(pk)
    return found


def grades_on(day: dt.date) -> dict[int, int]:
    """{facility id: grade} of every grading decided by and valid on the day (core.facility_facts)."""
    from yanglao.supervision.models import Grading

    rows = Grading.objects.filter(
        state=Grading.State.DECIDED,
        level__gte=1,
        decided_at__date__lte=day,
        valid_until__gte=day,
    ).values_list("facility_id", "level")
    found: dict[int, int] = {}
    for facility_id, level in rows:
        found[facility_id] = max(level, found.get(facility_id, 0))
    return found


def evaluation_ranks_on(day: dt.date) -> dict[int, int]:
    """{facility id: rank} of each institution's latest yearly evaluation made by the day, for a
    year no older than the one before the day's (an evaluation counts until the next year's is
    due): 优秀 3, 合格 2, 基本合格 1, 不合格 0 (core.facility_facts)."""
    from yanglao.supervision.models import Evaluation

    ranks = {"优秀": 3, "合格": 2, "基本合格": 1}
    rows = (
        Evaluation.objects.filter(
            facility__isnull=False, made_at__date__lte=day, year__gte=day.year - 1
        )
        .order_by("facility_id", "year", "made_at")
        .values_list("facility_id", "result")
    )
    return {facility_id: ranks.get(result, 0) for facility_id, result in rows}


def providers_in_scope(*, by):
    """Home-care providers of the reader's area, for the credit overview."""
    from yanglao.facilities.selectors import provider_list

    return provider_list(by=by)
