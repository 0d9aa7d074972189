"""Reads of 医养结合. Medical institutions are scoped by region (the reader's subtree); contracts,
patrols and in-house units by their institution (养老机构) — the facility's own scope rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yanglao.core.errors import NotInScope
from yanglao.facilities.selectors import facility_scope_q
from yanglao.medical import rules
from yanglao.medical.models import (
    Contract,
    MedicalInstitution,
    MedicalUnit,
    Patrol,
    Willingness,
)
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_region_code_q, in_scope_q


@dataclass
class InstitutionFilter:
    q: str = ""
    kind: str = ""
    region: str = ""
    insured: str = ""  # "yes" / "no" / ""


def institution_list(
    *, by, filters: InstitutionFilter | None = None
) -> QuerySet[MedicalInstitution]:
    f = filters or InstitutionFilter()
    qs = MedicalInstitution.objects.filter(in_scope_q(by, "region"))
    if f.q.strip():
        qs = qs.filter(name__icontains=f.q.strip()[:50])
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "region"))
    if f.insured in ("yes", "no"):
        qs = qs.filter(insured=f.insured == "yes")
    today = timezone.localdate()
    return (
        qs.select_related("region")
        .annotate(
            contracts_valid=Count(
                "contracts",
                filter=Q(
                    contracts__starts_on__lte=today, contracts__ends_on__gte=today
                ),
            )
        )
        .order_by("region__code", "name")
    )


def institution_get(*, by, pk) -> MedicalInstitution:
    found = (
        MedicalInstitution.objects.filter(in_scope_q(by, "region"), pk=pk)
        .select_related("region")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def institutions_for_facility(facility) -> QuerySet[MedicalInstitution]:
    """The medical institutions an institution may contract with: those of its county and of
    the regions above it (a city hospital serves every county), nearest level first."""
    path = facility.region.path
    codes = [c for c in path.strip("/").split("/") if c]
    county = Region.objects.filter(code__in=codes, level=Region.Level.COUNTY).first()
    q = Q(region__code__in=codes)
    if county is not None:
        q |= Q(region__path__startswith=county.path)
    return (
        MedicalInstitution.objects.filter(q)
        .select_related("region")
        .order_by("-region__level", "name")
    )


@dataclass
class ContractFilter:
    q: str = ""
    state: str = ""  # 有效 / 即将到期 / 已到期 / 未生效
    facility: int | None = None


def contract_list(*, by, filters: ContractFilter | None = None) -> QuerySet[Contract]:
    f = filters or ContractFilter()
    qs = Contract.objects.filter(facility__in=_facilities(by))
    if f.q.strip():
        text = f.q.strip()[:50]
        qs = qs.filter(
            Q(facility__name__icontains=text) | Q(institution__name__icontains=text)
        )
    if f.facility:
        qs = qs.filter(facility_id=f.facility)
    today = timezone.localdate()
    soon = today + dt.timedelta(days=rules.EXPIRING_DAYS)
    if f.state == "未生效":
        qs = qs.filter(starts_on__gt=today)
    elif f.state == "已到期":
        qs = qs.filter(ends_on__lt=today)
    elif f.state == "即将到期":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today, ends_on__lte=soon)
    elif f.state == "有效":
        qs = qs.filter(starts_on__lte=today, ends_on__gt=soon)
    return qs.select_related("facility", "institution").order_by("-ends_on", "pk")


def _facilities(by):
    from yanglao.facilities.models import Facility

    return Facility.objects.filter(facility_scope_q(by)).values("pk")


def institution_contracts(*, by, institution) -> QuerySet[Contract]:
    """The contracts of the reader's institutions with one medical institution."""
    return contract_list(by=by).filter(institution=institution)


def contract_get(*, by, pk) -> Contract:
    found = (
        Contract.objects.filter(facility__in=_facilities(by), pk=pk)
        .select_related("facility", "facility__region", "institution", "renews")
        .first()
    )
    if found is None:
        raise NotInScope(pk)
    return found


def contract_terms(
    facility_id: int, institution_id: int, *, exclude: int | None = None
):
    qs = Contract.objects.filter(facility_id=facility_id, institution_id=institution_id)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return list(qs.values_list("starts_on", "ends_on"))


def contract_patrols(contract: Contract) -> QuerySet[Patrol]:
    return contract.patrols.select_related("recorded_by")


def contract_fulfilment(contract: Contract, start: dt.date, end: dt.date):
    """(patrols promised, done, share) in [start, end]."""
    done = contract.patrols.filter(visited_on__range=(start, end)).count()
    expected, share = rules.fulfilment(
        contract.patrols_per_month,
        contract.starts_on,
        contract.ends_on,
        start,
        end,
        done,
    )
    return expected, done, share


def facility_contracts(facility) -> list[Contract]:
    """The institution's contracts, newest first (the facility was reached in scope)."""
    return list(
        Contract.objects.filter(facility=facility)
        .select_related("institution")
        .order_by("-ends_on")[:20]
    )


def facility_unit(facility) -> MedicalUnit | None:
    return MedicalUnit.objects.filter(facility=facility).first()


# --- 集中供养意愿 ------------------------------------------------------------------------------------


@dataclass
class SurveyFilter:
    q: str = ""
    answer: str = ""  # an Answer value, or "none": not asked this year
    region: str = ""


