"""Reads of 集中供养 bed offers: where a person in the queue may be offered a bed (free, in
service, of the right kind, in the network's institutions of their county, nearest first), and
the offers waiting for an answer. Scope: the reader's area, as for the queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.core.geo import distance_m
from yanglao.facilities.models import Admission, Bed, Facility
from yanglao.facilities.selectors import facility_scope_q, open_on
from yanglao.medical.models import BedOffer
from yanglao.medical.selectors.contracts import NETWORK_TYPES, priority_queue
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q


def queue_place_of(*, by, elder, today=None):
    """The person's place in the queue (medical.queue.Place), or None when they are not in it
    (not 特困, not willing, or already in care)."""
    for place in priority_queue(by=by, today=today):
        if place.candidate.elder_id == elder.pk:
            return place
    return None


@dataclass(frozen=True)
class BedChoice:
    bed: Bed
    distance_m: int | None


def county_of(region) -> Region | None:
    codes = [c for c in region.path.strip("/").split("/") if c]
    return Region.objects.filter(code__in=codes, level=Region.Level.COUNTY).first()


def free_beds_q() -> Q:
    taken = Admission.objects.filter(discharged_on__isnull=True).values("bed_id")
    offered = BedOffer.objects.filter(status=BedOffer.Status.OFFERED).values("bed_id")
    return Q(state=Bed.State.IN_SERVICE) & ~Q(pk__in=taken) & ~Q(pk__in=offered)


def bed_choices(*, by, elder, nursing: bool, today, limit: int = 50) -> list[BedChoice]:
    """Free beds for the person in the network of their county (护理型 only when they need
    one), nearest to their home first; one bed per institution and kind is enough to choose."""
    county = county_of(elder.residence_region)
    if county is None:
        return []
    beds = (
        Bed.objects.filter(free_beds_q())
        .filter(
            facility__in=_network(by, today).filter(
                region__path__startswith=county.path
            )
        )
        .select_related("facility__region")
        .order_by("facility_id", "kind", "code")
    )
    if nursing:
        beds = beds.filter(kind=Bed.Kind.NURSING)
    first: dict[tuple[int, str], Bed] = {}
    for bed in beds:
        first.setdefault((bed.facility_id, bed.kind), bed)
    choices = []
    for bed in first.values():
        f = bed.facility
        d = None
        if None not in (elder.lat, elder.lng, f.lat, f.lng):
            d = round(distance_m((elder.lat, elder.lng), (f.lat, f.lng)))
        choices.append(BedChoice(bed, d))
    choices.sort(
        key=lambda c: (
            c.distance_m is None,
            c.distance_m or 0,
            not elder.residence_region.path.startswith(c.bed.facility.region.path),
            c.bed.facility.name,
        )
    )
    return choices[:limit]


def _network(by, today) -> QuerySet:
    return Facility.objects.filter(
        facility_scope_q(by), open_on(today), type__in=NETWORK_TYPES
    )


def offers_open(*, by) -> QuerySet[BedOffer]:
    return (
        BedOffer.objects.filter(
            in_scope_q(by, "elder__residence_region"), status=BedOffer.Status.OFFERED
        )
        .select_related("elder", "bed__facility")
        .order_by("offered_on", "pk")
    )


def offer_get(*, by, pk) -> BedOffer:
    found = (
        BedOffer.objects.filter(in_scope_q(by, "elder__residence_region"), pk=pk)
        .select_related("elder__residence_region", "bed__facility", "admission")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def offers_of(elder) -> list[BedOffer]:
    return list(
        BedOffer.objects.filter(elder=elder)
        .select_related("bed__facility")
        .order_by("-offered_on", "-pk")[:20]
    )


def network_admission_of(elder) -> Admission | None:
    """The person's open admission when it is in a network institution ("1+N"), else None."""
    return (
        Admission.objects.filter(
            elder=elder,
            discharged_on__isnull=True,
            bed__facility__type__in=NETWORK_TYPES,
        )
        .select_related("bed__facility")
        .first()
    )


def bed_named(value) -> Bed | None:
    """The bed a form names by its id (the services check whether it may be offered)."""
    text = str(value or "")
    return Bed.objects.filter(pk=int(text)).first() if ascii_digits(text) else None
