"""Every read of 补贴津贴: programmes and their rules in force, the facts of a region's people as
columns for a cycle, what was already paid for a month, and the lists the pages show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from yanglao.assessments.selectors import completed_since, valid_levels_on
from yanglao.benefits import rules, staff_rules
from yanglao.benefits.models import (
    Application,
    Claim,
    Cycle,
    Entitlement,
    LedgerEntry,
    PaymentBatch,
    PolicyVersion,
    Programme,
)
from yanglao.benefits.staff_rules import BedFacts, StaffFacts
from yanglao.benefits.vector import CATEGORY_BITS, LIVING_CODES, NO_LEVEL, People
from yanglao.core import facility_facts, permissions
from yanglao.core.dates import add_months
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything, user_region_path
from yanglao.elders.models import Elder, ElderCategory, LifeEvent, Status
from yanglao.facilities.models import Admission, Ban, Bed, Staff
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q

# --- programmes and rules --------------------------------------------------------------------------


def programmes_for(region: Region) -> list[Programme]:
    """Active programmes that apply in `region`: those of the region itself and of the regions
    above it (a city's 高龄津贴 applies in each of its counties), in their evaluation order."""
    ancestors = [region.path[: i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    return list(
        Programme.objects.filter(active=True, region__path__in=ancestors)
        .select_related("region")
        .order_by("order", "code")
    )


def programme_names() -> dict[str, str]:
    return dict(Programme.objects.values_list("code", "name"))


def policy_of(
    version: PolicyVersion, names: dict[str, str] | None = None
) -> rules.Policy:
    """The pure policy a stored version describes."""
    p = version.programme
    return rules.policy_from_data(
        programme=p.code,
        name=p.name,
        version=version.version,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        conditions=version.conditions,
        amount=version.amount,
        unit=p.unit,
        region_path=p.region.path,
        region_name=p.region.name,
        programmes=names if names is not None else programme_names(),
    )


def version_in_force(programme: Programme, day: dt.date) -> PolicyVersion | None:
    return (
        programme.versions.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .select_related("programme__region")
        .first()
    )


def item_programme(
    code: str, region: Region, day: dt.date
) -> tuple[Programme, PolicyVersion]:
    """The item programme (按事项, issue 25 §5) `code` that applies in `region` and its version in
    force on `day`; refused, naming the programme, when there is none."""
    found = [p for p in programmes_for(region) if p.code == code]
    if not found or found[0].unit not in rules.ITEM_UNITS:
        raise ValidationFailed(
            {"__all__": f"{region.name}没有启用按事项拨付的补贴项目“{code}”"}
        )
    version = version_in_force(found[0], day)
    if version is None:
        raise ValidationFailed(
            {"__all__": f"{found[0].name}在 {day:%Y年%m月%d日} 没有有效的政策版本"}
        )
    return found[0], version


def item_decision(code: str, elder: Elder, day: dt.date) -> rules.Decision:
    """Whether `elder` meets the conditions of item programme `code` on `day`, with the
    explanation (every condition met or failed) — the bureau's rules as data, read the way a
    cycle reads them."""
    programme, version = item_programme(code, elder.residence_region, day)
    return rules.evaluate(policy_of(version), person_facts(elder, day), day)


def item_standard(code: str, region: Region, day: dt.date) -> tuple[rules.Amount, str]:
    """The amount rule of item programme `code` in force on `day` — its flat standard (per day,
    per bed, or the ceiling per item, as the programme says) and share — and the version's name."""
    programme, version = item_programme(code, region, day)
    return policy_of(version).amount, f"{programme.name}（{version.version}）"


def claims_due(cycle: Cycle) -> QuerySet[Claim]:
    """Item claims of the cycle's region payable in its month that no other approved cycle has
    taken yet."""
    taken = Entitlement.objects.filter(
        claim__isnull=False, cycle__status=Cycle.Status.APPROVED
    ).exclude(cycle=cycle)
    return (
        Claim.objects.filter(
            region__path__startswith=cycle.region.path, month__lte=cycle.month
        )
        .exclude(pk__in=taken.values("claim_id"))
        .select_related("programme", "version")
        .order_by("pk")
    )


def staff_facts_on(month: dt.date, region: Region) -> list[tuple[int, int, StaffFacts]]:
    """(staff id, employer region id, facts) of everyone working in `region`'s facilities and
    providers who was in post some day of `month` — read in two queries, for the cycle."""
    end = add_months(month, 1) - dt.timedelta(days=1)
    rows = (
        Staff.objects.filter(hired_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=month))
        .filter(
            Q(facility__region__path__startswith=region.path)
            | Q(provider__region__path__startswith=region.path)
        )
        .values_list(
            "pk",
            "name",
            "role",
            "skill_level",
            "hired_on",
            "left_on",
            "id_number_hash",
            "facility__region_id",
            "provider__region_id",
        )
        .order_by("pk")
    )
    banned = set(
        Ban.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .values_list("id_number_hash", flat=True)
    )
    return [
        (
            pk,
            fac_region or prov_region,
            StaffFacts(
                name,
                role,
                int(level) if level else None,
                hired,
                left,
                digest in banned,
            ),
        )
        for pk, name, role, level, hired, left, digest, fac_region, prov_region in rows.iterator(
            chunk_size=20000
        )
    ]


def trainees_ending(month: dt.date, region: Region) -> dict[int, list]:
    """Per facility of `region`: (staff id, name, internship end, left on) of its trainees whose
    见习期 ended in the twelve months up to the end of `month` (见习留用补贴)."""
    end = add_months(month, 1) - dt.timedelta(days=1)
    out: dict[int, list] = defaultdict(list)
    for pk, name, until, left, facility in Staff.objects.filter(
        internship_until__gt=add_months(end, -12),
        internship_until__lte=end,
        facility__region__path__startswith=region.path,
    ).values_list("pk", "name", "internship_until", "left_on", "facility_id"):
        out[facility].append((pk, name, until, left))
    return out


def new_beds(month: dt.date, region: Region) -> list[tuple[int, int, int, BedFacts]]:
    """(bed id, facility id, region id, facts) of beds of `region` accepted by the end of
    `month` and built since the start of the 十四五 plan (a construction subsidy's candidates)."""
    end = add_months(month, 1) - dt.timedelta(days=1)
    rows = Bed.objects.filter(
        accepted_on__isnull=False,
        accepted_on__lte=end,
        facility__region__path__startswith=region.path,
    ).values_list(
        "pk",
        "code",
        "kind",
        "created_on",
        "accepted_on",
        "facility_id",
        "facility__name",
        "facility__ownership",
        "facility__membership_fee",
        "facility__region_id",
    )
    return [
        (pk, fac, reg, BedFacts(code, name, kind, own, fee, created, accepted))
        for pk, code, kind, created, accepted, fac, name, own, fee, reg in rows
    ]


def previous_staff(month: dt.date, programme: Programme) -> dict[int, int]:
    """Last month's approved amounts of a monthly staff programme, by person."""
    rows = Entitlement.objects.filter(
        programme=programme,
        cycle__status=Cycle.Status.APPROVED,
        month=add_months(month, -1),
        kind=Entitlement.Kind.REGULAR,
        staff__isnull=False,
    ).values_list("staff_id", "amount_fen")
    return dict(rows)


def facility_regions(ids: list[int]) -> dict[int, int]:
    from yanglao.facilities.models import Facility

    return dict(Facility.objects.filter(pk__in=ids).values_list("pk", "region_id"))


def staff_check(
    staff: Staff, month: dt.date
) -> list[tuple[Programme, rules.Decision, bool]]:
    """Every staff programme in force where `staff` works, decided for `month` with the reasons
    (who was not paid, and why), and whether a one-off was already paid."""
    region = (staff.facility or staff.provider).region
    out = []
    names = programme_names()
    banned = Ban.objects.filter(
        id_number_hash=staff.id_number_hash, start_date__lte=add_months(month, 1)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
    facts = StaffFacts(
        staff.name,
        staff.role,
        int(staff.skill_level) if staff.skill_level else None,
        staff.hired_on,
        staff.left_on,
        banned.exists(),
    )
    for programme in programmes_for(region):
        if programme.unit != Programme.Unit.STAFF:
            continue
        version = version_in_force(programme, month)
        if version is None:
            continue
        policy = policy_of(version, names)
        rule, _errors = staff_rules.rule_from_data(
            version.conditions, policy.amount, programme.unit
        )
        decision = staff_rules.evaluate_staff(
            rule, policy.amount, facts, month, programme.name, version.effective_from
        )
        once = rule.kind == "entry" and staff.pk in paid_once(programme, "staff_id")
        out.append((programme, decision, once))
    return out


def staff_paid(staff: Staff) -> QuerySet[Entitlement]:
    """What approved cycles decided for a staff member, newest first."""
    return (
        Entitlement.objects.filter(staff=staff, cycle__status=Cycle.Status.APPROVED)
        .select_related("programme", "cycle")
        .order_by("-month", "programme__order")
    )


def paid_once(programme: Programme, field: str) -> set[int]:
    """Ids (`field`: staff_id or bed_id) an approved cycle has already paid under a one-off
    programme."""
    return set(
        Entitlement.objects.filter(
            programme=programme, cycle__status=Cycle.Status.APPROVED
        )
        .exclude(**{field: None})
        .values_list(field, flat=True)
    )


def programme_get(*, by, pk: int) -> Programme:
    p = Programme.objects.select_related("region").filter(pk=pk).first()
    if p is None or not _sees_region(by, p.region):
        raise NotInScope
    return p


def _benefit_rows_q(by, region_field: str) -> Q:
    """Entitlements and applications a user may see: those in their subtree, if they work with
    subsidies at all."""
    if not permissions.may_view_benefits(by):
        return Q(pk__in=[])
    return in_scope_q(by, region_field)


def _sees_region(user, region: Region) -> bool:
    """A programme or cycle is visible to the staff of its region, of the regions above, and
    below it — if they work with subsidies at all (core.permissions.may_view_benefits). What a
    cycle holds is then shown only for the user's own subtree (`entitlements`)."""
    if not permissions.may_view_benefits(user):
        return False
    if sees_everything(user):
        return True
    own = user_region_path(user) or ""
    return bool(own) and (region.path.startswith(own) or own.startswith(region.path))


def programme_list(*, by) -> list[Programme]:
    return [
        p
        for p in Programme.objects.select_related("region").annotate(
            n_versions=Count("versions")
        )
        if _sees_region(by, p.region)
    ]


# --- a region's people as columns ------------------------------------------------------------------


# The birth date as a yyyymmdd integer, computed by the database (on SQLite, Django's own date
# functions run in Python once per row: a million calls).
BIRTH_SQL = {
    "sqlite": "CAST(strftime('%%Y%%m%%d', e.birth_date) AS INTEGER)",
    "postgresql": "CAST(to_char(e.birth_date, 'YYYYMMDD') AS INTEGER)",
}


def _elder_rows(path: str, elder_ids):
    """(id, birth yyyymmdd, hukou, residence, living, status, died_on) of the people living under
    `path` (or of `elder_ids`): one plain query, no join (the region subtree is a sub-select),
    rows fetched in chunks, in no particular order."""
    elder, region = Elder._meta.db_table, Region._meta.db_table
    sql = (
        f"SELECT e.id, {BIRTH_SQL[connection.vendor]}, e.hukou_region_id, e.residence_region_id,"
        f" e.living_arrangement, e.status, e.died_on FROM {elder} e WHERE e.status <> %s"
    )
    params: list = [Status.MERGED.value]
    if path:
        sql += f" AND e.residence_region_id IN (SELECT id FROM {region} WHERE path LIKE %s)"
        params.append(path + "%")
    if elder_ids is not None:
        ids = [int(x) for x in elder_ids] or [0]
        sql += f" AND e.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(
            sql, params
        )  # unordered: sorted in memory, far cheaper than in SQL
        while chunk := cursor.fetchmany(50000):
            yield from chunk


def people_on(
    day: dt.date,
    *,
    region: Region | None = None,
    elder_ids=None,
    progress=lambda message: None,
) -> People:
    """The facts of the people living in `region` (or of `elder_ids`) on `day`, as columns: age
    from the birth date, hukou and residence, living arrangement, hardship categories in force,
    the level of the latest valid assessment, an open admission to an institution, and whether
    the person had died or moved away before the day. A handful of queries, whatever the size."""
    path = region.path if region is not None else ""
    ids, births, hukou, residence, living = [], [], [], [], []
    gone_status: list[tuple[int, int, str, dt.date | None]] = []
    living_code = LIVING_CODES.get
    for i, (pk, birth, hk, res, liv, status, died) in enumerate(
        _elder_rows(path, elder_ids)
    ):
        ids.append(pk)
        births.append(birth)
        hukou.append(hk or 0)
        residence.append(res)
        living.append(living_code(liv, 0))
        if status != Status.ACTIVE:
            if isinstance(died, str):  # SQLite gives a plain cursor dates as text
                died = dt.date.fromisoformat(died)
            gone_status.append((i, pk, status, died))
    progress(f"已读取 {len(ids):,} 位老年人的基本信息")
    order = np.argsort(np.array(ids, dtype=np.int64), kind="stable")
    people = People(
        elder_id=np.array(ids, dtype=np.int64)[order],
        birth=np.array(births, dtype=np.int32)[order],
        hukou=np.array(hukou, dtype=np.int64)[order],
        residence=np.array(residence, dtype=np.int64)[order],
        living=np.array(living, dtype=np.int8)[order],
        categories=np.zeros(len(ids), dtype=np.int32),
        level=np.full(len(ids), NO_LEVEL, dtype=np.int8),
        facility=np.zeros(len(ids), dtype=np.int64),
    )
    row_of = np.empty(len(ids), dtype=np.int64)  # where each fetched row went
    row_of[order] = np.arange(len(ids))
    gone_status = [
        (int(row_of[i]), pk, status, died) for i, pk, status, died in gone_status
    ]
    del ids, births, hukou, residence, living
    people.gone = _gone_on(day, gone_status)
    # Categories, levels and admissions are read for everybody (or the given people) without a
    # join and matched to the rows by id: people outside the region simply find no row.
    scope = {"elder_id__in": list(elder_ids)} if elder_ids is not None else {}
    _fill_categories(people, day, scope)
    levels = valid_levels_on(day, elder_ids=elder_ids)
    if levels:
        who, level = np.array(levels, dtype=np.int64).T
        index, found = _index_of(people, who)
        people.level[index[found]] = level[found]
    admissions = (
        Admission.objects.filter(**scope, admitted_on__lte=day)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=day))
        .values_list("elder_id", "bed__facility_id")
    )
    admitted = list(admissions)
    if admitted:
        who, facility = np.array(admitted, dtype=np.int64).T
        index, found = _index_of(people, who)
        people.facility[index[found]] = facility[found]
    _fill_facility_grades(people, day)
    progress("已读取困难类别、能力等级和入住信息")
    return people


