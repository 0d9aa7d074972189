"""等级评定 (GB/T 37276-2018) and 年度服务质量评价: applications, item scores by the experts, the
level the scores reach (supervision.grading) with its validity, and the yearly evaluation
(supervision.evaluation); both write the credit record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.supervision import credit as credit_rules
from yanglao.supervision import evaluation as evaluation_rules
from yanglao.supervision import grading as rules
from yanglao.supervision.models import Evaluation, Grading, GradingSheet
from yanglao.supervision.services.credit import credit_record
from yanglao.supervision.services.draws import (
    _ensure_supervisor,
    ensure_institution_or_bureau,
)


def sheet_install() -> GradingSheet:
    """The shipped sheet (supervision.grading.SHEET), unless that version is there."""
    rules.check_sheet(rules.SHEET)
    made, _created = GradingSheet.objects.get_or_create(
        code=rules.SHEET["code"],
        version=rules.SHEET["version"],
        defaults={"name": rules.SHEET["name"], "sheet": rules.SHEET},
    )
    return made


def current_sheet() -> GradingSheet:
    found = GradingSheet.objects.filter(active=True).order_by("-id").first()
    return found or sheet_install()


def grading_apply(*, by, facility) -> Grading:
    """An institution applies (its 机构管理员), or the bureau opens a grading for it."""
    ensure_institution_or_bureau(by, facility, "等级评定由机构申请或民政局发起")
    if not facility.is_institution:
        raise ValidationFailed({"facility": "等级评定只适用于养老机构"})
    with transaction.atomic():
        if Grading.objects.filter(
            facility=facility, state=Grading.State.APPLIED
        ).exists():
            raise ValidationFailed({"__all__": "该机构已有一项正在进行的等级评定"})
        made = Grading.objects.create(
            facility=facility, sheet=current_sheet(), applied_by=by
        )
        audit_create(by=by, obj=made, summary=f"申请等级评定 {facility.name}")
    return made


def grading_score(*, by, grading: Grading, scores: dict[str, float], experts: str = ""):
    """Save the experts' item scores (each within 0 and its maximum, or the item is named)."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, grading.facility.region.path):
        raise NotInScope(grading.pk)
    errors = rules.score_errors(grading.sheet.sheet, scores)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = Grading.objects.select_for_update().get(pk=grading.pk)
        if current.state == Grading.State.DECIDED:
            raise ValidationFailed({"__all__": "评定已完成，不能修改得分"})
        current.scores = {**current.scores, **scores}
        if experts.strip():
            current.experts = experts.strip()[:200]
        current.save(update_fields=["scores", "experts"])
    return current


