"""Every write of 补贴津贴: programmes and their rule versions, applications and their approval
steps, monthly cycles (evaluation over the whole region, back-pay and recovery, approval) and the
payments ledger (batches, bank return files, money recovered). Issue 6."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import replace
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.benefits import rules, selectors
from yanglao.benefits.models import (
    STEP_NAMES,
    Application,
    Attachment,
    BankAccount,
    Cycle,
    Decision,
    Entitlement,
    LedgerEntry,
    PaymentBatch,
    PolicyVersion,
    Programme,
)
from yanglao.benefits.vector import People, evaluate_many
from yanglao.core import permissions, pii, tabular
from yanglao.core.audit import audit, audit_create
from yanglao.core.bulk import bulk_insert, bulk_insert_values
from yanglao.core.dates import add_months
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.money import fen_to_yuan_text, yuan_text_to_fen
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.regions.models import Region

log = logging.getLogger(__name__)

ATTACHMENT_TYPES = {b"%PDF": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG": "PNG"}
ATTACHMENT_MAX = 10 * 1024 * 1024


def lookback_months() -> int:
    return getattr(settings, "YANGLAO_BENEFIT_LOOKBACK_MONTHS", 12)


def _require_bureau(by, region: Region) -> None:
    if not permissions.is_bureau(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以办理此项业务"})
    if not region_path_allowed(by, region.path):
        raise NotInScope


# --- programmes and versions ----------------------------------------------------------------------


def programme_create(*, by, code: str, name: str, region: Region, unit: str = "person",
                     needs_application: bool = False, steps=(), funding=None, annual_budget_fen: int = 0,
                     order: int = 10, note: str = "") -> Programme:  # fmt: skip
    _require_bureau(by, region)
    errors = {}
    if Programme.objects.filter(code=code).exists():
        errors["code"] = f"代码 {code} 已被使用"
    wrong = [s for s in steps if s not in STEP_NAMES]
    if wrong:
        errors["steps"] = f"未知的审批环节：{'、'.join(wrong)}"
    if needs_application and not steps:
        errors["steps"] = "需申请的项目至少要有一个审批环节"
    if len(set(steps)) != len(steps):
        errors["steps"] = "同一环节不能出现两次（每个环节由不同角色审批）"
    funding = funding or {"county": 100}
    errors |= _check_funding(funding)
    if errors:
        raise ValidationFailed(errors)
    p = Programme.objects.create(
        code=code, name=name, region=region, unit=unit, needs_application=needs_application,
        steps=list(steps), funding=funding, annual_budget_fen=annual_budget_fen, order=order, note=note,
    )  # fmt: skip
    audit_create(by=by, obj=p, summary=f"新建补贴项目 {name}")
    return p


def _check_funding(funding: dict) -> dict[str, str]:
    if set(funding) - {"city", "county", "town"}:
        return {"funding": "资金分担只能是市级、县级、乡镇三级"}
    if any(not isinstance(v, int) or v < 0 for v in funding.values()):
        return {"funding": "分担比例应为非负整数（%）"}
    if sum(funding.values()) != 100:
        return {"funding": f"各级分担比例之和应为100%，现为{sum(funding.values())}%"}
    return {}


def version_create(*, by, programme: Programme, version: str, effective_from: dt.date,
                   effective_to: dt.date | None, conditions: dict, amount: dict, note: str = "") -> PolicyVersion:  # fmt: skip
    """A new version of a programme's rules. Refused, naming the reason, when the rules are
    inconsistent (tier gaps or overlaps, fractions of a fen) or its period overlaps another."""
    _require_bureau(by, programme.region)
    names = selectors.programme_names()
    try:
        policy = rules.policy_from_data(
            programme=programme.code, name=programme.name, version=version,
            effective_from=effective_from, effective_to=effective_to, conditions=conditions,
            amount=amount, unit=programme.unit, region_path=programme.region.path,
            region_name=programme.region.name, programmes={k: v for k, v in names.items() if k != programme.code},
        )  # fmt: skip
    except rules.InvalidPolicy as exc:
        raise ValidationFailed(exc.errors) from exc
    if not version.strip():
        raise ValidationFailed({"version": "请填写版本名称"})
    if programme.versions.filter(version=version).exists():
        raise ValidationFailed({"version": f"版本 {version} 已存在"})
    others = [
        selectors.policy_of(v, names)
        for v in programme.versions.select_related("programme__region")
    ]
    clash = rules.overlapping([*others, policy])
    if clash:
        a, b = clash[0]
        other = a if b == version else b
        raise ValidationFailed(
            {"effective_from": f"有效期与版本 {other} 重叠：请先为旧版本设置终止日期"}
        )
    v = PolicyVersion.objects.create(
        programme=programme, version=version, effective_from=effective_from, effective_to=effective_to,
        conditions=conditions, amount=amount, note=note, created_by=by,
    )  # fmt: skip
    audit_create(by=by, obj=v, summary=f"{programme.name} 新政策版本 {version}")
    return v


def version_close(
    *, by, version: PolicyVersion, effective_to: dt.date
) -> PolicyVersion:
    """End a version (so that a new one can start). Months already in approved cycles keep it."""
    _require_bureau(by, version.programme.region)
    if effective_to < version.effective_from:
        raise ValidationFailed({"effective_to": "终止日期早于起始日期"})
    used = Entitlement.objects.filter(
        version=version, cycle__status=Cycle.Status.APPROVED, month__gt=effective_to
    ).exists()
    if used:
        raise ValidationFailed(
            {"effective_to": "终止日期之后的月份已按此版本审批发放，不能提前终止"}
        )
    before = version.effective_to
    version.effective_to = effective_to
    version.save(update_fields=["effective_to"])
    audit(by=by, action="update", obj=version, summary=f"终止政策版本 {version.version}",
          before={"effective_to": str(before)}, after={"effective_to": str(effective_to)})  # fmt: skip
    return version


# --- evaluating one person (test panel, application review) ---------------------------------------


def check_person(
    *, by, elder: Elder, month: dt.date
) -> list[tuple[Programme, rules.Decision | None, bool]]:
    """What every programme in force would decide for `elder` in `month`, in evaluation order
    (an earlier programme received can exclude a later one), and whether an application is on
    file where one is needed. Read-only; the page's "check this person" panel."""
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    day = month.replace(day=1)
    names = selectors.programme_names()
    facts = selectors.person_facts(elder, day)
    receiving: set[str] = set()
    results = []
    for programme in selectors.programmes_for(elder.residence_region):
        version = selectors.version_in_force(programme, day)
        if version is None:
            results.append((programme, None, False))
            continue
        policy = selectors.policy_of(version, names)
        decision = rules.evaluate(policy, _with_receiving(facts, receiving), day)
        enrolled = not programme.needs_application or bool(
            len(selectors.enrolled(programme, day, [elder.pk]))
        )
        if decision.eligible and enrolled:
            receiving.add(programme.code)
        results.append((programme, decision, enrolled))
    return results