def _fill_facility_grades(people: People, day: dt.date) -> None:
    """The valid grade of each resident's institution on the day, and the rank of its latest
    yearly evaluation (core.facility_facts: both are supervision's; benefits names no table of
    it)."""
    people.facility_grade = _per_resident(people, facility_facts.grades_on(day))
    people.facility_evaluation = _per_resident(
        people, facility_facts.evaluations_on(day)
    )


def _per_resident(people: People, by_facility: dict[int, int]) -> np.ndarray:
    """{facility id: small number} spread over the people living in those institutions (0 for
    the others and for people at home)."""
    if not by_facility:
        return np.zeros(len(people), dtype=np.int8)
    ids = np.fromiter(by_facility, dtype=np.int64)
    values = np.fromiter(by_facility.values(), dtype=np.int8)
    order = np.argsort(ids)
    ids, values = ids[order], values[order]
    at = np.minimum(np.searchsorted(ids, people.facility), len(ids) - 1)
    hit = (ids[at] == people.facility) & (people.facility != 0)
    return np.where(hit, values[at], 0).astype(np.int8)


def _index_of(people: People, elder_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of `elder_ids` in the (sorted) id column, and which of them are there."""
    index = np.searchsorted(people.elder_id, elder_ids)
    index = np.minimum(index, max(len(people) - 1, 0))
    found = (
        people.elder_id[index] == elder_ids
        if len(people)
        else np.zeros(len(elder_ids), bool)
    )
    return index, found


def _fill_categories(people: People, day: dt.date, scope: dict) -> None:
    rows = (
        ElderCategory.objects.filter(**scope, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .values_list("elder_id", "category")
    )
    pairs = [
        (e, CATEGORY_BITS[c])
        for e, c in rows.iterator(chunk_size=50000)
        if c in CATEGORY_BITS
    ]
    if not pairs:
        return
    who, bits = np.array(pairs, dtype=np.int64).T
    index, found = _index_of(people, who)
    np.bitwise_or.at(people.categories, index[found], bits[found].astype(np.int32))


def _gone_on(day: dt.date, gone_status) -> dict[int, str]:
    """Reasons for the people who had died or moved away before `day` (they are paid for the
    month in which it happened, not after)."""
    moved = {pk for _i, pk, status, _d in gone_status if status == Status.MOVED_OUT}
    moved_on = (
        dict(
            LifeEvent.objects.filter(elder_id__in=moved, kind=LifeEvent.Kind.MOVE_OUT)
            .order_by("elder_id", "date")
            .values_list("elder_id", "date")
        )
        if moved
        else {}
    )
    gone = {}
    for i, pk, status, died in gone_status:
        if status == Status.DECEASED:
            if died is None:
                gone[i] = "已登记死亡（日期未登记）"
            elif died < day:
                gone[i] = f"{died:%Y年%m月%d日}死亡"
        elif status == Status.MOVED_OUT:
            on = moved_on.get(pk)
            if on is None or on < day:
                gone[i] = f"{on:%Y年%m月%d日}迁出" if on else "已迁出"
    return gone


def person_facts(
    elder: Elder, day: dt.date, receiving: frozenset[str] = frozenset()
) -> rules.Facts:
    """One person's facts on `day`, read the same way a cycle reads them."""
    people = people_on(day, elder_ids=[elder.pk])
    paths = region_paths()
    return people.facts(0, day, paths, receiving)


def region_paths() -> dict[int, str]:
    return dict(Region.objects.values_list("pk", "path"))


# --- what earlier cycles decided ------------------------------------------------------------------


def approved_cycles(region: Region, months) -> list[Cycle]:
    """Approved cycles of `months` whose region overlaps `region` (the same, above or below)."""
    return [
        c
        for c in Cycle.objects.filter(
            month__in=list(months), status=Cycle.Status.APPROVED
        ).select_related("region")
        if c.region.path.startswith(region.path)
        or region.path.startswith(c.region.path)
    ]


def paid_for(
    months, elder_ids=None, region: Region | None = None
) -> dict[tuple[int, int, dt.date], int]:
    """What approved cycles decided for (elder, programme, month), back-pay and recovery included."""
    rows = Entitlement.objects.filter(
        month__in=list(months), cycle__status=Cycle.Status.APPROVED
    )
    if elder_ids is not None:
        rows = rows.filter(elder_id__in=list(elder_ids))
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    totals = rows.values_list("elder_id", "programme_id", "month").annotate(
        total=Sum("amount_fen")
    )
    return {(e, p, m): t for e, p, m, t in totals}


def previous_regular(
    cycle_month: dt.date, region: Region
) -> dict[tuple[int, int], int]:
    """Last month's regular entitlements (elder, programme) → amount, from its approved cycle."""
    month = add_months(cycle_month, -1)
    rows = Entitlement.objects.filter(
        cycle__status=Cycle.Status.APPROVED,
        cycle__month=month,
        month=month,
        kind=Entitlement.Kind.REGULAR,
        region__path__startswith=region.path,
        elder__isnull=False,
    ).values_list("elder_id", "programme_id", "amount_fen")
    return {(e, p): a for e, p, a in rows.iterator(chunk_size=50000)}


def changed_since(moment, region: Region) -> set[int]:
    """People of `region` whose facts changed after `moment`: a late death or move notice, a
    category added or ended, a new assessment result, an application decided. Their earlier paid
    months are re-checked (back-pay and recovery). Each table is read by its timestamp alone, and
    the few people found are then kept to the region."""
    changed = set(
        Elder.objects.filter(updated_at__gt=moment).values_list("pk", flat=True)
    )
    changed |= set(
        LifeEvent.objects.filter(recorded_at__gt=moment).values_list(
            "elder_id", flat=True
        )
    )
    changed |= set(
        ElderCategory.objects.filter(updated_at__gt=moment).values_list(
            "elder_id", flat=True
        )
    )
    changed |= completed_since(moment)
    changed |= set(
        Application.objects.filter(decided_at__gt=moment).values_list(
            "elder_id", flat=True
        )
    )
    if not changed:
        return set()
    subtree = Region.objects.filter(path__startswith=region.path).values("pk")
    found: set[int] = set()
    ids = sorted(changed)
    for start in range(0, len(ids), 5000):
        found |= set(
            Elder.objects.filter(
                pk__in=ids[start : start + 5000], residence_region_id__in=subtree
            ).values_list("pk", flat=True)
        )
    return found


def enrolled(programme: Programme, month: dt.date, elder_ids=None) -> np.ndarray:
    """People with an approved application covering `month` (programmes that need one)."""
    rows = Application.objects.filter(
        programme=programme, from_month__lte=month
    ).filter(
        Q(status=Application.Status.APPROVED)
        | Q(status=Application.Status.ENDED, ended_month__gt=month)
    )
    if elder_ids is not None:
        rows = rows.filter(elder_id__in=list(elder_ids))
    return np.array(sorted(rows.values_list("elder_id", flat=True)), dtype=np.int64)


# --- pages: cycles ---------------------------------------------------------------------------------


def cycle_list(*, by) -> list[Cycle]:
    return [
        c
        for c in Cycle.objects.select_related("region", "run_by", "approved_by")
        if _sees_region(by, c.region)
    ]


def cycle_get(*, by, pk: int) -> Cycle:
    c = (
        Cycle.objects.select_related("region", "run_by", "approved_by")
        .filter(pk=pk)
        .first()
    )
    if c is None or not _sees_region(by, c.region):
        raise NotInScope
    return c


def entitlements(
    *,
    by,
    cycle: Cycle,
    programme: int | None = None,
    kind: str = "",
    change: str = "",
    q: str = "",
) -> QuerySet[Entitlement]:
    rows = cycle.entitlements.select_related(
        "elder", "programme", "facility", "region", "staff"
    )
    rows = rows.filter(_benefit_rows_q(by, "region"))
    if programme:
        rows = rows.filter(programme_id=programme)
    if kind:
        rows = rows.filter(kind=kind)
    if change:
        rows = rows.filter(change=change)
    if q:
        rows = rows.filter(
            Q(elder__name__icontains=q)
            | Q(explanation__icontains=q)
            | Q(tier__icontains=q)
        )
    return rows.order_by("programme__order", "region__path", "elder__name", "month")


def previous_approved_cycle(cycle: Cycle) -> Cycle | None:
    """The same area's approved cycle of the month before (what the approver compares with)."""
    last_month = (cycle.month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return (
        Cycle.objects.filter(
            region=cycle.region, month=last_month, status=Cycle.Status.APPROVED
        )
        .order_by("-approved_at")
        .first()
    )


def cycle_diff(cycle: Cycle) -> list[dict]:
    """New, changed and stopped people against last month, per programme (the cycle page)."""
    rows = (
        cycle.entitlements.filter(
            change__in=["new", "changed", "stopped", "correction"]
        )
        .values("programme__name", "change")
        .annotate(n=Count("id"), total=Sum("amount_fen"), before=Sum("previous_fen"))
        .order_by("programme__name", "change")
    )
    return list(rows)


def person_history(*, by, elder: Elder) -> list[Entitlement]:
    """A person's benefits (the caller has read `elder` through elders.selectors, in scope)."""
    if not permissions.may_view_benefits(by):
        return []
    return list(
        Entitlement.objects.filter(elder=elder)
        .exclude(cycle__status=Cycle.Status.RUNNING)
        .select_related("programme", "cycle", "facility")
        .order_by("-month", "programme__order", "-id")[:240]
    )


def spending_by_month(*, by, months: int = 12) -> list[tuple[dt.date, str, int]]:
    """Approved amounts per month and programme (the spending chart)."""
    rows = Entitlement.objects.filter(cycle__status=Cycle.Status.APPROVED)
    rows = rows.filter(_benefit_rows_q(by, "region"))
    totals = (
        rows.values_list("cycle__month", "programme__name")
        .annotate(total=Sum("amount_fen"))
        .order_by("-cycle__month", "programme__name")
    )
    recent = sorted({m for m, _p, _t in totals}, reverse=True)[:months]
    return [(m, p, t) for m, p, t in totals if m in recent]


# --- pages: applications ---------------------------------------------------------------------------


def application_get(*, by, pk: int) -> Application:
    a = (
        Application.objects.select_related(
            "programme__region", "elder__residence_region", "submitted_by"
        )
        .prefetch_related("decisions__by", "attachments")
        .filter(pk=pk)
        .first()
    )
    if a is None or not region_path_allowed(by, a.elder.residence_region.path):
        raise NotInScope
    return a


def applications(
    *,
    by,
    status: str = "",
    mine: bool = False,
    q: str = "",
    programme: int | None = None,
):
    """Applications in the user's area; `mine` keeps those waiting at a step the user decides."""
    rows = Application.objects.select_related(
        "programme", "elder__residence_region", "submitted_by"
    )
    rows = rows.filter(_benefit_rows_q(by, "elder__residence_region"))
    if status:
        rows = rows.filter(status=status)
    if programme:
        rows = rows.filter(programme_id=programme)
    if q:
        rows = rows.filter(Q(elder__name__icontains=q) | Q(applicant_name__icontains=q))
    if mine:
        rows = [
            a
            for a in rows.filter(status=Application.Status.PENDING)
            if waiting_for(a, by)
        ]
    return rows


def waiting_for(application: Application, user) -> bool:
    """Whether `user` may decide the application's current step (role, and not a step already
    decided or filed by the same person)."""
    steps = application.programme.steps
    if application.status != Application.Status.PENDING or application.step >= len(
        steps
    ):
        return False
    if application.submitted_by_id == user.pk:
        return False
    role = steps[application.step]
    return permissions.decides_step(user, role) and not any(
        d.by_id == user.pk for d in application.decisions.all()
    )


# --- payments --------------------------------------------------------------------------------------


def payee_key(elder_id, facility_id, staff_id=None) -> tuple[str, int]:
    """Who is paid for a row: the institution when there is one (per resident, per bed, per
    trainee kept, a respite stay), else the staff member, else the older person."""
    if facility_id:
        return ("facility", facility_id)
    if staff_id:
        return ("staff", staff_id)
    return ("elder", elder_id)


def balances(region: Region | None = None) -> dict[tuple[str, int], int]:
    """What each payee is owed now: everything approved cycles decided for them, less what has
    gone out (issued and not failed) plus what was returned. Negative: to be recovered."""
    owed: dict[tuple[str, int], int] = defaultdict(int)
    rows = Entitlement.objects.filter(cycle__status=Cycle.Status.APPROVED)
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    for elder, facility, staff, total in (
        rows.values_list("elder_id", "facility_id", "staff_id")
        .annotate(total=Sum("amount_fen"))
        .iterator()
    ):
        owed[payee_key(elder, facility, staff)] += total
    for key, amount in ledger_out().items():
        if key in owed or region is None:
            owed[key] -= amount
    return dict(owed)


def ledger_out() -> dict[tuple[str, int], int]:
    """Money out per payee: payments issued whose latest state is not failed, less returns."""
    issued: dict[str, tuple[tuple[str, int], int]] = {}
    failed: set[str] = set()
    returned: dict[tuple[str, int], int] = defaultdict(int)
    rows = LedgerEntry.objects.order_by("id").values_list(
        "ref", "event", "elder_id", "facility_id", "staff_id", "amount_fen"
    )
    for ref, event, elder, facility, staff, amount in rows.iterator(chunk_size=20000):
        key = payee_key(elder, facility, staff)
        if event == LedgerEntry.Event.ISSUED:
            issued[ref] = (key, amount)
        elif event == LedgerEntry.Event.FAILED:
            failed.add(ref)
        elif event == LedgerEntry.Event.PAID:
            failed.discard(ref)
        else:  # RETURNED: money back from an overpaid payee
            returned[key] += amount
    out: dict[tuple[str, int], int] = defaultdict(int)
    for ref, (key, amount) in issued.items():
        if ref not in failed:
            out[key] += amount
    for key, amount in returned.items():
        out[key] -= amount
    return dict(out)


def batch_get(*, by, pk: int) -> PaymentBatch:
    b = PaymentBatch.objects.select_related("cycle__region").filter(pk=pk).first()
    if b is None or not _sees_batch(by, b):
        raise NotInScope
    return b


def _sees_batch(user, batch: PaymentBatch) -> bool:
    """A payment batch lists every payee of its cycle's region with their bank account: it is
    visible only to bureau staff whose subtree holds that whole region — never to the staff of a
    region below it, who would see other areas' payees (issue 20, finding 1)."""
    if not permissions.may_download_bank_file(user):
        return False
    region = batch.cycle.region if batch.cycle_id else None
    return region is not None and region_path_allowed(user, region.path)


def batch_payments(batch: PaymentBatch) -> list[dict]:
    """The batch's payments with their latest state."""
    state: dict[str, str] = {}
    reason: dict[str, str] = {}
    issued = []
    for e in batch.entries.order_by("id"):
        issued.append(e)
    refs = [e.ref for e in issued]
    for ref, event, why in (
        LedgerEntry.objects.filter(ref__in=refs)
        .exclude(event=LedgerEntry.Event.ISSUED)
        .order_by("id")
        .values_list("ref", "event", "reason")
    ):
        state[ref], reason[ref] = event, why
    return [
        {
            "entry": e,
            "state": state.get(e.ref, "issued"),
            "reason": reason.get(e.ref, ""),
        }
        for e in issued
        if e.event == LedgerEntry.Event.ISSUED
    ]


def payees(entries) -> dict[int, Elder]:
    """The older people behind a batch's payments (read through batch_get, in scope), by id."""
    ids = [e.elder_id for e in entries if e.elder_id]
    return {e.pk: e for e in Elder.objects.filter(pk__in=ids)}


def batch_banks(batch: PaymentBatch) -> list[dict]:
    return list(
        batch.entries.filter(event=LedgerEntry.Event.ISSUED)
        .values("bank")
        .annotate(n=Count("id"), total=Sum("amount_fen"))
        .order_by("bank")
    )


def recovery_list(region: Region | None = None) -> list[dict]:
    """Payees who were paid more than they were due (a late death notice): amounts to recover."""
    rows = []
    for (kind, pk), balance in balances(region).items():
        if balance < 0:
            rows.append({"kind": kind, "pk": pk, "amount_fen": -balance})
    elders = {
        e.pk: e
        for e in Elder.objects.filter(
            pk__in=[r["pk"] for r in rows if r["kind"] == "elder"]
        )
    }
    for r in rows:
        r["elder"] = elders.get(r["pk"]) if r["kind"] == "elder" else None
    return sorted(rows, key=lambda r: -r["amount_fen"])


def totals_by(cycle: Cycle, field: str) -> list[dict]:
    return list(
        cycle.entitlements.values(field)
        .annotate(n=Count("id"), total=Sum("amount_fen"))
        .order_by(field)
    )


def decided_amount_fen(programme_code: str, elder_id: int, month: dt.date) -> int:
    """What approved cycles decided for one person under a programme for `month` (regular
    entitlements only), for a subsidy that is used as a service voucher (homecare quotas)."""
    total = Entitlement.objects.filter(
        programme__code=programme_code,
        elder_id=elder_id,
        month=month,
        kind=Entitlement.Kind.REGULAR,
        cycle__status=Cycle.Status.APPROVED,
    ).aggregate(t=Sum("amount_fen"))["t"]
    return total or 0
