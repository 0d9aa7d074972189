"""Inspections on site against a versioned checklist, and rectification to the end."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.supervision.models import Draw
from yanglao.supervision.services.draws import _ensure_supervisor, object_code


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


def inspection_sign(*, by, inspection, cosigner):
    """Both inspectors sign (the second on the same phone with their own password, checked by the
    caller): every item answered; each 不符合 becomes a rectification order with a deadline by
    severity (重大 7 days, 一般 30)."""
    import datetime as dt

    from yanglao.supervision.checklists import SEVERITY_DAYS
    from yanglao.supervision.models import Inspection, Rectification

    _ensure_supervisor(by)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state == Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录已签署"})
        _ensure_two_inspectors(current, by, cosigner)
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
        current.cosigned_by = cosigner
        current.save()
        _credit_of_findings(current, today, by)
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


def _credit_of_findings(inspection, day, by) -> None:
    """A signed inspection's failed items go on the institution's credit record, by severity."""
    from yanglao.supervision.credit import KINDS
    from yanglao.supervision.services.credit import credit_record

    failed = [
        i["severity"]
        for i in inspection.checklist.items
        if inspection.answers[i["code"]]["result"] == "fail"
    ]
    for severity, kind in (("重大", "inspection_major"), ("一般", "inspection_minor")):
        n = failed.count(severity)
        if n:
            credit_record(
                facility=inspection.facility,
                kind=kind,
                points=KINDS[kind][1] * n,
                day=day,
                text=f"检查发现{severity}问题 {n} 项",
                source=f"inspection:{inspection.pk}",
                by=by,
            )


def _ensure_two_inspectors(inspection, by, cosigner) -> None:
    """Two different inspectors of the bureau, each in the institution's area; where the team
    was drawn and its inspectors have platform accounts, both must be of the team."""
    from yanglao.supervision.models import Inspector

    if cosigner is None or cosigner.pk == by.pk:
        raise ValidationFailed(
            {"cosigner": "须由两名检查人员共同签字（第二人用本人账号确认）"}
        )
    if not permissions.may_supervise(cosigner) or not region_path_allowed(
        cosigner, inspection.facility.region.path
    ):
        raise ValidationFailed({"cosigner": "第二检查人不是本辖区民政执法检查人员"})
    linked = set(
        Inspector.objects.filter(
            code__in=inspection.team, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    if linked and not {by.pk, cosigner.pk} <= linked:
        raise ValidationFailed({"cosigner": "签字人须是本次抽取的检查组成员"})


# A check-in farther than this from the institution is recorded with a warning, not refused
# (a phone indoors may be placed hundreds of metres off).
CHECKIN_WARN_M = 500


def inspection_checkin(
    *,
    by,
    inspection,
    lat: float | None,
    lng: float | None,
    accuracy_m: float | None,
    note: str = "",
):
    """到场签到: where the team opened the inspection, and how far that is from the institution.
    Without a position (refused by the phone, or none indoors) a reason is required."""
    from yanglao.core.geo import distance_m
    from yanglao.supervision.models import Inspection

    _ensure_supervisor(by)
    if not region_path_allowed(by, inspection.facility.region.path):
        raise NotInScope(inspection.pk)
    if lat is None or lng is None:
        if len((note or "").strip()) < 4:
            raise ValidationFailed(
                {"note": "未取得定位，请写明原因（如室内无信号、拒绝定位授权）"}
            )
    elif not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed({"lat": "定位坐标无效"})
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state == Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录已签署，不能修改"})
        if current.checkin_at is not None:
            raise ValidationFailed({"__all__": "已签到"})
        facility = current.facility
        current.checkin_at = timezone.now()
        current.checkin_lat, current.checkin_lng = lat, lng
        current.checkin_accuracy_m = (
            round(accuracy_m) if accuracy_m is not None else None
        )
        current.checkin_distance_m = (
            round(distance_m((lat, lng), (facility.lat, facility.lng)))
            if lat is not None and facility.lat is not None and facility.lng is not None
            else None
        )
        current.checkin_note = (note or "").strip()[:200]
        current.save()
        audit(by=by, action="event", obj=current, summary="到场签到")
    return current


def inspection_acknowledge(*, by, inspection, note: str = ""):
    """The institution's 机构管理员 confirms it has read the signed record (and may state its
    view); the record itself does not change."""
    from yanglao.facilities.selectors import facility_ids_in_scope
    from yanglao.supervision.models import Inspection

    if not permissions.may_answer_rectification(by):
        raise ValidationFailed({"__all__": "检查结果由被检查机构确认"})
    if not facility_ids_in_scope(by).filter(pk=inspection.facility_id).exists():
        raise NotInScope(inspection.pk)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state != Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录尚未签署"})
        if current.acknowledged_at is not None:
            raise ValidationFailed({"__all__": "已确认"})
        current.acknowledged_at, current.acknowledged_by = timezone.now(), by
        current.institution_note = (note or "").strip()[:300]
        current.save(
            update_fields=["acknowledged_at", "acknowledged_by", "institution_note"]
        )
        audit(by=by, action="event", obj=current, summary="机构确认检查结果")
    return current


PHOTOS_PER_ITEM = 6


def inspection_photo_add(*, by, inspection, item_code: str, photo):
    """取证照片 of one item (JPEG, PNG or WebP by content, core.photos), while the record is open."""
    from yanglao.core.photos import photo_problem, photo_type
    from yanglao.supervision.models import Inspection, InspectionPhoto

    _ensure_supervisor(by)
    if not region_path_allowed(by, inspection.facility.region.path):
        raise NotInScope(inspection.pk)
    errors = {}
    if photo is None:
        errors["photo"] = "请选择照片"
    else:
        problem = photo_problem(photo)
        if problem:
            errors["photo"] = problem
    if item_code not in {i["code"] for i in inspection.checklist.items}:
        errors["item_code"] = "请选择照片对应的检查项"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if current.state == Inspection.State.SIGNED:
            raise ValidationFailed({"__all__": "检查记录已签署，不能再添加照片"})
        if current.photos.filter(item_code=item_code).count() >= PHOTOS_PER_ITEM:
            raise ValidationFailed(
                {"photo": f"每个检查项最多 {PHOTOS_PER_ITEM} 张照片"}
            )
        made = InspectionPhoto(inspection=current, item_code=item_code, taken_by=by)
        now = timezone.localtime()
        made.photo.save(
            f"{current.pk}-{item_code}-{now:%Y%m%d%H%M%S%f}.{photo_type(photo)}",
            photo,
            save=False,
        )
        made.save()
        audit(by=by, action="create", obj=made, summary=f"上传取证照片 {item_code}")
    return made


def inspection_photo_open(*, by, photo):
    """A photo the reader reached through their scoped inspection, opened; every viewing is
    audited (the inside of an institution, its residents may be in it)."""
    from yanglao.core.models import AuditEntry

    audit(
        by=by,
        action=AuditEntry.Action.VIEW_PII,
        obj=photo,
        summary=f"查看检查取证照片 {photo.item_code}",
    )
    return photo.photo.open("rb")
