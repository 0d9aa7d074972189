"""Every write of the assessment workflow (issue 4 §3): application → team → on-site answers →
submission → confirmation by every assessor → result on the elder's record; withdrawals, 复评
requests and imported historical results. Validated, scoped, one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.accounts.roles import Role
from yanglao.assessments import scoring
from yanglao.assessments.models import (
    GBT_42195,
    MZT_039,
    MZT_LEVEL_NAMES,
    OPEN_STATUSES,
    Agency,
    Applicant,
    Assessment,
    Assessor,
    Reason,
    Source,
    Status,
    TeamMember,
)
from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.bulk_actions import BulkOutcome, run_each
from yanglao.core.dates import add_months
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.elders.models import Status as ElderStatus
from yanglao.elders.selectors import elder_get
from yanglao.elders.services import elder_set_ability_level
from yanglao.regions.selectors import region_for_input

MIN_TEAM = 2  # issue 4 §3: an assessment team has at least two assessors


def ensure_manager(by) -> None:
    if not permissions.may_manage_assessments(by):
        raise ValidationFailed(
            {"__all__": "您的角色没有分派评估任务的权限（需民政局工作人员）"}
        )


def _team_member(by, assessment: Assessment) -> TeamMember:
    member = next(
        (
            m
            for m in assessment.team.select_related("assessor")
            if m.assessor.user_id == by.pk
        ),
        None,
    )
    if member is None:
        raise ValidationFailed({"__all__": "只有该评估小组的评估员可以填写和确认评估"})
    return member


def valid_until(assessed_on: dt.date) -> dt.date:
    """A result stays valid ASSESSMENT_VALID_MONTHS (常规评估 falls due on that day)."""
    return add_months(assessed_on, settings.ASSESSMENT_VALID_MONTHS)


# --- agencies and assessors ----------------------------------------------------------------------


def agency_create(
    *, by, name: str, region: str, licence: str = "", phone: str = ""
) -> Agency:
    ensure_manager(by)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "请填写机构名称"
    elif Agency.objects.filter(name=name).exists():
        errors["name"] = "已有同名评估机构"
    area = region_for_input(by, region, "region", errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        agency = Agency.objects.create(
            name=name, region=area, licence=licence, phone=phone
        )
        audit_create(by=by, obj=agency, summary=f"新增评估机构 {name}")
    return agency


def assessor_register(*, by, agency: Agency, user, certificate: str = "") -> Assessor:
    """Make a log-in an assessor of an agency (its role becomes 评估员, its area the agency's)."""
    ensure_manager(by)
    if hasattr(user, "assessor"):
        raise ValidationFailed({"user": f"{user} 已是评估员"})
    if not permissions.may_become_assessor(user):
        raise ValidationFailed({"user": "只有新账户或评估员账户可登记为评估员"})
    with transaction.atomic():
        user.role, user.region = Role.ASSESSOR, agency.region
        user.save(update_fields=["role", "region"])
        assessor = Assessor.objects.create(
            user=user, agency=agency, certificate=certificate
        )
        audit_create(by=by, obj=assessor, summary=f"{agency.name} 登记评估员 {user}")
    return assessor


# --- application ----------------------------------------------------------------------------------


def assessment_apply(
    *,
    by,
    elder: Elder,
    reason: str,
    applicant: str,
    applicant_name: str = "",
    note: str = "",
    applied_on: dt.date | None = None,
) -> Assessment:
    """评估申请 (A.1 reason). One open assessment per person; a 复评 must come within the review
    period after a completed result and names the result it questions."""
    if not permissions.may_apply_assessment(by):
        raise ValidationFailed({"__all__": "您的角色不能受理评估申请"})
    today = timezone.localdate()
    applied_on = applied_on or today
    errors: dict[str, str] = {}
    if reason not in Reason.values:
        errors["reason"] = "评估原因不在可选范围内（GB/T 42195-2022 A.1）"
    if applicant not in Applicant.values:
        errors["applicant"] = "申请人类别不在可选范围内"
    if applicant in (Applicant.FAMILY, Applicant.SELF) and not applicant_name.strip():
        errors["applicant_name"] = "本人或家属申请时请填写申请人姓名"
    if applied_on > today:
        errors["applied_on"] = "申请日期不能在未来"
    if elder.status != ElderStatus.ACTIVE:
        errors["elder"] = f"该老人档案状态为{elder.get_status_display()}，不能申请评估"
    open_one = elder.assessments.filter(status__in=OPEN_STATUSES).first()
    if open_one is not None:
        errors["elder"] = (
            f"该老人已有进行中的评估（{open_one.get_status_display()}），不能重复申请"
        )
    reviews = _reviewable(elder, today, errors) if reason == Reason.REVIEW else None
    if reason == Reason.FIRST and _latest_completed(elder) is not None:
        errors["reason"] = "该老人已有评估结果，请选择常规评估、即时评估或复评"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                elder=elder,
                reason=reason,
                applicant=applicant,
                applicant_name=applicant_name.strip(),
                applied_on=applied_on,
                applied_by=by,
                note=note.strip(),
                reviews=reviews,
            )
            audit_create(
                by=by,
                obj=assessment,
                summary=f"{elder.name} 申请{assessment.get_reason_display()}",
            )
    except IntegrityError:  # a second application raced past the check above
        raise ValidationFailed(
            {"elder": "该老人已有进行中的评估，不能重复申请"}
        ) from None
    return assessment


