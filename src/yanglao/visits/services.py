"""Every write of 探访关爱: the monthly roster and plan (built from the registry by the rules, with
visitors assigned by area and load), visit records (checked, de-duplicated) and the follow-ups
their findings create."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.assessments.selectors import ability_levels_on
from yanglao.assessments.services import assessment_apply
from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.bulk import bulk_insert
from yanglao.core.bulk_actions import BulkOutcome, run_each
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.idnumber import age_on
from yanglao.core.photos import photo_problem, photo_type
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder, ElderCategory
from yanglao.facilities.selectors import residence_facility
from yanglao.medical.selectors import (
    open_home_bed_ids,
    referral_open_for,
    referral_targets,
)
from yanglao.medical.services import referral_request
from yanglao.regions.models import Region
from yanglao.visits import rules
from yanglao.visits.models import FollowUp, RosterEntry, Visit, VisitRule
from yanglao.visits.selectors import entry_get

VISITOR_ROLES = {
    permissions.Role.COMMUNITY
}  # who is given visits to make (core.permissions.may_visit)
# Findings a visitor can tick, and where each goes (issue 8 §3).
FINDINGS = {
    "需要能力评估": FollowUp.Route.ASSESSMENT,
    "需要上门服务": FollowUp.Route.HOMECARE,
    "生活困难需补贴": FollowUp.Route.SUBSIDY,
    "疑似受虐待": FollowUp.Route.URGENT,
    "无人照料": FollowUp.Route.URGENT,
    "药品将用完": FollowUp.Route.HOSPITAL,
    "身体不适需就医": FollowUp.Route.HOSPITAL,
    "无取暖/降温": FollowUp.Route.COMMUNITY,
    "跌倒风险": FollowUp.Route.COMMUNITY,
    "居住环境不安全": FollowUp.Route.COMMUNITY,
}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- roster and plan ----------------------------------------------------------------------------


def roster_build(
    *, month: dt.date, by=None, progress=lambda message: None
) -> dict[str, int]:
    """Build (or bring up to date) the roster of `month` for the whole registry: who is on it and
    why, how many visits each needs, and a visitor for each by area and load. Existing
    assignments are kept; people who no longer qualify (died, moved away, facts changed) leave the
    roster unless they were already visited this month."""
    month = month_start(month)
    day = (
        min(timezone.localdate(), _month_end(month))
        if month <= timezone.localdate()
        else month
    )
    rural = dict(
        Region.objects.filter(level=Region.Level.VILLAGE).values_list("pk", "is_urban")
    )
    held: dict[int, set[str]] = defaultdict(set)
    active = ElderCategory.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)
    )
    for elder_id, category in active.values_list("elder_id", "category").iterator(
        chunk_size=5000
    ):
        held[elder_id].add(category)
    levels = {k: v.level for k, v in ability_levels_on(None, day).items()}
    progress("读取档案")
    needs: dict[int, tuple[int, rules.Need, bool]] = {}
    rulebook = region_rules()
    decided: dict[tuple, tuple[rules.Need | None, bool]] = {}  # few distinct fact sets
    people = Elder.objects.filter(status="active").values_list(
        "pk", "birth_date", "living_arrangement", "residence_region_id"
    )
    for pk, birth, living, region_id in people.iterator(chunk_size=5000):
        facts = rules.Facts(
            age=age_on(birth, day),
            living=living,
            categories=frozenset(held.get(pk, ())),
            ability_level=levels.get(pk),
            rural=rural.get(region_id) is False,
        )
        applying = rulebook(region_id)
        key = (id(applying), facts)
        known = decided.get(key)
        if known is None:
            known = decided[key] = (
                rules.need_for(facts, applying),
                rules.is_rural_disabled(facts),
            )
        if known[0] is not None:
            needs[pk] = (region_id, known[0], known[1])
    progress("计算名单")
    home_beds = open_home_bed_ids()
    existing = {
        e["elder_id"]: e
        for e in RosterEntry.objects.filter(month=month).values(
            "id",
            "elder_id",
            "visits_required",
            "reasons",
            "visitor_id",
            "visits_done",
            "region_id",
        )
    }
    with transaction.atomic():
        gone = [
            e["id"]
            for k, e in existing.items()
            if k not in needs and e["visits_done"] == 0
        ]
        for i in range(0, len(gone), 500):
            RosterEntry.objects.filter(pk__in=gone[i : i + 500]).delete()
        new_people = [
            (pk, region) for pk, (region, _n, _r) in needs.items() if pk not in existing
        ]
        visitors = _visitor_loads(month)
        chosen = rules.assign(new_people, visitors)
        bulk_insert(
            RosterEntry,
            (
                {
                    "month": month,
                    "elder_id": pk,
                    "region_id": needs[pk][0],
                    "visits_required": needs[pk][1].visits_per_month,
                    "phone_counts": needs[pk][1].phone_counts,
                    "reasons": list(needs[pk][1].reasons),
                    "rural_disabled": needs[pk][2],
                    "home_bed": pk in home_beds,
                    "visitor_id": chosen.get(pk),
                    "visits_done": 0,
                }
                for pk, _region in new_people
            ),
        )
        changed = _refresh(month, existing, needs)
        _mark_home_beds(month, home_beds)
        counts = {
            "rostered": len(needs),
            "added": len(new_people),
            "removed": len(gone),
            "changed": changed,
            "unassigned": sum(1 for v in chosen.values() if v is None),
        }
        audit(
            by=by,
            action="event",
            object_type="visits.roster",
            summary=f"{month:%Y年%m月}探访名单：{counts}",
        )
    return counts


def region_rules():
    """region id → the rules that apply there: those of the nearest region above it (or itself)
    with active rules of its own, else the defaults."""
    own: dict[str, list[rules.Rule]] = defaultdict(list)
    for r in VisitRule.objects.filter(active=True).select_related("region"):
        own[r.region.path].append(
            rules.Rule(
                r.name,
                r.visits_per_month,
                living=frozenset(r.living),
                categories=frozenset(r.categories),
                min_ability_level=r.min_ability_level,
                min_age=r.min_age,
                all_of=("all",) if r.all_required else (),
                phone_counts=r.phone_counts,
            )
        )
    frozen = {path: tuple(found) for path, found in own.items()}
    paths = dict(Region.objects.values_list("pk", "path"))
    cache: dict[int, tuple[rules.Rule, ...]] = {}

    def lookup(region_id: int) -> tuple[rules.Rule, ...]:
        if region_id not in cache:
            path = paths.get(region_id, "")
            best = rules.DEFAULT_RULES
            for prefix in sorted((p for p in frozen if path.startswith(p)), key=len):
                best = frozen[prefix]
            cache[region_id] = best
        return cache[region_id]

    return lookup


def _month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def _visitor_loads(month: dt.date) -> list[rules.Load]:
    """Community workers cover their own community/village (and what lies below it)."""
    from yanglao.accounts.models import User

    loads = {}
    for user_id, region_id, path in User.objects.filter(
        role__in=VISITOR_ROLES, is_active=True, region__isnull=False
    ).values_list("pk", "region_id", "region__path"):
        covered = set(
            Region.objects.filter(path__startswith=path).values_list("pk", flat=True)
        )
        loads[user_id] = rules.Load(
            user_id, regions=covered | {region_id}, capacity=settings.VISITS_PER_VISITOR
        )
    taken = RosterEntry.objects.filter(month=month, visitor__isnull=False).values_list(
        "visitor_id", flat=True
    )
    for visitor_id in taken:
        if visitor_id in loads:
            loads[visitor_id].assigned += 1
    return list(loads.values())


def _mark_home_beds(month, home_beds: set[int]) -> None:
    """Whether each entry's person has a 家庭病床 open now (set both ways: beds open and close)."""
    entries = RosterEntry.objects.filter(month=month)
    entries.filter(home_bed=True).exclude(elder_id__in=home_beds).update(home_bed=False)
    ids = list(home_beds)
    for i in range(0, len(ids), 500):
        entries.filter(elder_id__in=ids[i : i + 500], home_bed=False).update(
            home_bed=True
        )


