"""Reads of 喘息服务 and 家庭照护者培训. Scope of a stay: region staff by the person's residence,
the institution's administrator by the institution, a family member by their linked person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from yanglao.core import permissions
from yanglao.core.errors import NotInScope
from yanglao.facilities.models import INSTITUTION_TYPES, Admission, Bed, Staff
from yanglao.homecare.selectors import linked_elder_ids
from yanglao.homesupport.models import Attendance, Course, RespiteStay, Session
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q

# The item programme (按事项) whose conditions say which families have respite days, and whose
# amount rule gives the standard per day (paid to the institution) and the days a year.
RESPITE_PROGRAMME = "chuanxi"
COUNTED = (RespiteStay.State.BOOKED, RespiteStay.State.STAYING, RespiteStay.State.ENDED)


def _scope_q(by) -> Q:
    if permissions.works_by_region(by):
        return in_scope_q(by, "region")
    if permissions.acts_for_facility(by):
        return Q(
            facility_id__in=Staff.objects.filter(
                user=by, facility__isnull=False
            ).values("facility_id")
        )
    if permissions.is_family(by):
        return Q(elder_id__in=linked_elder_ids(by))
    return Q(pk__in=[])


@dataclass
class StayFilter:
    q: str = ""
    state: str = ""
    year: int | None = None


def stay_list(*, by, filters: StayFilter | None = None) -> QuerySet[RespiteStay]:
    f = filters or StayFilter()
    rows = RespiteStay.objects.filter(_scope_q(by)).select_related(
        "elder", "facility", "bed", "region"
    )
    if f.q:
        rows = rows.filter(
            Q(elder__name__icontains=f.q.strip())
            | Q(facility__name__icontains=f.q.strip())
        )
    if f.state:
        rows = rows.filter(state=f.state)
    if f.year:
        rows = rows.filter(start_on__year=f.year)
    return rows.order_by("-start_on", "-pk")


def stay_get(*, by, pk: int) -> RespiteStay:
    found = (
        RespiteStay.objects.filter(_scope_q(by), pk=pk)
        .select_related("elder", "facility", "bed", "region", "booked_by")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def days_used(elder, year: int, *, excluding: int | None = None) -> int:
    """Respite days a person has booked or used in `year` (cancelled stays give days back)."""
    rows = RespiteStay.objects.filter(
        elder=elder, start_on__year=year, state__in=COUNTED
    )
    if excluding:
        rows = rows.exclude(pk=excluding)
    return rows.aggregate(n=Sum("days"))["n"] or 0


def free_beds(region: Region, start: dt.date, end: dt.date) -> QuerySet[Bed]:
    """Beds in service in the institutions of `region`'s county with nobody admitted and no
    respite stay over [start, end]: where a short stay can be booked."""
    county = "/".join(region.path.split("/")[:3]) + "/"
    busy_stays = RespiteStay.objects.filter(
        state__in=[RespiteStay.State.BOOKED, RespiteStay.State.STAYING],
        start_on__lte=end,
        end_on__gte=start,
    ).values("bed_id")
    occupied = Admission.objects.filter(discharged_on__isnull=True).values("bed_id")
    return (
        Bed.objects.filter(
            state=Bed.State.IN_SERVICE,
            facility__type__in=INSTITUTION_TYPES,
            facility__region__path__startswith=county,
            facility__closed_on__isnull=True,
        )
        .exclude(pk__in=occupied)
        .exclude(pk__in=busy_stays)
        .select_related("facility")
        .order_by("facility__name", "code")
    )


def stays_of(elder) -> QuerySet[RespiteStay]:
    return RespiteStay.objects.filter(elder=elder).select_related("facility")


# --- training -------------------------------------------------------------------------------------


def trained_carers(elder) -> list[Attendance]:
    """The family carers of `elder` who attended a course (with certificates where given)."""
    return list(
        Attendance.objects.filter(elder=elder, attended=True)
        .select_related("session__course")
        .order_by("-session__held_on")
    )


def course_list(*, by) -> QuerySet[Course]:
    return Course.objects.filter(in_scope_q(by, "region")).select_related("region")


def course_get(*, by, pk: int) -> Course:
    found = course_list(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def session_get(*, by, pk: int) -> Session:
    found = (
        Session.objects.filter(pk=pk, course__in=course_list(by=by))
        .select_related("course")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def trained_count(region: Region, start: dt.date, end: dt.date) -> int:
    """人次 of family carers who attended a session held in [start, end] in `region`."""
    return Attendance.objects.filter(
        attended=True,
        session__held_on__gte=start,
        session__held_on__lte=end,
        session__course__region__path__startswith=region.path,
    ).count()
