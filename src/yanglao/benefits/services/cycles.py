"""Monthly cycles (发放周期): every person re-checked for a region, entitlements with explanations,
the diff against last month, 补发 and 追回, funding shares, approval by a second clerk."""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.utils import timezone

from yanglao.benefits import rules, selectors, staff_rules
from yanglao.benefits.models import (
    Cycle,
    Entitlement,
    PolicyVersion,
    Programme,
)
from yanglao.benefits.services.shared import _require_bureau, log, lookback_months
from yanglao.benefits.vector import People, evaluate_many
from yanglao.core.audit import audit
from yanglao.core.bulk import bulk_insert_values
from yanglao.core.dates import add_months
from yanglao.core.errors import ValidationFailed
from yanglao.core.money import fen_to_yuan_text
from yanglao.elders.models import Elder
from yanglao.regions.models import Region

# --- monthly cycles ------------------------------------------------------------------------------


def cycle_start(*, by, month: dt.date, region: Region) -> Cycle:
    """Open (or reopen, when not yet approved) the cycle of `month` for `region`; the work itself
    is `cycle_run`, in the background. Refused for a month already approved there or in a region
    above or below it, and for a month that has not begun."""
    _require_bureau(by, region)
    month = month.replace(day=1)
    this_month = timezone.localdate().replace(day=1)
    if month > add_months(this_month, 1):
        raise ValidationFailed({"month": "不能计算尚未到来的月份（最多提前一个月）"})
    for other in Cycle.objects.filter(month=month).select_related("region"):
        related = other.region.path.startswith(region.path) or region.path.startswith(
            other.region.path
        )
        if not related:
            continue
        if other.status == Cycle.Status.APPROVED:
            raise ValidationFailed(
                {
                    "month": f"{month:%Y年%m月}{other.region.name}的发放周期已审批，不能重新计算"
                }
            )
        if other.status == Cycle.Status.RUNNING:
            raise ValidationFailed(
                {"month": f"{month:%Y年%m月}{other.region.name}的发放周期正在计算"}
            )
        if other.region_id != region.pk:
            raise ValidationFailed(
                {
                    "region": f"{month:%Y年%m月}已有{other.region.name}的发放周期，不能重复计算同一地区"
                }
            )
    if not any(
        selectors.version_in_force(p, month) for p in selectors.programmes_for(region)
    ):
        raise ValidationFailed(
            {"month": f"{region.name}在{month:%Y年%m月}没有有效的补贴政策"}
        )
    cycle, created = Cycle.objects.update_or_create(
        month=month,
        region=region,
        defaults=dict(
            status=Cycle.Status.RUNNING,
            phase="排队等待计算",
            progress=0,
            error="",
            run_by=by,
            run_at=timezone.now(),
            finished_at=None,
            totals={},
            people=0,
        ),
    )
    audit(
        by=by,
        action="create" if created else "update",
        obj=cycle,
        summary=f"计算 {cycle}",
    )
    return cycle