def _refresh(month, existing, needs) -> int:
    """Entries whose rule result changed (e.g. a new 失能 result makes visits weekly)."""
    stale = []
    for pk, entry in existing.items():
        if pk not in needs:
            continue
        region, need, rural_disabled = needs[pk]
        if entry["visits_required"] != need.visits_per_month or entry[
            "reasons"
        ] != list(need.reasons):
            stale.append((entry["id"], need, rural_disabled, region))
    for entry_id, need, rural_disabled, region in stale:
        RosterEntry.objects.filter(pk=entry_id).update(
            visits_required=need.visits_per_month,
            reasons=list(need.reasons),
            phone_counts=need.phone_counts,
            rural_disabled=rural_disabled,
            region_id=region,
        )
    return len(stale)


def entry_assign(*, by, entry: RosterEntry, visitor) -> RosterEntry:
    """The community changes who visits a person."""
    if not permissions.may_write_registry(by):
        raise ValidationFailed({"__all__": "您的角色不能调整探访安排"})
    if (
        not permissions.may_visit(visitor)
        or not visitor.region_id
        or not entry.region.path.startswith(visitor.region.path)
    ):
        raise ValidationFailed({"visitor": "探访人须是负责该社区/村的工作人员"})
    entry.visitor = visitor
    entry.save(update_fields=["visitor"])
    audit(by=by, action="update", obj=entry, summary=f"探访人改为 {visitor}")
    return entry


