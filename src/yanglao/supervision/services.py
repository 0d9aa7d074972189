"""Every write of supervision: plans, the commitment of a draw's frozen input (公示), and the draw
once the public random value is known. A drawn draw is never changed."""

from __future__ import annotations

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


def stratum_of(facility) -> str:
    """性质 × 风险: 高风险 where the fire acceptance is missing or failed (the platform's own data)."""
    risky = facility.fire_safety in (FireSafety.PENDING, FireSafety.FAILED)
    return f"{facility.get_ownership_display()}·{'高风险' if risky else '一般'}"


def frozen_input(plan: Plan, on) -> dict:
    """The plan's input as the method fixes it: the open institutions of the plan's area by
    stratum, the inspectors of the area (and above it) with their exclusions, the sample per
    stratum (the plan's share, rounded up), team size and cap."""
    facilities = list(institutions_open_in(plan.region.path, on))
    objects = sorted(
        ({"code": object_code(f), "stratum": stratum_of(f)} for f in facilities),
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


# ---------------------------------------------------------------------------------------------
# 投诉举报

# Deadlines: acknowledge within 2 days and answer within 15 (the bureau may set its own).
ACKNOWLEDGE_DAYS = 2
ANSWER_DAYS = 15
# A public form flood: at most this many complaints from one source an hour.
PUBLIC_PER_HOUR = 5
CODE_LETTERS = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
)


