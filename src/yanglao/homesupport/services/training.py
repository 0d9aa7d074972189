"""Writes of 家庭照护者培训 (issue 25 §4): courses, sessions, sign-up, attendance and certificates.
A family carer attending a session is one 人次 towards Jingdezhen's 4,000 (JDZ-26)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.homesupport.models import Attendance, Course, Session
from yanglao.regions.selectors import region_for_input


def _require(by) -> None:
    if not permissions.may_run_carer_training(by):
        raise ValidationFailed({"__all__": "您的角色不能办理家庭照护者培训"})


def course_create(
    *, by, title: str, mode: str, hours: int, organiser: str, region: str
) -> Course:
    _require(by)
    errors: dict[str, str] = {}
    found = region_for_input(by, region, "region", errors)
    if not (title or "").strip():
        errors["title"] = "请填写课程名称"
    if mode not in Course.Mode.values:
        errors["mode"] = "请选择线上或线下"
    if not hours or not 1 <= hours <= 200:
        errors["hours"] = "学时应在 1–200 之间"
    if not (organiser or "").strip():
        errors["organiser"] = "请填写培训机构"
    if errors:
        raise ValidationFailed(errors)
    course = Course.objects.create(
        title=title.strip(),
        mode=mode,
        hours=hours,
        organiser=organiser.strip(),
        region=found,
    )
    audit_create(by=by, obj=course, summary=f"开设家庭照护者培训课程 {course.title}")
    return course


def session_create(
    *, by, course: Course, held_on: dt.date | None, place: str, capacity: int | None
) -> Session:
    _require(by)
    if not region_path_allowed(by, course.region.path):
        raise NotInScope(course.pk)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请选择日期"
    if not (place or "").strip():
        errors["place"] = "请填写地点或平台"
    if not capacity or not 1 <= capacity <= 1000:
        errors["capacity"] = "名额应在 1–1000 之间"
    if errors:
        raise ValidationFailed(errors)
    session = Session.objects.create(
        course=course, held_on=held_on, place=place.strip(), capacity=capacity
    )
    audit_create(by=by, obj=session, summary=f"培训班次 {session}")
    return session


def attendance_add(
    *, by, session: Session, elder, carer_name: str, relation: str
) -> Attendance:
    """报名: a family carer of `elder`, within the session's places."""
    _require(by)
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope(elder.pk)
    errors: dict[str, str] = {}
    if not (carer_name or "").strip():
        errors["carer_name"] = "请填写照护者姓名"
    if not (relation or "").strip():
        errors["relation"] = "请填写与老年人关系"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        Session.objects.select_for_update().filter(pk=session.pk).first()
        if session.attendances.count() >= session.capacity:
            raise ValidationFailed({"__all__": f"该班次 {session.capacity} 个名额已满"})
        try:
            with transaction.atomic():
                made = Attendance.objects.create(
                    session=session,
                    elder=elder,
                    carer_name=carer_name.strip()[:50],
                    relation=relation.strip()[:20],
                    recorded_by=by,
                )
        except IntegrityError:
            raise ValidationFailed(
                {"carer_name": f"{carer_name.strip()}已报名该班次"}
            ) from None
    audit_create(by=by, obj=made, summary=f"培训报名 {made.carer_name}（{elder.name}）")
    return made


def attendance_mark(
    *, by, attendance: Attendance, attended: bool, certificate_no: str = ""
) -> Attendance:
    """签到 and 结业证书: a certificate only for someone who attended."""
    _require(by)
    if not region_path_allowed(by, attendance.session.course.region.path):
        raise NotInScope(attendance.pk)
    certificate_no = (certificate_no or "").strip()
    if certificate_no and not attended:
        raise ValidationFailed({"certificate_no": "未参加培训不能发结业证书"})
    attendance.attended = attended
    attendance.certificate_no = certificate_no[:40]
    attendance.save(update_fields=["attended", "certificate_no"])
    audit(
        by=by,
        action="update",
        obj=attendance,
        summary=f"{attendance.carer_name} {'已参加' if attended else '未参加'} {certificate_no}",
    )
    return attendance
