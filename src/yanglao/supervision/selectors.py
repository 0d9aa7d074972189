"""Reads of supervision: plans and draws of the reader's area; published draws for everyone."""

from __future__ import annotations

from django.db.models import QuerySet

from yanglao.core.errors import NotInScope
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


def complaints(*, by, state: str = "", q: str = ""):
    """Complaints routed to the reader's area, overdue ones first."""
    from django.db.models import Q

    from yanglao.supervision.models import Complaint

    qs = Complaint.objects.filter(in_scope_q(by, "region")).select_related("region")
    if state in Complaint.State.values:
        qs = qs.filter(state=state)
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
