"""双随机 writes: plans, the commitment of a draw's frozen input (公示), and the draw once the
public random value is known. A drawn draw is never changed."""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import FireSafety
from yanglao.facilities.selectors import facilities_worked_at, institutions_open_in
from yanglao.regions.models import Region
from yanglao.supervision import codes
from yanglao.supervision import draw as method
from yanglao.supervision.models import Draw, Inspector, Plan


def _ensure_supervisor(by) -> None:
    if not permissions.may_supervise(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以组织随机抽查"})


def ensure_institution_or_bureau(by, facility, refusal: str) -> None:
    """Writes an institution keeps for itself (its custody statements, emergency plans, grading
    application): its own 机构管理员, or the bureau of its area; anyone else is refused."""
    from yanglao.facilities.selectors import facility_ids_in_scope

    if permissions.may_supervise(by):
        if not region_path_allowed(by, facility.region.path):
            raise NotInScope(facility.pk)
        return
    if not permissions.may_answer_rectification(by):
        raise ValidationFailed({"__all__": refusal})
    if not facility_ids_in_scope(by).filter(pk=facility.pk).exists():
        raise NotInScope(facility.pk)


def plan_create(*, by, region: Region, **values) -> Plan:
    _ensure_supervisor(by)
    if not region_path_allowed(by, region.path):
        raise NotInScope(region.pk)
    errors = {}
    if not 1 <= (values.get("share_percent") or 0) <= 100:
        errors["share_percent"] = "抽取比例须在 1% 到 100% 之间"
    if (values.get("team_size") or 0) < 2:
        errors["team_size"] = "每组检查人员不得少于 2 人"
    if Plan.objects.filter(code=values.get("code")).exists():
        errors["code"] = "计划编号已存在"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        plan = Plan.objects.create(region=region, created_by=by, **values)
        audit_create(by=by, obj=plan, summary=f"新建抽查计划 {plan}")
    return plan


def object_code(facility) -> str:
    """The entity code a draw names an institution by (supervision.codes)."""
    return codes.object_code(facility.pk)


def stratum_of(facility, flagged: frozenset[int] = frozenset()) -> str:
    """性质 × 风险 from the platform's own data: 高风险 where the fire acceptance is missing or
    failed, or where supervision flagged the institution (risk_flagged)."""
    risky = (
        facility.fire_safety in (FireSafety.PENDING, FireSafety.FAILED)
        or facility.pk in flagged
    )
    return f"{facility.get_ownership_display()}·{'高风险' if risky else '一般'}"


def risk_flagged(ids, on) -> frozenset[int]:
    """Institutions supervision itself marks 高风险 for the next draw: an upheld complaint in the
    last 12 months, a rectification order escalated as overdue and still open, or a place on the
    black list."""
    from yanglao.supervision.models import Complaint, ListEntry, Rectification

    since = on - dt.timedelta(days=365)
    flagged = set(
        Complaint.objects.filter(
            facility__in=ids, upheld=True, received_at__date__gt=since
        ).values_list("facility_id", flat=True)
    )
    flagged |= set(
        Rectification.objects.filter(facility__in=ids, escalated_at__isnull=False)
        .exclude(state=Rectification.State.CLOSED)
        .values_list("facility_id", flat=True)
    )
    flagged |= set(
        ListEntry.objects.filter(
            facility__in=ids, kind=ListEntry.Kind.BLACK, ended_on__isnull=True
        ).values_list("facility_id", flat=True)
    )
    return frozenset(flagged)


def frozen_input(plan: Plan, on) -> dict:
    """The plan's input as the method fixes it: the open institutions of the plan's area by
    stratum, the inspectors of the area (and above it) with their exclusions, the sample per
    stratum (the plan's share, rounded up), team size and cap."""
    facilities = list(institutions_open_in(plan.region.path, on))
    flagged = risk_flagged([f.pk for f in facilities], on)
    objects = sorted(
        (
            {"code": object_code(f), "stratum": stratum_of(f, flagged)}
            for f in facilities
        ),
        key=lambda o: o["code"],
    )
    code_of = {f.pk: object_code(f) for f in facilities}
    ancestors = [c for c in plan.region.path.split("/") if c]
    paths = ["/".join(ancestors[:i]) + "/" for i in range(1, len(ancestors) + 1)]
    inspectors = list(
        Inspector.objects.filter(active=True, region__path__in=paths).prefetch_related(
            "declared_excludes"
        )
    ) + list(
        Inspector.objects.filter(
            active=True, region__path__startswith=plan.region.path
        ).exclude(region__path__in=paths)
    )
    worked = facilities_worked_at([i.id_number_hash for i in inspectors])
    people = []
    for i in sorted({i.pk: i for i in inspectors}.values(), key=lambda i: i.code):
        barred = {code_of[f.pk] for f in i.declared_excludes.all() if f.pk in code_of}
        barred |= {code_of[f] for f in worked.get(i.id_number_hash, ()) if f in code_of}
        people.append({"code": i.code, "excludes": sorted(barred)})
    counts: dict[str, int] = {}
    for o in objects:
        counts[o["stratum"]] = counts.get(o["stratum"], 0) + 1
    sample = {
        s: math.ceil(n * plan.share_percent / 100) for s, n in sorted(counts.items())
    }
    return {
        "plan": plan.code,
        "objects": objects,
        "inspectors": people,
        "sample": sample,
        "team_size": plan.team_size,
        "max_teams": plan.max_teams,
    }


def draw_commit(*, by, plan: Plan, reason: str = "") -> Draw:
    """Freeze the input and publish its commitment, before any random value exists. A later
    draw of the same plan is a re-draw and needs its reason."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, plan.region.path):
        raise NotInScope(plan.pk)
    with transaction.atomic():
        last = plan.draws.select_for_update().aggregate(n=Max("number"))["n"] or 0
        if last and not reason.strip():
            raise ValidationFailed(
                {"reason": "重新抽取须写明原因（原抽取记录保留并公示）"}
            )
        frozen = frozen_input(plan, timezone.localdate())
        try:
            method.check_input(frozen)
        except method.DrawInputError as exc:
            raise ValidationFailed({"__all__": str(exc)}) from None
        if not frozen["objects"]:
            raise ValidationFailed(
                {"__all__": "计划地区内没有在营养老机构，无可抽取对象"}
            )
        if len(frozen["inspectors"]) < plan.team_size:
            raise ValidationFailed(
                {
                    "__all__": f"检查人员名录只有 {len(frozen['inspectors'])} 人，少于每组 {plan.team_size} 人"
                }
            )
        made = Draw.objects.create(
            plan=plan,
            number=last + 1,
            reason=reason.strip(),
            input=frozen,
            commitment=method.commitment(frozen),
            committed_at=timezone.now(),
            committed_by=by,
        )
        audit(
            by=by, action="event", obj=made, summary=f"公示抽取承诺值 {made.commitment}"
        )
    return made


def draw_run(*, by, draw: Draw, public_random: str) -> Draw:
    """Record the public random value and draw (STANDARDS.md steps 3–6). Once drawn, final."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, draw.plan.region.path):
        raise NotInScope(draw.pk)
    value = (public_random or "").strip()
    if not value or len(value) > 200:
        raise ValidationFailed(
            {"public_random": "请录入抽取会上公开产生的随机数（200 字以内）"}
        )
    with transaction.atomic():
        current = Draw.objects.select_for_update().get(pk=draw.pk)
        if current.drawn_at is not None:
            raise ValidationFailed(
                {
                    "__all__": "该次抽取已完成并公示，不能修改；如需重抽请新建抽取并写明原因"
                }
            )
        if method.commitment(current.input) != current.commitment:
            raise ValidationFailed(
                {"__all__": "冻结的输入与公示的承诺值不符，不能抽取"}
            )
        result = method.draw(current.input, value)
        current.public_random = value
        current.seed = result.seed
        current.result = result.as_dict()
        current.drawn_at, current.drawn_by = timezone.now(), by
        current.save()
        audit(
            by=by,
            action="event",
            obj=current,
            summary=f"抽取：公开随机数 {value}，抽中 {len(result.objects)} 家，组队 {len(result.teams)} 组",
        )
    return current