def _latest_completed(elder: Elder, standard: str | None = None) -> Assessment | None:
    done = elder.assessments.filter(status=Status.COMPLETED)
    if standard:
        done = done.filter(standard=standard)
    return done.order_by("-assessed_on", "-id").first()


def _reviewable(elder: Elder, today: dt.date, errors: dict) -> Assessment | None:
    latest = _latest_completed(elder)
    if latest is None or latest.source != Source.PLATFORM:
        errors["reason"] = "没有可复评的评估结果"
        return None
    deadline = latest.assessed_on + dt.timedelta(days=settings.ASSESSMENT_REVIEW_DAYS)
    if today > deadline:
        errors["reason"] = (
            f"复评须在评估结果作出后{settings.ASSESSMENT_REVIEW_DAYS}日内申请"
            f"（已于{deadline:%Y年%m月%d日}截止）"
        )
        return None
    return latest


# --- assignment -----------------------------------------------------------------------------------


def assessment_assign(
    *,
    by,
    assessment: Assessment,
    agency: Agency,
    assessor_ids: list[int],
    place: str = "",
) -> Assessment:
    """分派: an agency whose area covers the person, and a team of at least two of its assessors
    (for a 复评, none of those who made the result under review)."""
    ensure_manager(by)
    errors: dict[str, str] = {}
    if assessment.status not in (Status.APPLIED, Status.ASSIGNED):
        errors["__all__"] = f"评估状态为{assessment.get_status_display()}，不能分派"
    if not agency.active:
        errors["agency"] = "该评估机构已停用"
    elif not assessment.elder.residence_region.path.startswith(agency.region.path):
        errors["agency"] = f"该老人不在{agency.name}的服务区域内"
    elif not region_path_allowed(by, agency.region.path) and not region_path_allowed(
        by, assessment.elder.residence_region.path
    ):
        raise NotInScope
    ids = list(dict.fromkeys(int(i) for i in assessor_ids))
    chosen = list(Assessor.objects.filter(pk__in=ids, agency=agency, active=True))
    if len(chosen) != len(ids):
        errors["assessors"] = "所选评估员须是该机构在岗的评估员"
    elif len(chosen) < MIN_TEAM:
        errors["assessors"] = f"评估小组至少需要{MIN_TEAM}名评估员"
    if assessment.reviews_id and not errors:
        earlier = set(assessment.reviews.team.values_list("assessor_id", flat=True))
        if earlier & {a.pk for a in chosen}:
            errors["assessors"] = "复评须由未参加原评估的评估员进行"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(assessment)
    with transaction.atomic():
        assessment.team.all().delete()
        TeamMember.objects.bulk_create(
            TeamMember(assessment=assessment, assessor=a) for a in chosen
        )
        assessment.agency, assessment.place = agency, place.strip()
        assessment.status, assessment.assigned_at = Status.ASSIGNED, timezone.now()
        assessment.save()
        names = "、".join(str(a) for a in chosen)
        audit_update(
            by=by,
            obj=assessment,
            before=before,
            summary=f"分派给 {agency.name}：{names}",
        )
    return assessment


# --- on-site answers --------------------------------------------------------------------------------