def complaint_submit(
    *,
    channel: str,
    subject: str,
    region: Region | None,
    facility=None,
    subject_name: str = "",
    content: str,
    name: str = "",
    phone: str = "",
    source: str = "",
    by=None,
):
    """A complaint from the public form (`source`: the sender's address, kept only as a keyed
    hash, for the rate limit) or taken by phone by a clerk (`by`). Routed to the street or
    township of the institution complained about, else to the region given."""
    import datetime as dt
    import secrets

    from yanglao.core import pii
    from yanglao.core.phone import normalize_phone
    from yanglao.supervision.models import Complaint

    errors: dict[str, str] = {}
    if subject not in Complaint.Subject.values:
        errors["subject"] = "请选择投诉对象类别"
    if facility is not None:
        subject_name = facility.name
        region = _responsible_region(facility.region)
    if not (subject_name or "").strip():
        errors["subject_name"] = "请写明被投诉的机构、服务商或人员"
    if region is None:
        errors["region"] = "请选择所在地区"
    if len((content or "").strip()) < 10:
        errors["content"] = "请具体说明投诉事项（不少于10个字）"
    phone_enc = ""
    if phone.strip():
        try:
            phone_enc = pii.encrypt(normalize_phone(phone))
        except ValueError as exc:
            errors["phone"] = str(exc)
    source_hash = pii.lookup_hash(source) if source else ""
    now = timezone.now()
    if (
        source_hash
        and Complaint.objects.filter(
            source_hash=source_hash, received_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= PUBLIC_PER_HOUR
    ):
        errors["__all__"] = "提交过于频繁，请一小时后再试，或拨打民政服务热线"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = Complaint.objects.create(
            code="".join(secrets.choice(CODE_LETTERS) for _ in range(10)),
            channel=channel,
            subject=subject,
            facility=facility,
            subject_name=subject_name.strip(),
            region=region,
            content=content.strip(),
            name=name.strip(),
            phone_enc=phone_enc,
            source_hash=source_hash,
            received_at=now,
            acknowledge_by=now + dt.timedelta(days=ACKNOWLEDGE_DAYS),
            answer_by=now + dt.timedelta(days=ANSWER_DAYS),
            handled_by=by,
        )
        audit(
            by=by,
            action="create",
            obj=made,
            summary=f"收到投诉 {made.code}（{made.get_channel_display()}）",
        )
    return made


def _responsible_region(region: Region) -> Region:
    """The street or township a place belongs to (a community's complaint goes to its street)."""
    while region.level > Region.Level.TOWNSHIP and region.parent_id:
        region = region.parent
    return region


def complaint_acknowledge(*, by, complaint):
    from yanglao.supervision.models import Complaint

    _ensure_handler(by, complaint)
    if complaint.state != Complaint.State.RECEIVED:
        raise ValidationFailed({"__all__": "该投诉已受理"})
    complaint.state, complaint.acknowledged_at = (
        Complaint.State.ACKNOWLEDGED,
        timezone.now(),
    )
    complaint.handled_by = by
    complaint.save(update_fields=["state", "acknowledged_at", "handled_by"])
    audit(by=by, action="event", obj=complaint, summary=f"受理投诉 {complaint.code}")
    return complaint


def complaint_answer(*, by, complaint, answer: str, upheld: bool | None):
    from yanglao.supervision.models import Complaint

    _ensure_handler(by, complaint)
    if complaint.state == Complaint.State.ANSWERED:
        raise ValidationFailed({"__all__": "该投诉已答复"})
    if len((answer or "").strip()) < 5:
        raise ValidationFailed({"answer": "请写明答复内容"})
    if upheld is None:
        raise ValidationFailed({"upheld": "请认定投诉是否属实"})
    now = timezone.now()
    complaint.acknowledged_at = complaint.acknowledged_at or now
    complaint.state, complaint.answered_at = Complaint.State.ANSWERED, now
    complaint.answer, complaint.upheld, complaint.handled_by = (
        answer.strip(),
        upheld,
        by,
    )
    complaint.save()
    audit(by=by, action="event", obj=complaint, summary=f"答复投诉 {complaint.code}")
    return complaint


def complaint_phone(*, by, complaint) -> str:
    """The number the complainant left, for the clerk handling it to call back: shown once,
    audited with the complaint as its purpose (as alarms.services.calls does for an alarm)."""
    from yanglao.core import pii
    from yanglao.core.models import AuditEntry

    _ensure_handler(by, complaint)
    if not complaint.phone_enc:
        raise ValidationFailed({"__all__": "投诉人未留联系电话"})
    audit(
        by=by,
        action=AuditEntry.Action.VIEW_PII,
        obj=complaint,
        summary=f"查看投诉人联系电话（回访投诉 {complaint.code}）",
    )
    return pii.decrypt(complaint.phone_enc)


def _ensure_handler(by, complaint) -> None:
    if not permissions.may_handle_complaints(by):
        raise ValidationFailed({"__all__": "您的角色不能办理投诉"})
    if not region_path_allowed(by, complaint.region.path):
        raise NotInScope(complaint.pk)


# ---------------------------------------------------------------------------------------------
# Inspections and rectification


def checklist_install():
    """The shipped GB 38600-2019 checklist (supervision.checklists), unless that version is there."""
    from yanglao.supervision import checklists
    from yanglao.supervision.models import Checklist

    made, _created = Checklist.objects.get_or_create(
        code=checklists.GB38600["code"],
        version=checklists.GB38600["version"],
        defaults={
            "name": checklists.GB38600["name"],
            "items": checklists.items_of(checklists.GB38600),
        },
    )
    return made


def inspection_start(*, by, facility, draw: Draw | None = None):
    """Open an inspection of an institution (of a draw's team, when it was drawn)."""
    from yanglao.supervision.models import Checklist, Inspection

    _ensure_supervisor(by)
    if not region_path_allowed(by, facility.region.path):
        raise NotInScope(facility.pk)
    team = []
    if draw is not None and draw.result:
        code = object_code(facility)
        team = next(
            (t["inspectors"] for t in draw.result["teams"] if t["object"] == code), []
        )
        if not team:
            raise ValidationFailed({"__all__": "该机构不在这次抽取的结果中"})
    checklist = (
        Checklist.objects.filter(active=True, code="GB38600").order_by("-id").first()
    )
    checklist = checklist or checklist_install()
    with transaction.atomic():
        made = Inspection.objects.create(
            facility=facility, draw=draw, checklist=checklist, team=team, started_by=by
        )
        audit_create(by=by, obj=made, summary=f"开始检查 {facility.name}")
    return made


def inspection_record(*, by, inspection, answers: dict[str, dict]):
    """Save item results ({code: {result, note}}); refused once the inspection is signed."""
    from yanglao.supervision.checklists import RESULTS
    from yanglao.supervision.models import Inspection

    _ensure_supervisor(by)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state == Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录已签署，不能修改"})
        codes = {i["code"] for i in current.checklist.items}
        errors = {}
        for code, answer in answers.items():
            if code not in codes:
                errors[code] = "检查表中没有此项"
            elif answer.get("result") not in RESULTS:
                errors[code] = "请选择符合、不符合或不适用"
            elif answer["result"] == "fail" and not (answer.get("note") or "").strip():
                errors[code] = "不符合的项请写明检查发现"
        if errors:
            raise ValidationFailed(errors)
        merged = dict(current.answers)
        merged.update(
            {
                c: {"result": a["result"], "note": (a.get("note") or "").strip()[:300]}
                for c, a in answers.items()
            }
        )
        current.answers = merged
        current.save(update_fields=["answers"])
    return current


def inspection_sign(*, by, inspection):
    """Sign the inspection: every item answered; each 不符合 becomes a rectification order with a
    deadline by severity (重大 7 days, 一般 30)."""
    import datetime as dt

    from yanglao.supervision.checklists import SEVERITY_DAYS
    from yanglao.supervision.models import Inspection, Rectification

    _ensure_supervisor(by)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state == Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录已签署"})
        missing = [
            i["code"]
            for i in current.checklist.items
            if i["code"] not in current.answers
        ]
        if missing:
            raise ValidationFailed(
                {
                    "__all__": f"还有 {len(missing)} 项未检查（{'、'.join(missing[:5])}…）"
                }
            )
        today = timezone.localdate()
        for item in current.checklist.items:
            answer = current.answers[item["code"]]
            if answer["result"] == "fail":
                Rectification.objects.create(
                    inspection=current,
                    facility=current.facility,
                    item_code=item["code"],
                    item_text=item["text"][:300],
                    severity=item["severity"],
                    finding=answer["note"],
                    deadline=today + dt.timedelta(days=SEVERITY_DAYS[item["severity"]]),
                )
        current.state, current.signed_at, current.signed_by = (
            Inspection.State.SIGNED,
            timezone.now(),
            by,
        )
        current.save()
        audit(by=by, action="event", obj=current, summary=f"签署检查记录 {current}")
    return current


def rectification_answer(*, by, rectification, evidence: str):
    """The institution reports what it did, with its evidence."""
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Rectification

    if not permissions.may_answer_rectification(by):
        raise ValidationFailed({"__all__": "整改情况由被检查机构填报"})
    if not facility_ids_in_scope(by).filter(pk=rectification.facility_id).exists():
        raise NotInScope(rectification.pk)
    if len((evidence or "").strip()) < 5:
        raise ValidationFailed({"evidence": "请写明整改措施和佐证材料"})
    if rectification.state == Rectification.State.CLOSED:
        raise ValidationFailed({"__all__": "该整改单已核查通过"})
    rectification.state = Rectification.State.SUBMITTED
    rectification.evidence, rectification.submitted_at = (
        evidence.strip(),
        timezone.now(),
    )
    rectification.save()
    audit(by=by, action="event", obj=rectification, summary="提交整改情况")
    return rectification


def rectification_verify(*, by, rectification, accept: bool, note: str = ""):
    """The bureau checks the evidence: closed, or back to the institution with the reason."""
    from yanglao.supervision.models import Rectification

    _ensure_supervisor(by)
    if not region_path_allowed(by, rectification.facility.region.path):
        raise NotInScope(rectification.pk)
    if (
        rectification.state != Rectification.State.SUBMITTED
        or not rectification.evidence
    ):
        raise ValidationFailed({"__all__": "机构尚未提交整改佐证，不能核查销号"})
    if not accept and not note.strip():
        raise ValidationFailed({"note": "退回须写明原因"})
    rectification.state = (
        Rectification.State.CLOSED if accept else Rectification.State.OPEN
    )
    rectification.verified_at, rectification.verified_by = timezone.now(), by
    rectification.verify_note = note.strip()[:200]
    rectification.save()
    audit(
        by=by,
        action="event",
        obj=rectification,
        summary=f"{'核查通过' if accept else '退回'}整改 {rectification.item_code}",
    )
    return rectification