def _unmet_conditions(by, application: Application) -> list[str]:
    """The programme's conditions the person does not meet this month (the ✗ lines the
    application page shows). Approving against them takes a reason (issue 20, finding 8)."""
    month = timezone.localdate().replace(day=1)
    for programme, decision, _enrolled in check_person(
        by=by, elder=application.elder, month=month
    ):
        if programme.pk == application.programme_id and decision is not None:
            return [why for why, ok in decision.explanation if not ok]
    return []


def _with_receiving(facts: rules.Facts, receiving) -> rules.Facts:
    return replace(facts, receiving=frozenset(receiving))


# --- applications ---------------------------------------------------------------------------------


def application_submit(*, by, programme: Programme, elder: Elder, applicant_kind: str, applicant_name: str,
                       reason: str = "", from_month: dt.date | None = None, files=()) -> Application:  # fmt: skip
    """File an application for the person (by a community worker, for the person or family)."""
    if not permissions.may_write_registry(by):
        raise ValidationFailed({"__all__": "只有社区、街道或民政工作人员可以受理申请"})
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    errors = {}
    if not programme.needs_application:
        errors["programme"] = f"{programme.name}无需申请，符合条件的自动纳入发放"
    if not elder.residence_region.path.startswith(programme.region.path):
        errors["programme"] = f"{programme.name}不在该老年人居住地实施"
    if elder.status != "active":
        errors["elder"] = f"该老年人状态为“{elder.get_status_display()}”，不能申请"
    if applicant_kind not in Application.Applicant.values:
        errors["applicant_kind"] = "请选择申请人"
    if not applicant_name.strip():
        errors["applicant_name"] = "请填写申请人姓名"
    this_month = timezone.localdate().replace(day=1)
    from_month = (from_month or this_month).replace(day=1)
    if from_month > this_month:
        errors["from_month"] = "享受起始月不能晚于本月"
    elif from_month < add_months(this_month, -lookback_months()):
        errors["from_month"] = f"享受起始月最多追溯 {lookback_months()} 个月"
    for i, f in enumerate(files):
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(m) for m in ATTACHMENT_TYPES):
            errors[f"files[{i}]"] = f"{f.name}：附件只能是 PDF、JPEG 或 PNG"
        elif f.size > ATTACHMENT_MAX:
            errors[f"files[{i}]"] = f"{f.name}：附件不能超过 10 MB"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            a = Application.objects.create(
                programme=programme, elder=elder, applicant_kind=applicant_kind,
                applicant_name=applicant_name.strip(), reason=reason.strip(), from_month=from_month,
                submitted_by=by,
            )  # fmt: skip
            for f in files:
                Attachment.objects.create(application=a, file=f, name=f.name[:120])
    except IntegrityError as exc:
        raise ValidationFailed(
            {"programme": f"{elder.name}已有在办或已批准的{programme.name}申请"}
        ) from exc
    audit_create(by=by, obj=a, summary=f"受理 {elder.name} 的{programme.name}申请")
    return a


