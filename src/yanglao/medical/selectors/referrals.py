"""Reads of 双向转诊. One scope rule per kind of account: region staff see the referrals of people
in their area; an institution's administrator those sent from their institution; a liaison
(医疗机构联络员) only those to their medical institution; anyone else the ones they sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.facilities.models import Staff
from yanglao.medical import fhir
from yanglao.medical import referral_flow as flow
from yanglao.medical.models import (
    Contract,
    InstitutionKind,
    Liaison,
    MedicalInstitution,
    Referral,
)
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_region_code_q, in_scope_q

OPEN = (
    Referral.Status.REQUESTED,
    Referral.Status.ACCEPTED,
    Referral.Status.SCHEDULED,
    Referral.Status.ATTENDED,
)


def liaison_institution(user) -> MedicalInstitution | None:
    link = Liaison.objects.filter(user=user).select_related("institution").first()
    return link.institution if link else None


def referral_scope_q(by) -> Q:
    if permissions.sees_everything(by):
        return Q()
    if permissions.is_medical_liaison(by):
        # A proposal nobody has confirmed has not been sent: the institution does not see it.
        return Q(institution__liaisons__user=by) & ~Q(status=Referral.Status.PROPOSED)
    if permissions.acts_for_facility(by):
        return Q(
            facility_id__in=Staff.objects.filter(
                user=by, facility__isnull=False
            ).values("facility_id")
        )
    if permissions.acts_for_region(by):
        return in_scope_q(by, "region")
    return Q(requested_by=by)


@dataclass
class ReferralFilter:
    q: str = ""
    status: str = ""
    region: str = ""
    institution: str = ""
    late: str = ""  # "yes": past a deadline (open or answered late)
    origin: str = ""


def referral_list(*, by, filters: ReferralFilter | None = None) -> QuerySet[Referral]:
    f = filters or ReferralFilter()
    qs = Referral.objects.filter(referral_scope_q(by))
    if f.q.strip():
        text = f.q.strip()[:50]
        qs = qs.filter(
            Q(elder__name__contains=text)
            | Q(institution__name__contains=text)
            | Q(reason__contains=text)
        )
    if f.status in Referral.Status.values:
        qs = qs.filter(status=f.status)
    elif f.status == "open":
        qs = qs.filter(status__in=OPEN)
    if f.origin in Referral.Origin.values:
        qs = qs.filter(origin=f.origin)
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "region"))
    if ascii_digits(f.institution):
        qs = qs.filter(institution_id=int(f.institution))
    if f.late == "yes":
        qs = qs.filter(late_q(timezone.now()))
    return qs.select_related("elder", "institution", "facility", "region").order_by(
        "-created_at", "-pk"
    )


def late_q(now: dt.datetime) -> Q:
    """Referrals that missed a deadline (referral_flow.lateness, as a query): not answered in
    time, or the person not seen (nor the referral ended) in time."""
    answered_late = Q(accepted_at__gt=F("accept_due"))
    open_past_accept = Q(status=Referral.Status.REQUESTED, accept_due__lt=now)
    seen_late = Q(attended_at__gt=F("outcome_due"))
    open_past_outcome = Q(
        status__in=(Referral.Status.ACCEPTED, Referral.Status.SCHEDULED),
        outcome_due__lt=now,
    )
    escalated = Q(escalated_at__isnull=False)
    return answered_late | open_past_accept | seen_late | open_past_outcome | escalated


def referral_get(*, by, pk) -> Referral:
    found = (
        Referral.objects.filter(referral_scope_q(by), pk=pk)
        .select_related("elder", "institution", "facility", "region", "contract")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def referrals_of_elder(elder, *, by) -> list[Referral]:
    return list(
        Referral.objects.filter(referral_scope_q(by), elder=elder)
        .select_related("institution")
        .order_by("-created_at")[:20]
    )


def referral_targets(
    *, elder, facility=None
) -> list[tuple[MedicalInstitution, Contract | None]]:
    """Where a person may be referred, contracted institutions first: the medical institutions
    the person's institution has a contract in force with (referral among its services), then
    the institutions of the person's county and the regions above it, township health centres
    and community centres before hospitals."""
    today = timezone.localdate()
    contracted: dict[int, Contract] = {}
    if facility is not None:
        for c in Contract.objects.filter(
            facility=facility, starts_on__lte=today, ends_on__gte=today
        ).select_related("institution"):
            contracted.setdefault(c.institution_id, c)
    region = elder.residence_region
    codes = [c for c in region.path.strip("/").split("/") if c]
    county = Region.objects.filter(code__in=codes, level=Region.Level.COUNTY).first()
    q = Q(region__code__in=codes) | Q(pk__in=list(contracted))
    if county is not None:
        q |= Q(region__path__startswith=county.path)
    order = {
        InstitutionKind.TOWNSHIP: 0,
        InstitutionKind.COMMUNITY_CENTRE: 0,
        InstitutionKind.HOSPITAL: 1,
        InstitutionKind.VILLAGE: 2,
        InstitutionKind.CLINIC: 3,
    }
    found = list(MedicalInstitution.objects.filter(q).select_related("region"))
    found.sort(
        key=lambda i: (
            i.pk not in contracted,
            not region.path.startswith(i.region.path),
            order.get(i.kind, 9),
            i.name,
        )
    )
    return [(i, contracted.get(i.pk)) for i in found]


@dataclass(frozen=True)
class Loop:
    """双向转诊闭环: of the referrals sent in a period, how many came back with a care note (closed
    loop), and how many were answered and seen within their deadlines."""

    sent: int
    finished: int
    closed_loop: int
    answered: int
    answered_in_time: int
    seen: int
    seen_in_time: int
    open_late: int

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def loop_rate(self) -> float | None:
        return self.share(self.closed_loop, self.sent)

    @property
    def accept_rate(self) -> float | None:
        return self.share(self.answered_in_time, self.answered)

    @property
    def seen_rate(self) -> float | None:
        return self.share(self.seen_in_time, self.seen)


def referral_loop(*, by, start: dt.date, end: dt.date, region_code: str = "") -> Loop:
    """The loop figures of referrals sent between start and end (both included)."""
    qs = Referral.objects.filter(
        referral_scope_q(by),
        requested_at__date__gte=start,
        requested_at__date__lte=end,
    )
    if region_code:
        qs = qs.filter(in_region_code_q(region_code, "region"))
    now = timezone.now()
    finished_states = [s for s in flow.FINISHED]
    row = qs.aggregate(
        sent=Count("pk"),
        finished=Count("pk", filter=Q(status__in=finished_states)),
        closed_loop=Count("pk", filter=Q(status__in=list(flow.LOOP_CLOSED))),
        answered=Count("pk", filter=Q(accepted_at__isnull=False)),
        answered_late=Count("pk", filter=Q(accepted_at__gt=F("accept_due"))),
        seen=Count("pk", filter=Q(attended_at__isnull=False)),
        seen_late=Count("pk", filter=Q(attended_at__gt=F("outcome_due"))),
        open_late=Count(
            "pk",
            filter=Q(status=Referral.Status.REQUESTED, accept_due__lt=now)
            | Q(
                status__in=(Referral.Status.ACCEPTED, Referral.Status.SCHEDULED),
                outcome_due__lt=now,
            ),
        ),
    )
    return Loop(
        sent=row["sent"],
        finished=row["finished"],
        closed_loop=row["closed_loop"],
        answered=row["answered"],
        answered_in_time=row["answered"] - row["answered_late"],
        seen=row["seen"],
        seen_in_time=row["seen"] - row["seen_late"],
        open_late=row["open_late"],
    )


def referral_fhir_data(r: Referral) -> fhir.ReferralData:
    """The referral as the FHIR module's plain record (the person by the platform's own id and
    name only — never an identity number)."""
    sender = (
        r.facility.name
        if r.facility_id
        else f"{r.region.name}（{r.get_origin_display()}）"
    )
    last = r.closed_at or r.returned_at or r.attended_at or r.accepted_at
    return fhir.ReferralData(
        pk=r.pk,
        status=r.status,
        urgency=r.urgency,
        reason=r.reason,
        patient_ref=f"Patient/{r.elder_id}",
        patient_name=r.elder.name,
        requester_name=sender,
        institution_name=r.institution.name,
        institution_licence=r.institution.licence_no,
        requested_at=r.requested_at,
        updated_at=last or r.requested_at or r.created_at,
        appointment_at=r.appointment_at,
        attended=r.attended_at is not None,
        care_note=r.care_note,
        outcome=r.outcome if r.status != Referral.Status.RETURNED else "",
    )


def referrals_fhir_bundle(
    *, by, filters: ReferralFilter | None = None, limit=5000
) -> dict:
    rows = referral_list(by=by, filters=filters)[:limit]
    return fhir.bundle([referral_fhir_data(r) for r in rows])


def referral_steps(referral: Referral):
    return referral.steps.all().order_by("at", "pk")


def referral_status_counts(*, by) -> list[tuple[str, int]]:
    """(状态, 件数) of every referral the user may see, in the order of the flow."""
    rows = dict(
        Referral.objects.filter(referral_scope_q(by))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(label, rows.get(value, 0)) for value, label in Referral.Status.choices]


def referral_for_alarm(alarm_id: int) -> Referral | None:
    """The referral an alarm proposed (拟转诊), whatever became of it."""
    return (
        Referral.objects.filter(origin=Referral.Origin.ALARM, origin_ref=alarm_id)
        .select_related("institution")
        .first()
    )


def referral_open_for(elder_id: int) -> Referral | None:
    """The person's referral under way (sent and not finished), if any."""
    return Referral.objects.filter(elder_id=elder_id, status__in=OPEN).first()