# --- visits -----------------------------------------------------------------------------------------


def visit_record(
    *,
    by,
    entry: RosterEntry,
    kind: str,
    visited_at: dt.datetime,
    client_id: str,
    lat: float | None = None,
    lng: float | None = None,
    health: str = "",
    safety: str = "",
    living: str = "",
    mood: str = "",
    needs: str = "",
    findings: list[str] | None = None,
    confirmed: bool = False,
    photo=None,
) -> Visit:
    """记录探访. The same submission twice (a flaky phone) returns the first record. Refused: a
    person not on the visitor's list (nor in the recorder's area), a visit in the future or
    outside the entry's month, an 上门 check-in far from the home."""
    client_id = (client_id or "").strip()
    if client_id:
        earlier = Visit.objects.filter(client_id=client_id).first()
        if earlier is not None:
            if earlier.entry_id == entry.pk and earlier.visitor_id == by.pk:
                return earlier  # the same phone sending the same record again
            raise ValidationFailed(
                {"client_id": "提交编号已被另一条探访记录使用，请刷新页面后重新填写"}
            )
    errors: dict[str, str] = {}
    own = entry.visitor_id == by.pk
    in_area = permissions.may_write_registry(by) and region_path_allowed(
        by, entry.region.path
    )
    if not (own or in_area):
        raise NotInScope(entry.pk)
    # Another community worker's person: refused with the reason (the community reassigns first);
    # street and bureau staff, and anyone for a person nobody has been given, may record.
    if not own and permissions.is_community_worker(by) and entry.visitor_id is not None:
        raise ValidationFailed(
            {
                "__all__": f"该老人不在您的探访名单中（由 {entry.visitor} 负责）；如需代为探访，请先在探访安排中调整"
            }
        )
    if kind not in Visit.Kind.values:
        errors["kind"] = "探访方式应为上门或电话"
    if not client_id:
        errors["client_id"] = "缺少提交编号"
    now = timezone.now()
    if visited_at > now + dt.timedelta(minutes=5):
        errors["visited_at"] = "探访时间不能在未来"
    elif month_start(timezone.localtime(visited_at).date()) != entry.month:
        errors["visited_at"] = f"探访时间不在{entry.month:%Y年%m月}"
    findings = list(dict.fromkeys(findings or []))
    unknown = [f for f in findings if f not in FINDINGS]
    if unknown:
        errors["findings"] = f"未知的问题标签：{'、'.join(unknown)}"
    elder = entry.elder
    distance = None
    if kind == Visit.Kind.HOME:
        if lat is None or lng is None:
            errors["lat"] = "上门探访需要签到位置（请允许手机定位）"
        elif elder.lat is not None and elder.lng is not None:
            distance = round(rules.distance_m((lat, lng), (elder.lat, elder.lng)))
            if distance > settings.VISIT_CHECKIN_TOLERANCE_M:
                errors["lat"] = (
                    f"签到位置距老人住址约 {distance} 米，超过 {settings.VISIT_CHECKIN_TOLERANCE_M} 米，不能记为上门探访"
                )
    if photo is not None:
        problem = photo_problem(photo)
        if problem:
            errors["photo"] = problem
    if errors:
        raise ValidationFailed(errors)
    counted = kind == Visit.Kind.HOME or entry.phone_counts
    with transaction.atomic():
        visit = Visit.objects.create(
            entry=entry,
            elder=elder,
            visitor=by,
            visited_at=visited_at,
            kind=kind,
            lat=lat,
            lng=lng,
            distance_m=distance,
            health=health,
            safety=safety,
            living=living,
            mood=mood,
            needs=needs,
            findings=findings,
            confirmed=confirmed,
            client_id=client_id,
            counted=counted,
        )
        if photo is not None:
            visit.photo.save(f"{visit.pk}.{photo_type(photo)}", photo, save=True)
        if counted:
            entry.visits_done = entry.visits.filter(counted=True).count()
            entry.save(update_fields=["visits_done"])
        for finding in findings:
            _follow_up(by, visit, finding)
        audit(
            by=by,
            action="create",
            obj=visit,
            summary=f"探访 {elder.name}（{visit.get_kind_display()}）",
        )
    return visit