@transaction.atomic
def application_decide(
    *, by, application: Application, approved: bool, note: str = ""
) -> Application:
    """Decide the current step. Each step by its own role; one person decides at most one step of
    an application and never one they filed. Approving the last step enrols the person from the
    month applied for (months already paid are made up by back-pay in the next cycle)."""
    a = Application.objects.select_for_update().select_related("programme", "elder__residence_region").get(pk=application.pk)  # fmt: skip
    if not region_path_allowed(by, a.elder.residence_region.path):
        raise NotInScope
    steps = a.programme.steps
    if a.status != Application.Status.PENDING:
        raise ValidationFailed(
            {"__all__": f"申请已{a.get_status_display()}，不能再审批"}
        )
    role = steps[a.step]
    if a.submitted_by_id == by.pk:
        raise ValidationFailed({"__all__": "不能审批自己受理的申请"})
    if a.decisions.filter(by=by).exists():
        raise ValidationFailed(
            {"__all__": "您已审批过此申请的上一环节，本环节须由其他人审批"}
        )
    if not permissions.decides_step(by, role):
        raise ValidationFailed(
            {"__all__": f"“{STEP_NAMES[role]}”须由{_role_name(role)}办理"}
        )
    if not approved and not note.strip():
        raise ValidationFailed({"note": "不同意时请填写理由"})
    unmet = _unmet_conditions(by, a) if approved else []
    if unmet and not note.strip():
        raise ValidationFailed(
            {
                "note": f"按本月信息该老人不符合条件（✗ {'；✗ '.join(unmet)}）；如仍同意，请填写理由"[
                    :300
                ]
            }
        )
    Decision.objects.create(
        application=a,
        step=a.step,
        role=role,
        approved=approved,
        note=note.strip(),
        against_rules=bool(unmet),
        unmet="；".join(unmet)[:300],
        by=by,
    )
    if not approved:
        a.status = Application.Status.REJECTED
        a.decided_at = timezone.now()
    elif a.step + 1 >= len(steps):
        a.status = Application.Status.APPROVED
        a.decided_at = timezone.now()
    else:
        a.step += 1
    a.save(update_fields=["status", "step", "decided_at"])
    audit(
        by=by,
        action="update",
        obj=a,
        summary=f"{STEP_NAMES[role]}：{'同意' if approved else '不同意'} {note}"[:300],
    )
    return a


def _role_name(role: str) -> str:
    return permissions.ROLE_NAMES.get(permissions.Role(role), role)