def grading_decide(*, by, grading: Grading) -> Grading:
    """Every item scored; the level the scores reach, valid three years; on the credit record."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, grading.facility.region.path):
        raise NotInScope(grading.pk)
    with transaction.atomic():
        current = Grading.objects.select_for_update().get(pk=grading.pk)
        if current.state == Grading.State.DECIDED:
            raise ValidationFailed({"__all__": "评定已完成"})
        maxima = rules.item_maxima(current.sheet.sheet)
        missing = [c for c in maxima if c not in current.scores]
        if missing:
            raise ValidationFailed(
                {"__all__": f"还有 {len(missing)} 项未评分（{'、'.join(missing[:6])}）"}
            )
        if not current.experts.strip():
            raise ValidationFailed({"experts": "请填写评定专家"})
        result = rules.level_of(current.sheet.sheet, current.scores)
        today = timezone.localdate()
        current.total, current.level, current.reason = (
            result.total,
            result.level,
            result.reason[:200],
        )
        current.state, current.decided_at, current.decided_by = (
            Grading.State.DECIDED,
            timezone.now(),
            by,
        )
        current.valid_until = (
            today.replace(year=today.year + rules.VALID_YEARS)
            if not (today.month == 2 and today.day == 29)
            else dt.date(today.year + rules.VALID_YEARS, 2, 28)
        )
        current.save()
        credit_record(
            facility=current.facility,
            kind="grading",
            points=credit_rules.GRADE_POINTS[result.level],
            day=today,
            text=f"等级评定：{result.level_name}（{result.total:g} 分）",
            source=f"grading:{current.pk}",
            by=by,
        )
        audit(
            by=by,
            action="event",
            obj=current,
            summary=f"等级评定结果：{result.level_name}（{result.total:g} 分）",
        )
    return current


def evaluation_inputs(facility, year: int) -> evaluation_rules.Inputs:
    """What the platform holds of an institution's year: its signed inspections, rectifications
    due (answered by their deadline), upheld complaints, the alarms of its fire detectors
    (acknowledged within 60 s) and its staff's training."""
    from yanglao.alarms.selectors import facility_alarms_answered
    from yanglao.facilities.selectors import staff_trained_in
    from yanglao.supervision.models import Complaint, Inspection, Rectification

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    checked = met = 0
    for answers in Inspection.objects.filter(
        facility=facility,
        state=Inspection.State.SIGNED,
        signed_at__date__range=(start, end),
    ).values_list("answers", flat=True):
        for a in answers.values():
            if a["result"] in ("pass", "fail"):
                checked += 1
                met += a["result"] == "pass"
    due = Rectification.objects.filter(facility=facility, deadline__range=(start, end))
    on_time = due.filter(submitted_at__date__lte=F("deadline")).count()
    upheld = Complaint.objects.filter(
        facility=facility, upheld=True, received_at__date__range=(start, end)
    ).count()
    staff, trained = staff_trained_in(start, end, facility=facility)
    alarms, alarms_in_time = facility_alarms_answered(facility.pk, start, end)
    return evaluation_rules.Inputs(
        items_checked=checked,
        items_met=met,
        rectifications_due=due.count(),
        rectifications_on_time=on_time,
        complaints_upheld=upheld,
        alarms=alarms,
        alarms_in_time=alarms_in_time,
        staff=staff,
        staff_trained=trained,
    )


def provider_evaluation_inputs(provider, year: int) -> evaluation_rules.Inputs:
    """A home-care provider's year: upheld complaints about it, the families' ratings of its
    services, its staff's training (it is not inspected against GB 38600)."""
    from yanglao.facilities.selectors import staff_trained_in
    from yanglao.homecare.selectors import provider_ratings_in
    from yanglao.supervision.models import Complaint

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    upheld = Complaint.objects.filter(
        provider=provider, upheld=True, received_at__date__range=(start, end)
    ).count()
    staff, trained = staff_trained_in(start, end, provider=provider)
    ratings, stars = provider_ratings_in(provider, start, end)
    return evaluation_rules.Inputs(
        complaints_upheld=upheld,
        staff=staff,
        staff_trained=trained,
        ratings=ratings,
        stars=stars,
    )


def evaluation_run(*, by, year: int, facility=None, provider=None) -> Evaluation:
    """Evaluate an institution's or a provider's year once; the result goes on its credit
    record (and a 不合格 provider takes no new government-purchased orders: credit.barred)."""
    _ensure_supervisor(by)
    subject = facility or provider
    if (facility is None) == (provider is None):
        raise ValidationFailed({"__all__": "请选择一个机构或一个服务商"})
    if not region_path_allowed(by, subject.region.path):
        raise NotInScope(subject.pk)
    if year > timezone.localdate().year or year < 2000:
        raise ValidationFailed({"year": "请填写已开始的年度"})
    inputs = (
        evaluation_inputs(facility, year)
        if facility is not None
        else provider_evaluation_inputs(provider, year)
    )
    result = evaluation_rules.evaluate(inputs, provider=provider is not None)
    with transaction.atomic():
        if Evaluation.objects.filter(
            facility=facility, provider=provider, year=year
        ).exists():
            raise ValidationFailed({"year": f"{subject.name} {year} 年度已评价"})
        made = Evaluation.objects.create(
            facility=facility,
            provider=provider,
            year=year,
            score=result.score,
            result=result.result,
            parts=[p.__dict__ for p in result.parts],
            made_by=by,
        )
        credit_record(
            facility=facility,
            provider=provider,
            kind="evaluation",
            points=credit_rules.EVALUATION_POINTS[result.result],
            day=timezone.localdate(),
            text=f"{year} 年度服务质量评价：{result.result}（{result.score:g} 分）",
            source=f"evaluation:{made.pk}",
            by=by,
        )
        audit_create(
            by=by, obj=made, summary=f"{year} 年度服务质量评价 {result.result}"
        )
    return made