def assessment_save_answers(
    *, by, assessment: Assessment, part: Any, base_version: int | None = None
) -> Assessment:
    """Save what an assessor changed on site. Item scores merge key by key, so a tablet that was
    offline and sends its queued changes later loses nothing and undoes nobody else's items;
    sending the same change twice changes nothing. Changing answers after submission withdraws the
    confirmations (the result is computed again on the next submission)."""
    _team_member(by, assessment)
    if assessment.status not in (Status.ASSIGNED, Status.SUBMITTED):
        raise ValidationFailed(
            {
                "__all__": f"评估状态为{assessment.get_status_display()}，不能修改评估记录"
            }
        )
    try:
        checked = scoring.parse_partial(part)
    except scoring.InvalidAnswers as exc:
        raise ValidationFailed(exc.errors) from None
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        merged = scoring.merge_answers(locked.answers, checked)
        if merged == _normalised(locked.answers):
            return locked
        locked.answers = merged
        locked.version += 1
        if locked.status == Status.SUBMITTED:
            locked.status = Status.ASSIGNED
            _clear_result(locked)
            locked.team.update(confirmed_at=None)
        locked.save()
    return locked


def _normalised(draft: dict) -> dict:
    return scoring.merge_answers(draft, {})


def _clear_result(assessment: Assessment) -> None:
    assessment.domain_scores, assessment.total = {}, None
    assessment.preliminary_level = assessment.final_level = None
    assessment.change_reasons, assessment.submitted_at = [], None


def assessment_submit(*, by, assessment: Assessment) -> Assessment:
    """提交: every item scored → the result by GB/T 42195-2022 C.1–C.5; the submitting assessor's
    confirmation is recorded, the others still confirm."""
    member = _team_member(by, assessment)
    assessment.refresh_from_db()  # the answers as saved, whoever saved them last
    if assessment.status != Status.ASSIGNED:
        raise ValidationFailed(
            {"__all__": f"评估状态为{assessment.get_status_display()}，不能提交"}
        )
    try:
        answers = scoring.parse_answers(_normalised(assessment.answers))
    except scoring.InvalidAnswers as exc:
        raise ValidationFailed(exc.errors) from None
    result = scoring.score(answers)
    before = snapshot(assessment)
    with transaction.atomic():
        assessment.domain_scores = result.domain_scores
        assessment.total = result.total
        assessment.preliminary_level = result.preliminary_level
        assessment.final_level = result.final_level
        assessment.change_reasons = list(result.change_reasons)
        assessment.status, assessment.submitted_at = Status.SUBMITTED, timezone.now()
        assessment.save()
        assessment.team.exclude(pk=member.pk).update(confirmed_at=None)
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at"])
        audit_update(
            by=by,
            obj=assessment,
            before=before,
            summary=f"提交评估：总分{result.total}，{result.final_level_name}",
        )
    return _complete_if_confirmed(by, assessment)


def assessment_confirm(*, by, assessment: Assessment) -> Assessment:
    """确认: an assessor of the team signs the submitted result; when all have, it is final."""
    member = _team_member(by, assessment)
    assessment.refresh_from_db()
    if assessment.status != Status.SUBMITTED:
        raise ValidationFailed({"__all__": "评估尚未提交，不能确认"})
    if member.confirmed_at is None:
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at"])
        audit(by=by, action="update", obj=assessment, summary=f"{by} 确认评估结果")
    return _complete_if_confirmed(by, assessment)


def _complete_if_confirmed(by, assessment: Assessment) -> Assessment:
    if assessment.team.filter(confirmed_at__isnull=True).exists():
        return assessment
    before = snapshot(assessment)
    today = timezone.localdate()
    with transaction.atomic():
        assessment.status, assessment.completed_at = Status.COMPLETED, timezone.now()
        assessment.assessed_on, assessment.valid_until = today, valid_until(today)
        assessment.save()
        audit_update(
            by=by,
            obj=assessment,
            before=before,
            summary=f"评估完成：{assessment.final_level_name}",
        )
        elder_set_ability_level(
            by=by, elder=assessment.elder, level=assessment.final_level
        )
    return assessment


def assessment_withdraw(*, by, assessment: Assessment, reason: str) -> Assessment:
    if not permissions.may_withdraw_assessment(by, assessment):
        raise ValidationFailed(
            {"__all__": "只有受理人或民政局工作人员可以撤回评估申请"}
        )
    errors = {}
    if not assessment.is_open:
        errors["__all__"] = f"评估状态为{assessment.get_status_display()}，不能撤回"
    if not reason.strip():
        errors["reason"] = "请填写撤回原因"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(assessment)
    with transaction.atomic():
        assessment.status = Status.WITHDRAWN
        assessment.note = f"{assessment.note} 撤回：{reason.strip()}".strip()[:200]
        assessment.save()
        audit_update(by=by, obj=assessment, before=before, summary="撤回评估申请")
    return assessment