def application_end(
    *, by, application: Application, ended_month: dt.date, reason: str
) -> Application:
    """Stop an approved entitlement from `ended_month` (the person asked, or no longer qualifies)."""
    if not region_path_allowed(by, application.elder.residence_region.path):
        raise NotInScope
    if application.status != Application.Status.APPROVED:
        raise ValidationFailed({"__all__": "只有已批准的申请可以终止享受"})
    if not reason.strip():
        raise ValidationFailed({"reason": "请填写终止原因"})
    application.status = Application.Status.ENDED
    application.ended_month = ended_month.replace(day=1)
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "ended_month", "decided_at"])
    audit(by=by, action="update", obj=application, summary=f"终止享受：{reason}"[:300])
    return application


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
        month=month, region=region,
        defaults=dict(status=Cycle.Status.RUNNING, phase="排队等待计算", progress=0, error="", run_by=by,
                      run_at=timezone.now(), finished_at=None, totals={}, people=0),
    )  # fmt: skip
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
                status=Cycle.Status.COMPUTED, phase="计算完成，待审批", progress=100, totals=totals,
                people=people, finished_at=timezone.now(), seconds=round(time.perf_counter() - started, 2),
            )  # fmt: skip
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
    programmes = selectors.programmes_for(region)
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
            change = Entitlement.Change.NEW if before is None else (
                Entitlement.Change.SAME if before == decision.amount_fen else Entitlement.Change.CHANGED)  # fmt: skip
            rows.append(_row(cycle, programme, version, elder_id, int(people.residence[i]),
                             int(people.facility[i]) if payee else None, day, Entitlement.Kind.REGULAR,
                             decision.amount_fen, decision.text, _tier(decision), change, before))  # fmt: skip
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
    return rows, _totals(cycle, rows), len(people)


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
        yield _row(cycle, programme, version, elder_id, region, None, day, Entitlement.Kind.STOPPED,
                   0, text, "", Entitlement.Change.STOPPED, before)  # fmt: skip


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
                text = (f"{'补发' if due > had else '追回'}{month:%Y年%m月}：按现有信息应发 {fen_to_yuan_text(due)}，"
                        f"已核定 {fen_to_yuan_text(had)}。{decision.text}")  # fmt: skip
                payee = (
                    int(people.facility[i])
                    if programme.unit == Programme.Unit.INSTITUTION
                    and people.facility[i]
                    else None
                )
                rows.append(_row(cycle, programme, version, elder_id, int(people.residence[i]), payee, month, kind,
                                 due - had, text, _tier(decision), Entitlement.Change.CORRECTION, had))  # fmt: skip
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
):
    city, county, town = _split(amount, tuple(sorted(programme.funding.items())))
    return {
        "cycle_id": cycle.pk, "programme_id": programme.pk, "version_id": version.pk, "elder_id": elder_id,
        "facility_id": facility_id, "region_id": region_id, "month": month, "kind": kind, "change": change,
        "amount_fen": amount, "previous_fen": before, "tier": tier[:60], "explanation": text,
        "city_fen": city, "county_fen": county, "town_fen": town,
    }  # fmt: skip


ENTITLEMENT_COLUMNS = [
    "cycle_id", "programme_id", "version_id", "elder_id", "facility_id", "region_id", "month", "kind", "change",
    "amount_fen", "previous_fen", "tier", "explanation", "city_fen", "county_fen", "town_fen",
]  # fmt: skip


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


def cycle_approve(*, by, cycle: Cycle) -> Cycle:
    """Approve a computed cycle: only then can payment files be made. The approver is not the
    person who ran it."""
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


# --- payments ------------------------------------------------------------------------------------


def bank_account_set(
    *,
    by,
    bank: str,
    holder: str,
    account: str,
    elder: Elder | None = None,
    facility=None,
) -> BankAccount:
    digits = account.replace(" ", "")
    if not ascii_digits(digits) or not 8 <= len(digits) <= 30:
        raise ValidationFailed({"account": "银行账号应为 8–30 位数字"})
    if not bank.strip():
        raise ValidationFailed({"bank": "请填写开户银行"})
    owner = {"elder": elder} if elder is not None else {"facility": facility}
    account_obj, _ = BankAccount.objects.update_or_create(
        **owner, defaults={"bank": bank.strip(), "holder": holder.strip(), "account_enc": pii.encrypt(digits), "account_last4": digits[-4:]}
    )  # fmt: skip
    audit(
        by=by,
        action="update",
        obj=account_obj,
        summary=f"设置代发账户 {bank} ****{digits[-4:]}",
    )
    return account_obj