def _follow_up(by, visit: Visit, finding: str) -> FollowUp:
    route = FINDINGS[finding]
    reference = ""
    if route == FollowUp.Route.ASSESSMENT:
        reference = _apply_for_assessment(by, visit)
    elif route == FollowUp.Route.HOSPITAL:
        reference = _refer_to_doctor(by, visit, finding)
    return FollowUp.objects.create(
        visit=visit,
        elder=visit.elder,
        region=visit.entry.region,
        finding=finding,
        route=route,
        reference=reference,
    )


def _apply_for_assessment(by, visit: Visit) -> str:
    """A 需要能力评估 finding files the application at once (or points to the open one)."""
    elder = visit.elder
    open_one = elder.assessments.filter(
        status__in=("applied", "assigned", "submitted")
    ).first()
    if open_one is not None:
        return f"assessment:{open_one.pk}"
    reason = (
        "immediate"
        if elder.assessments.filter(status="completed").exists()
        else "first"
    )
    try:
        with transaction.atomic():
            a = assessment_apply(
                by=by,
                elder=elder,
                reason=reason,
                applicant="community",
                note=f"探访发现（{visit.visited_at:%Y-%m-%d}）",
            )
    except ValidationFailed:
        return ""
    return f"assessment:{a.pk}"


def _refer_to_doctor(by, visit: Visit, finding: str) -> str:
    """A health finding (身体不适需就医、药品将用完) becomes a referral (双向转诊) to the nearest
    suitable medical institution — the person's institution's contracted one first — unless one
    is already under way. Nothing is sent when there is no institution to send it to."""
    elder = visit.elder
    open_one = referral_open_for(elder.pk)
    if open_one is not None:
        return f"referral:{open_one.pk}"
    targets = referral_targets(elder=elder, facility=residence_facility(elder.pk))
    if not targets:
        return ""
    institution, contract = targets[0]
    try:
        with transaction.atomic():
            referral = referral_request(
                by=by,
                elder=elder,
                institution=institution,
                reason=f"探访发现：{finding}（{visit.visited_at:%Y-%m-%d}）{visit.health}"[
                    :300
                ],
                origin="visit",
                origin_ref=visit.pk,
                outside_contract_reason=""
                if contract
                else "探访发现，转往就近医疗机构",
            )
    except ValidationFailed:
        return ""
    return f"referral:{referral.pk}"


def follow_up_close(*, by, follow_up: FollowUp, note: str) -> FollowUp:
    if not permissions.may_write_registry(by):
        raise ValidationFailed({"__all__": "您的角色不能办结跟进事项"})
    if follow_up.status == FollowUp.Status.CLOSED:
        raise ValidationFailed({"__all__": "该事项已办结"})
    if not note.strip():
        raise ValidationFailed({"note": "请填写办理情况"})
    follow_up.status, follow_up.note = FollowUp.Status.CLOSED, note.strip()[:200]
    follow_up.closed_at, follow_up.closed_by = timezone.now(), by
    follow_up.save()
    audit(by=by, action="update", obj=follow_up, summary=f"办结：{follow_up.note}")
    return follow_up


def entries_assign_many(*, by, entry_ids: list[int], visitor) -> BulkOutcome:
    """批量调整探访人: each entry as entry_assign would (the visitor must serve its 社区/村)."""
    names: dict[int, str] = {}

    def assign(pk: int) -> None:
        entry = entry_get(by=by, pk=pk)
        names[pk] = entry.elder.name
        entry_assign(by=by, entry=entry, visitor=visitor)

    return run_each(entry_ids, assign, lambda pk: names.get(pk, f"编号 {pk}"))