# --- historical results ---------------------------------------------------------------------------


def assessment_record_historical(
    *,
    by,
    elder: Elder,
    standard: str,
    assessed_on: dt.date,
    final_level: int,
    total: int | None = None,
    agency_name: str = "",
    assessors: str = "",
    note: str = "",
) -> Assessment:
    """A result made outside the platform (paper, an earlier system). MZ/T 039-2013 results keep
    their own 0–3 scale and never set the GB/T level on the record; a GB/T result newer than the
    person's latest sets it."""
    if not permissions.may_manage_assessments(by):
        raise ValidationFailed({"__all__": "您的角色不能导入历史评估结果"})
    errors: dict[str, str] = {}
    if standard not in (GBT_42195, MZT_039):
        errors["standard"] = f"评估标准应为 {GBT_42195} 或 {MZT_039}"
    elif standard == MZT_039 and final_level not in MZT_LEVEL_NAMES:
        errors["final_level"] = (
            "MZ/T 039-2013 的等级应为 0–3（能力完好、轻度、中度、重度失能）"
        )
    elif standard == GBT_42195 and final_level not in range(5):
        errors["final_level"] = "GB/T 42195-2022 的等级应为 0–4"
    if total is not None and standard == GBT_42195 and not 0 <= total <= 90:
        errors["total"] = "总分应在 0–90 之间"
    if total is not None and standard == GBT_42195 and "final_level" not in errors:
        floor = scoring.preliminary_level(total) if 0 <= total <= 90 else None
        if floor is not None and final_level not in (floor, min(floor + 1, 4), 4):
            errors["final_level"] = (
                f"总分{total}对应初步等级{floor}，最终等级只能为{floor}、上调一级或4"
            )
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = "评估日期不能在未来"
    if assessed_on < elder.birth_date:
        errors["assessed_on"] = "评估日期早于出生日期"
    if elder.assessments.filter(
        assessed_on=assessed_on, standard=standard, status=Status.COMPLETED
    ).exists():
        errors["assessed_on"] = "该老人当天已有同一标准的评估结果"
    if errors:
        raise ValidationFailed(errors)
    latest = _latest_completed(elder, GBT_42195)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            elder=elder,
            standard=standard,
            source=Source.IMPORT,
            reason=Reason.OTHER,
            applicant=Applicant.COMMUNITY,
            applied_on=assessed_on,
            applied_by=by,
            note=note.strip()[:200],
            status=Status.COMPLETED,
            total=total,
            preliminary_level=scoring.preliminary_level(total)
            if total is not None and standard == GBT_42195
            else None,
            final_level=final_level,
            assessed_on=assessed_on,
            valid_until=valid_until(assessed_on),
            completed_at=timezone.now(),
            external_agency=agency_name.strip()[:100],
            external_assessors=assessors.strip()[:100],
        )
        audit_create(by=by, obj=assessment, summary=f"导入历史评估结果（{standard}）")
        newer = latest is None or latest.assessed_on <= assessed_on
        if standard == GBT_42195 and newer:
            elder_set_ability_level(by=by, elder=elder, level=final_level)
    return assessment


# What the due list's kind asks for (GB/T 42195-2022 A.1).
REASON_FOR_DUE = {
    "overdue": Reason.ROUTINE,
    "soon": Reason.ROUTINE,
    "immediate": Reason.IMMEDIATE,
    "never": Reason.FIRST,
}


def assessments_apply_many(*, by, elder_ids: list[int], due_kind: str) -> BulkOutcome:
    """从待评估名单批量申请: each person applied for as one would be (assessment_apply), the reason
    from the list they were on; a person with an open assessment or out of scope is reported."""
    if due_kind not in REASON_FOR_DUE:
        raise ValidationFailed({"kind": "请选择待评估名单的类别"})
    applicant = (
        Applicant.INSTITUTION
        if permissions.acts_for_facility(by)
        else Applicant.COMMUNITY
    )
    names: dict[int, str] = {}

    def apply(pk: int) -> None:
        elder = elder_get(by=by, pk=pk)
        names[pk] = elder.name
        assessment_apply(
            by=by,
            elder=elder,
            reason=REASON_FOR_DUE[due_kind],
            applicant=applicant,
            note="从待评估名单批量申请",
        )

    return run_each(elder_ids, apply, lambda pk: names.get(pk, f"编号 {pk}"))