def payment_batch_create(*, by, cycle: Cycle) -> tuple[PaymentBatch, list[str]]:
    """Issue what each payee of the cycle's region is owed now (approved entitlements, less money
    already out, failed payments included again) as one batch; payees without a bank account are
    left out and named. Payees owing money go to the recovery list instead."""
    _require_bureau(by, cycle.region)
    if cycle.status != Cycle.Status.APPROVED:
        raise ValidationFailed({"__all__": "周期审批后才能生成发放文件"})
    owed = {k: v for k, v in selectors.balances(cycle.region).items() if v > 0}
    if not owed:
        raise ValidationFailed({"__all__": "没有待发放的款项"})
    accounts = {
        ("elder", a.elder_id) if a.elder_id else ("facility", a.facility_id): a
        for a in BankAccount.objects.filter(
            elder_id__in=[k[1] for k in owed if k[0] == "elder"]
        )
        | BankAccount.objects.filter(
            facility_id__in=[k[1] for k in owed if k[0] == "facility"]
        )
    }
    missing = [k for k in owed if k not in accounts]
    from yanglao.facilities.models import Facility

    missing_names = [
        *Elder.objects.filter(
            pk__in=[k[1] for k in missing if k[0] == "elder"]
        ).values_list("name", flat=True),
        *Facility.objects.filter(
            pk__in=[k[1] for k in missing if k[0] == "facility"]
        ).values_list("name", flat=True),
    ]
    payable = sorted(k for k in owed if k in accounts)
    if not payable:
        raise ValidationFailed(
            {"__all__": f"{len(missing)} 个收款人都没有代发账户，请先登记账户"}
        )
    with transaction.atomic():
        n = PaymentBatch.objects.filter(cycle=cycle).count() + 1
        batch = PaymentBatch.objects.create(number=f"FF{cycle.month:%Y%m}-{cycle.region.code}-{n}", cycle=cycle, created_by=by)  # fmt: skip
        rows = []
        for seq, key in enumerate(payable, 1):
            a = accounts[key]
            rows.append({
                "ref": f"{batch.number}-{seq:06d}", "event": LedgerEntry.Event.ISSUED, "batch_id": batch.pk,
                "elder_id": key[1] if key[0] == "elder" else None,
                "facility_id": key[1] if key[0] == "facility" else None,
                "payee": a.holder, "bank": a.bank, "account_enc": a.account_enc, "account_last4": a.account_last4,
                "amount_fen": owed[key], "by_id": by.pk,
            })  # fmt: skip
        bulk_insert(LedgerEntry, rows)
    total = sum(owed[k] for k in payable)
    audit(
        by=by,
        action="create",
        obj=batch,
        summary=f"生成发放批次 {batch.number}：{len(payable)} 笔 {fen_to_yuan_text(total)}",
    )
    return batch, sorted(missing_names)


RETURN_COLUMNS = {
    "ref": ("流水号", "序号", "交易流水号"),
    "amount": ("金额", "金额（元）", "金额(元)", "发放金额"),
    "result": ("结果", "处理结果", "状态"),
    "reason": ("原因", "失败原因", "备注"),
}


def _cell(row: list, columns: dict[str, int], key: str) -> str:
    i = columns.get(key)
    return tabular.as_text(row[i]) if i is not None and i < len(row) else ""