def cycle_run(cycle_id: int) -> Cycle:
    """Compute a cycle: every person of the region re-checked on the month's facts (columns, not
    one at a time), entitlements with explanations, back-pay and recovery for earlier months, the
    diff against last month and the totals. All or nothing: a failure leaves no entitlement
    behind, the cycle marked failed with the reason, and it can simply be run again."""
    cycle = Cycle.objects.select_related("region").get(pk=cycle_id)
    started = time.perf_counter()

    def progress(phase: str, percent: int) -> None:
        Cycle.objects.filter(pk=cycle.pk).update(phase=phase[:100], progress=percent)

    try:
        rows, totals, people = _compute(cycle, progress)
        progress(f"写入 {len(rows):,} 条核定结果", 85)
        with transaction.atomic():
            Entitlement.objects.filter(cycle=cycle).delete()
            bulk_insert_values(Entitlement, ENTITLEMENT_COLUMNS, _as_values(rows))
            Cycle.objects.filter(pk=cycle.pk).update(
                status=Cycle.Status.COMPUTED,
                phase="计算完成，待审批",
                progress=100,
                totals=totals,
                people=people,
                finished_at=timezone.now(),
                seconds=round(time.perf_counter() - started, 2),
            )
    except Exception as exc:  # the reason is kept on the cycle for the page
        log.exception("cycle %s failed", cycle.pk)
        Cycle.objects.filter(pk=cycle.pk).update(
            status=Cycle.Status.FAILED,
            phase="计算失败",
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    cycle.refresh_from_db()
    return cycle


@lru_cache(maxsize=200_000)
def _decide(policy: rules.Policy, facts: rules.Facts, day: dt.date) -> rules.Decision:
    return rules.evaluate(policy, facts, day)


@lru_cache(maxsize=10_000)
def _split(amount: int, shares: tuple[tuple[str, int], ...]) -> tuple[int, int, int]:
    return rules.split_funding(amount, dict(shares))


def _tier(decision: rules.Decision) -> str:
    return decision.tier


def _in_force(
    programmes, day: dt.date, names
) -> list[tuple[Programme, PolicyVersion, rules.Policy]]:
    found = []
    for p in programmes:
        v = selectors.version_in_force(p, day)
        if v is not None:
            found.append((p, v, selectors.policy_of(v, names)))
    return found


def _evaluate_all(policies, people: People, day: dt.date, paths, elder_ids=None):
    """(programme, version, policy, eligible, amount) for each programme in force, in order; a
    programme that needs an application only pays the people enrolled in it."""
    receiving: dict[str, np.ndarray] = {}
    for programme, version, policy in policies:
        eligible, amount = evaluate_many(policy, people, day, paths, receiving)
        if programme.needs_application:
            on_file = np.isin(
                people.elder_id, selectors.enrolled(programme, day, elder_ids)
            )
            eligible &= on_file
            amount = np.where(eligible, amount, 0)
        receiving[programme.code] = eligible
        yield programme, version, policy, eligible, amount, receiving


def _receiving_of(
    receiving: dict[str, np.ndarray], i: int, before: str
) -> frozenset[str]:
    return frozenset(
        code for code, mask in receiving.items() if code != before and mask[i]
    )


def _compute(cycle: Cycle, progress):
    day, region = cycle.month, cycle.region
    names = selectors.programme_names()
    programmes = _per_person(selectors.programmes_for(region))
    policies = _in_force(programmes, day, names)
    paths = selectors.region_paths()
    progress("读取本地区老年人信息", 5)
    people = selectors.people_on(day, region=region, progress=lambda m: progress(m, 20))
    previous = selectors.previous_regular(day, region)
    rows: list[dict] = []
    evaluated = _evaluate_all(policies, people, day, paths)
    for step, (programme, version, policy, eligible, amount, receiving) in enumerate(
        evaluated, 1
    ):
        progress(
            f"{programme.name}：核定并生成依据", 20 + 50 * step // max(len(policies), 1)
        )
        payee = programme.unit == Programme.Unit.INSTITUTION
        for i in np.flatnonzero(eligible):
            facts = people.facts(
                int(i), day, paths, _receiving_of(receiving, i, programme.code)
            )
            decision = _decide(policy, facts, day)
            if (
                decision.amount_fen != amount[i]
            ):  # the two evaluations must never disagree
                raise RuntimeError(
                    f"核定结果不一致：老年人 {people.elder_id[i]}，{programme.name}"
                )
            elder_id = int(people.elder_id[i])
            before = previous.pop((elder_id, programme.pk), None)
            change = (
                Entitlement.Change.NEW
                if before is None
                else (
                    Entitlement.Change.SAME
                    if before == decision.amount_fen
                    else Entitlement.Change.CHANGED
                )
            )
            rows.append(
                _row(
                    cycle,
                    programme,
                    version,
                    elder_id,
                    int(people.residence[i]),
                    int(people.facility[i]) if payee else None,
                    day,
                    Entitlement.Kind.REGULAR,
                    decision.amount_fen,
                    decision.text,
                    _tier(decision),
                    change,
                    before,
                )
            )
        rows.extend(
            _stopped(
                cycle,
                programme,
                version,
                policy,
                people,
                previous,
                receiving,
                day,
                paths,
            )
        )
    progress("核查以前月份的补发和追回", 75)
    rows.extend(_corrections(cycle, programmes, names, paths))
    progress("专项补贴事项", 80)
    rows.extend(_claim_rows(cycle))
    progress("从业人员补贴和新增床位建设补贴", 82)
    rows.extend(_workforce_rows(cycle, selectors.programmes_for(region), names))
    return rows, _totals(cycle, rows), len(people)


def _per_person(programmes: list[Programme]) -> list[Programme]:
    """The programmes a cycle decides by re-checking every person; item programmes (按事项) are
    paid from their claims instead."""
    return [
        p for p in programmes if p.unit not in rules.ITEM_UNITS | rules.WORKFORCE_UNITS
    ]


def _workforce_rows(cycle: Cycle, programmes, names) -> list[dict]:
    """Staff subsidies (入职奖励 once, 岗位补贴 and 从业年限补贴 monthly) to each person in post,
    见习留用补贴 to the units that kept their trainees, and the one-off construction subsidy per
    new 护理型 bed — re-checked on the month's facts, each with its explanation (issue 25 §5;
    benefits.staff_rules)."""
    month, region = cycle.month, cycle.region
    rows: list[dict] = []
    staff = None
    for programme in programmes:
        if programme.unit not in rules.WORKFORCE_UNITS:
            continue
        version = selectors.version_in_force(programme, month)
        if version is None:
            continue
        policy = selectors.policy_of(version, names)
        rule, _errors = staff_rules.rule_from_data(
            version.conditions, policy.amount, programme.unit
        )
        if programme.unit == Programme.Unit.STAFF:
            staff = (
                staff if staff is not None else selectors.staff_facts_on(month, region)
            )
            rows.extend(_staff_rows(cycle, programme, version, rule, policy, staff))
        elif programme.unit == Programme.Unit.RETENTION:
            rows.extend(_retention_rows(cycle, programme, version, rule, policy))
        else:
            rows.extend(_bed_rows(cycle, programme, version, policy))
    return rows


def _staff_rows(cycle, programme, version, rule, policy, staff) -> list[dict]:
    once = rule.kind == "entry"
    paid = selectors.paid_once(programme, "staff_id") if once else set()
    before = {} if once else selectors.previous_staff(cycle.month, programme)
    rows = []
    for staff_id, region_id, facts in staff:
        if staff_id in paid:
            continue
        decision = staff_rules.evaluate_staff(
            rule,
            policy.amount,
            facts,
            cycle.month,
            programme.name,
            version.effective_from,
        )
        if not decision.eligible:
            continue
        had = before.get(staff_id)
        change = (
            Entitlement.Change.NEW
            if had is None
            else Entitlement.Change.SAME
            if had == decision.amount_fen
            else Entitlement.Change.CHANGED
        )
        rows.append(
            _row(
                cycle,
                programme,
                version,
                None,
                region_id,
                None,
                cycle.month,
                Entitlement.Kind.ITEM if once else Entitlement.Kind.REGULAR,
                decision.amount_fen,
                f"{facts.name}：{decision.text}",
                decision.tier,
                change,
                had,
                staff_id=staff_id,
            )
        )
    return rows


def _retention_rows(cycle, programme, version, rule, policy) -> list[dict]:
    paid = selectors.paid_once(programme, "staff_id")
    rows = []
    units = selectors.trainees_ending(cycle.month, cycle.region)
    regions = selectors.facility_regions(list(units))
    for facility_id, trainees in units.items():
        stayed, ended = staff_rules.retention_rate(
            [(until, left) for _pk, _name, until, left in trainees]
        )
        for pk, name, until, left in trainees:
            if (
                pk in paid
                or until < cycle.month
                or (left is not None and left <= until)
            ):
                continue  # paid, ended before this month, or not kept
            decision = staff_rules.evaluate_retention(
                rule, policy.amount, stayed, ended, name, until
            )
            if decision.eligible:
                rows.append(
                    _row(
                        cycle,
                        programme,
                        version,
                        None,
                        regions[facility_id],
                        facility_id,
                        cycle.month,
                        Entitlement.Kind.ITEM,
                        decision.amount_fen,
                        decision.text,
                        decision.tier,
                        Entitlement.Change.NEW,
                        None,
                        staff_id=pk,
                    )
                )
    return rows


def _bed_rows(cycle, programme, version, policy) -> list[dict]:
    paid = selectors.paid_once(programme, "bed_id")
    rows = []
    for bed_id, facility_id, region_id, facts in selectors.new_beds(
        cycle.month, cycle.region
    ):
        if bed_id in paid:
            continue
        decision = staff_rules.evaluate_bed(
            policy.amount, facts, version.effective_from, cycle.month
        )
        if decision.eligible:
            rows.append(
                _row(
                    cycle,
                    programme,
                    version,
                    None,
                    region_id,
                    facility_id,
                    cycle.month,
                    Entitlement.Kind.ITEM,
                    decision.amount_fen,
                    decision.text,
                    decision.tier,
                    Entitlement.Change.NEW,
                    None,
                    bed_id=bed_id,
                )
            )
    return rows


def _claim_rows(cycle: Cycle) -> list[dict]:
    """One 专项 entitlement per claim of the region due by the cycle's month and not yet taken by
    an approved cycle (issue 25 §5): its payee, amount and explanation as the claim has them."""
    rows = []
    for claim in selectors.claims_due(cycle):
        rows.append(
            _row(
                cycle,
                claim.programme,
                claim.version,
                claim.elder_id,
                claim.region_id,
                claim.facility_id,
                cycle.month,
                Entitlement.Kind.ITEM,
                claim.amount_fen,
                f"{claim.title}：{claim.explanation}",
                claim.version.version,
                Entitlement.Change.NEW,
                None,
                claim_id=claim.pk,
            )
        )
    return rows


def _stopped(
    cycle, programme, version, policy, people: People, previous, receiving, day, paths
):
    """People paid last month under `programme` who are not paid this month, with the reason."""
    gone = [(e, amount) for (e, p), amount in previous.items() if p == programme.pk]
    for elder_id, before in gone:
        del previous[(elder_id, programme.pk)]
        index = int(np.searchsorted(people.elder_id, elder_id))
        if index < len(people) and people.elder_id[index] == elder_id:
            facts = people.facts(
                index, day, paths, _receiving_of(receiving, index, programme.code)
            )
            decision = _decide(policy, facts, day)
            text = decision.text
            if decision.eligible and programme.needs_application:
                text += "；✗ 申请已终止享受或未获批准"
            region = int(people.residence[index])
        else:
            text = "✗ 已不在本地区在册老年人中（迁出或档案已合并）"
            region = (
                Elder.objects.filter(pk=elder_id)
                .values_list("residence_region_id", flat=True)
                .first()
            )
        yield _row(
            cycle,
            programme,
            version,
            elder_id,
            region,
            None,
            day,
            Entitlement.Kind.STOPPED,
            0,
            text,
            "",
            Entitlement.Change.STOPPED,
            before,
        )


def _corrections(cycle: Cycle, programmes, names, paths) -> list[dict]:
    """Back-pay (补发) and recovery (追回) for months already approved: the people whose facts
    changed since those months were computed (a late death notice, a category or assessment
    recorded late, an application approved late) are re-checked on each month's facts; the
    difference from what was decided then is a new entitlement for that month."""
    region = cycle.region
    months = [add_months(cycle.month, -k) for k in range(1, lookback_months() + 1)]
    earlier = selectors.approved_cycles(region, months)
    if not earlier:
        return []
    candidates = selectors.changed_since(min(c.run_at for c in earlier), region)
    if not candidates:
        return []
    done_months = sorted({c.month for c in earlier})
    paid = selectors.paid_for(done_months, elder_ids=candidates)
    rows = []
    for month in done_months:
        people = selectors.people_on(month, elder_ids=candidates)
        policies = _in_force(programmes, month, names)
        for programme, version, policy, _eligible, amount, receiving in _evaluate_all(
            policies, people, month, paths, elder_ids=candidates
        ):
            for i in range(len(people)):
                elder_id = int(people.elder_id[i])
                due, had = int(amount[i]), paid.get((elder_id, programme.pk, month), 0)
                if due == had:
                    continue
                facts = people.facts(
                    i, month, paths, _receiving_of(receiving, i, programme.code)
                )
                decision = _decide(policy, facts, month)
                kind = (
                    Entitlement.Kind.BACKPAY if due > had else Entitlement.Kind.RECOVERY
                )
                text = (
                    f"{'补发' if due > had else '追回'}{month:%Y年%m月}：按现有信息应发 {fen_to_yuan_text(due)}，"
                    f"已核定 {fen_to_yuan_text(had)}。{decision.text}"
                )
                payee = (
                    int(people.facility[i])
                    if programme.unit == Programme.Unit.INSTITUTION
                    and people.facility[i]
                    else None
                )
                rows.append(
                    _row(
                        cycle,
                        programme,
                        version,
                        elder_id,
                        int(people.residence[i]),
                        payee,
                        month,
                        kind,
                        due - had,
                        text,
                        _tier(decision),
                        Entitlement.Change.CORRECTION,
                        had,
                    )
                )
    return rows


def _row(
    cycle,
    programme,
    version,
    elder_id,
    region_id,
    facility_id,
    month,
    kind,
    amount,
    text,
    tier,
    change,
    before,
    claim_id=None,
    staff_id=None,
    bed_id=None,
):
    city, county, town = _split(amount, tuple(sorted(programme.funding.items())))
    return {
        "cycle_id": cycle.pk,
        "programme_id": programme.pk,
        "version_id": version.pk,
        "elder_id": elder_id,
        "facility_id": facility_id,
        "region_id": region_id,
        "month": month,
        "kind": kind,
        "change": change,
        "amount_fen": amount,
        "previous_fen": before,
        "tier": tier[:60],
        "explanation": text,
        "city_fen": city,
        "county_fen": county,
        "town_fen": town,
        "claim_id": claim_id,
        "staff_id": staff_id,
        "bed_id": bed_id,
    }


ENTITLEMENT_COLUMNS = [
    "cycle_id",
    "programme_id",
    "version_id",
    "elder_id",
    "facility_id",
    "region_id",
    "month",
    "kind",
    "change",
    "amount_fen",
    "previous_fen",
    "tier",
    "explanation",
    "city_fen",
    "county_fen",
    "town_fen",
    "claim_id",
    "staff_id",
    "bed_id",
]


def _as_values(rows: list[dict]):
    """Entitlement rows as the database stores them (dates as ISO text), for the fast insert."""
    for r in rows:
        values = [r[c] for c in ENTITLEMENT_COLUMNS]
        values[6] = values[6].isoformat()
        yield values


def _totals(cycle: Cycle, rows: list[dict]) -> dict:
    """Totals by programme, by kind, by tier and by the regions one level below the cycle's."""
    depth = cycle.region.path.count("/")
    child_of = {}
    names = {}
    for pk, path, name in Region.objects.filter(
        path__startswith=cycle.region.path
    ).values_list("pk", "path", "name"):
        names[path] = name
        child_of[pk] = "/".join(path.split("/")[: depth + 1]) + "/"
    programmes = dict(Programme.objects.values_list("pk", "name"))
    totals: dict[str, dict] = {
        "programmes": {},
        "kinds": {},
        "tiers": {},
        "regions": {},
        "changes": {},
        "funding": {},
    }

    def add(group: str, key: str, amount: int) -> None:
        slot = totals[group].setdefault(key, [0, 0])
        slot[0] += 1
        slot[1] += amount

    for r in rows:
        if r["kind"] == Entitlement.Kind.STOPPED:
            add("changes", "stopped", 0)
            continue
        add("programmes", programmes[r["programme_id"]], r["amount_fen"])
        add("kinds", r["kind"], r["amount_fen"])
        if r["kind"] == Entitlement.Kind.REGULAR:
            add(
                "tiers",
                f"{programmes[r['programme_id']]} · {r['tier']}",
                r["amount_fen"],
            )
            add("changes", r["change"], r["amount_fen"])
        child = child_of.get(r["region_id"])
        add("regions", names.get(child, cycle.region.name), r["amount_fen"])
        for level in ("city", "county", "town"):
            add("funding", level, r[f"{level}_fen"])
    totals["total_fen"] = sum(v[1] for v in totals["programmes"].values())
    return totals


def cycle_approve(*, by, cycle: Cycle, confirmed_total_fen: int) -> Cycle:
    """Approve a computed cycle: only then can payment files be made. The approver is not the
    person who ran it, and confirms the total they were shown (a cycle recomputed meanwhile is
    not approved on the strength of the old figure)."""
    _require_bureau(by, cycle.region)
    with transaction.atomic():
        c = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if c.status != Cycle.Status.COMPUTED:
            raise ValidationFailed(
                {"__all__": f"周期状态为“{c.get_status_display()}”，不能审批"}
            )
        if c.run_by_id == by.pk:
            raise ValidationFailed(
                {"__all__": "计算人不能审批自己计算的周期，请由另一位工作人员审批"}
            )
        total = (c.totals or {}).get("total_fen", 0)
        if confirmed_total_fen != total:
            raise ValidationFailed(
                {
                    "confirmed_total_fen": "核定结果已变化（合计 "
                    f"{fen_to_yuan_text(total)}），请重新核对后再审批"
                }
            )
        c.status = Cycle.Status.APPROVED
        c.approved_by = by
        c.approved_at = timezone.now()
        c.save(update_fields=["status", "approved_by", "approved_at"])
    audit(
        by=by,
        action="update",
        obj=c,
        summary=f"审批 {c}：合计 {fen_to_yuan_text(c.totals.get('total_fen', 0))}",
    )
    return c