def tekun_survey(*, by, filters: SurveyFilter | None = None):
    """The 特困 persons of the reader's area with their latest willingness (this year's or
    earlier) and whether they live in an institution — the 意愿登记 list."""
    from django.db.models import Exists, OuterRef, Subquery

    from yanglao.elders.models import Category, Elder, Status
    from yanglao.elders.selectors import active_category_q, elder_scope_q, search_q
    from yanglao.facilities.models import Admission

    f = filters or SurveyFilter()
    today = timezone.localdate()
    latest = Willingness.objects.filter(elder=OuterRef("pk")).order_by(
        "-asked_on", "-pk"
    )
    qs = Elder.objects.filter(
        elder_scope_q(by),
        active_category_q(Category.TEKUN, today),
        status=Status.ACTIVE,
    ).annotate(
        answer=Subquery(latest.values("answer")[:1]),
        asked_on=Subquery(latest.values("asked_on")[:1]),
        in_care=Exists(
            Admission.objects.filter(elder=OuterRef("pk"), discharged_on__isnull=True)
        ),
    )
    qs = qs.annotate(ask_again=_changed_since_answer())
    if f.q.strip():
        qs = qs.filter(search_q(f.q.strip()[:50]))
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "residence_region"))
    if f.answer == "again":
        qs = qs.filter(ask_again=True)
    elif f.answer == "none":
        qs = qs.exclude(asked_on__gte=today.replace(month=1, day=1))
    elif f.answer:
        qs = qs.filter(answer=f.answer)
    return qs.select_related("residence_region").order_by("name_order", "pk")


def _changed_since_answer():
    """需重新询问: an assessment completed, or a life event (出院, 迁入…), after the person's
    latest answer — to be used on a query annotated with `asked_on` (the latest answer's day)."""
    from django.db.models import Exists, OuterRef

    from yanglao.assessments.models import Assessment
    from yanglao.elders.models import LifeEvent

    return Exists(
        Assessment.objects.filter(
            elder=OuterRef("pk"),
            status="completed",
            completed_at__date__gt=OuterRef("asked_on"),
        )
    ) | Exists(
        LifeEvent.objects.filter(elder=OuterRef("pk"), date__gt=OuterRef("asked_on"))
    )


def willingness_of(elder) -> list[Willingness]:
    return list(Willingness.objects.filter(elder=elder).select_related("asked_by")[:20])


# --- 集中供养 priority queue ("1+N" network) ----------------------------------------------------------

# The network that takes in 特困 persons: the county's 失能照护中心 and welfare home, and the
# township (regional centre) homes and 敬老院 ("1+N").
NETWORK_TYPES = (
    "county_disability_centre",
    "welfare_home",
    "township_centre_home",
    "tekun_home",
)


def priority_queue(*, by, region_code: str = "", today: dt.date | None = None):
    """The ranked queue of the 特困 persons of the reader's area (or of one region in it) whose
    latest answer is 愿意集中供养 and who do not live in an institution (medical.queue)."""
    from django.db.models import OuterRef, Subquery

    from yanglao.elders.models import Category, Elder, Status
    from yanglao.elders.selectors import active_category_q, elder_scope_q
    from yanglao.facilities.selectors import in_care_q
    from yanglao.medical import queue

    today = today or timezone.localdate()
    latest = Willingness.objects.filter(elder=OuterRef("pk")).order_by(
        "-asked_on", "-pk"
    )
    people = Elder.objects.filter(
        elder_scope_q(by),
        active_category_q(Category.TEKUN, today),
        status=Status.ACTIVE,
    ).exclude(in_care_q(today))
    if region_code:
        people = people.filter(in_region_code_q(region_code, "residence_region"))
    rows = list(
        people.annotate(
            answer=Subquery(latest.values("answer")[:1]),
            since=Subquery(latest.values("asked_on")[:1]),
        )
        .filter(answer=Willingness.Answer.WILLING)
        .values_list("pk", "ability_level", "birth_date", "since")
    )
    dementia = set(
        Elder.objects.filter(
            active_category_q(Category.DEMENTIA, today),
            pk__in=[r[0] for r in rows],
        ).values_list("pk", flat=True)
    )
    candidates = [
        queue.Candidate(
            pk,
            level,
            pk in dementia,
            today.year
            - born.year
            - ((today.month, today.day) < (born.month, born.day)),
            since,
        )
        for pk, level, born, since in rows
    ]
    return queue.ranked(candidates, today)


def network_free_beds(*, by, region_code: str = "", today: dt.date | None = None):
    """The network's open institutions in the area with their free beds in service, 护理型 and
    普通 (a bed is free when no admission holds it)."""
    from yanglao.facilities.models import Admission, Bed, Facility
    from yanglao.facilities.selectors import open_on

    today = today or timezone.localdate()
    homes = Facility.objects.filter(
        facility_scope_q(by), open_on(today), type__in=NETWORK_TYPES
    )
    if region_code:
        homes = homes.filter(in_region_code_q(region_code, "region"))
    taken = Admission.objects.filter(discharged_on__isnull=True).values("bed_id")
    free = Bed.objects.filter(state=Bed.State.IN_SERVICE).exclude(pk__in=taken)
    return list(
        homes.annotate(
            free_nursing=Count(
                "beds", filter=Q(beds__in=free.filter(kind=Bed.Kind.NURSING))
            ),
            free_ordinary=Count(
                "beds", filter=Q(beds__in=free.filter(kind=Bed.Kind.ORDINARY))
            ),
        )
        .select_related("region")
        .order_by("region__code", "name")
    )