def bank_return_import(
    *, by, batch: PaymentBatch, data: bytes, filename: str
) -> dict[str, int]:
    """Mark the batch's payments paid or failed from a bank's return file. The file must match the
    payment file exactly (every payment of the bank, once, with the same amount); otherwise it
    is refused as a whole with the rows that do not match, and nothing is marked."""
    if batch.cycle is not None:
        _require_bureau(by, batch.cycle.region)
    try:
        table = tabular.open_table(data, filename)
    except tabular.TableError as exc:
        raise ValidationFailed({"file": exc.reason}) from exc
    columns = tabular.match_columns(
        [tabular.clean_header(h) for h in table.header], RETURN_COLUMNS
    )
    absent = [
        RETURN_COLUMNS[k][0] for k in ("ref", "amount", "result") if k not in columns
    ]
    if absent:
        raise ValidationFailed({"file": f"缺少列：{'、'.join(absent)}"})
    pending = {
        p["entry"].ref: p["entry"]
        for p in selectors.batch_payments(batch)
        if p["state"] == "issued"
    }
    issued = {p["entry"].ref: p for p in selectors.batch_payments(batch)}
    errors: dict[str, str] = {}
    marks: list[tuple[LedgerEntry, bool, str]] = []
    seen: set[str] = set()
    for number, row in table.rows:
        where = f"第{number}行"
        try:
            ref, amount, result, reason = (
                _cell(row, columns, k) for k in ("ref", "amount", "result", "reason")
            )
        except tabular.CellError as exc:
            errors[where] = exc.reason
            continue
        if ref in seen:
            errors[where] = f"流水号 {ref} 重复"
            continue
        seen.add(ref)
        if ref not in issued:
            errors[where] = f"流水号 {ref} 不在发放批次 {batch.number} 中"
            continue
        if ref not in pending:
            errors[where] = (
                f"流水号 {ref} 已于此前回盘（{issued[ref]['state']}），不能重复导入"
            )
            continue
        entry = pending[ref]
        try:
            fen = yuan_text_to_fen(amount)
        except ValueError as exc:
            errors[where] = f"金额：{exc}"
            continue
        if fen != entry.amount_fen:
            errors[where] = (
                f"金额 {fen_to_yuan_text(fen)} 与发放文件 {fen_to_yuan_text(entry.amount_fen)} 不符"
            )
            continue
        if result not in ("成功", "失败"):
            errors[where] = "结果应为“成功”或“失败”"
            continue
        marks.append(
            (
                entry,
                result == "成功",
                reason or ("" if result == "成功" else "银行退回"),
            )
        )
    banks = {e.bank for e, _ok, _r in marks}
    if len(banks) > 1:
        errors["file"] = (
            f"一个回盘文件只能对应一家银行，文件中有：{'、'.join(sorted(banks))}"
        )
    expected = {ref for ref, e in pending.items() if e.bank in banks}
    not_returned = expected - seen
    if not_returned and not errors:
        sample = "、".join(sorted(not_returned)[:5])
        errors["file"] = (
            f"回盘文件与发放文件不符：缺少 {len(not_returned)} 笔（{sample}…）"
        )
    if not marks and not errors:
        errors["file"] = "文件中没有数据行"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        bulk_insert(LedgerEntry, [
            {"ref": e.ref, "event": LedgerEntry.Event.PAID if ok else LedgerEntry.Event.FAILED, "batch_id": batch.pk,
             "elder_id": e.elder_id, "facility_id": e.facility_id, "payee": e.payee, "bank": e.bank,
             "account_last4": e.account_last4, "amount_fen": e.amount_fen, "reason": why[:200], "by_id": by.pk}
            for e, ok, why in marks
        ])  # fmt: skip
    paid = sum(1 for _e, ok, _r in marks if ok)
    audit(
        by=by,
        action="update",
        obj=batch,
        summary=f"导入{next(iter(banks))}回盘：成功 {paid} 笔，失败 {len(marks) - paid} 笔",
    )
    return {"paid": paid, "failed": len(marks) - paid}


def recovery_record(*, by, elder: Elder, amount_fen: int, note: str) -> LedgerEntry:
    """Money returned by a payee who was overpaid (追回到账)."""
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    if not permissions.is_bureau(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以登记追回"})
    if (
        isinstance(amount_fen, bool)
        or not isinstance(amount_fen, int)
        or amount_fen <= 0
    ):
        raise ValidationFailed({"amount": "追回金额应为正数（分）"})
    owed = -selectors.balances().get(("elder", elder.pk), 0)
    if amount_fen > owed:
        raise ValidationFailed(
            {"amount": f"追回金额超过应追回的 {fen_to_yuan_text(max(owed, 0))}"}
        )
    with transaction.atomic():
        n = LedgerEntry.objects.filter(event=LedgerEntry.Event.RETURNED).count() + 1
        entry = LedgerEntry.objects.create(
            ref=f"ZH{timezone.localdate():%Y%m%d}-{n:06d}", event=LedgerEntry.Event.RETURNED, elder=elder,
            payee=elder.name, amount_fen=amount_fen, reason=note[:200], by=by,
        )  # fmt: skip
    audit(
        by=by,
        action="create",
        obj=entry,
        summary=f"登记追回 {elder.name} {fen_to_yuan_text(amount_fen)}",
    )
    return entry
