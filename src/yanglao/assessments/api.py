from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from yanglao.assessments import imports, report, selectors, services
from yanglao.assessments.models import Agency, Assessment
from yanglao.assessments.scoring import InvalidAnswers, parse_answers, score
from yanglao.core.api import PageOut, paged
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.elders.selectors import elder_get

router = Router(tags=["老年人能力评估"])


@router.post("/score", summary="按 GB/T 42195-2022 计算评分和能力等级（不保存）")
def assessment_score(request):
    """Body: {"items": {"B.1.1": 4, …all 26…}, "coma": false, "diagnoses": ["F01"],
    "risk_events": {"跌倒": 1}}. Answers 422 naming every offending field."""
    try:
        doc = json.loads(request.body or b"null")
    except ValueError:
        raise ValidationFailed({"__root__": "请求体不是有效的 JSON"}) from None
    try:
        return score(parse_answers(doc)).as_dict()
    except InvalidAnswers as exc:
        raise ValidationFailed(exc.errors) from None


class MemberOut(Schema):
    assessor_id: int
    name: str
    confirmed_at: dt.datetime | None


class AssessmentOut(Schema):
    id: int
    elder_id: int
    elder_name: str
    standard: str
    source: str
    reason: str
    applicant: str
    applied_on: dt.date
    status: str
    agency_id: int | None
    team: list[MemberOut]
    version: int
    answers: dict[str, Any]
    domain_scores: dict[str, int]
    total: int | None
    preliminary_level: int | None
    final_level: int | None
    final_level_name: str
    change_reasons: list[str]
    assessed_on: dt.date | None
    valid_until: dt.date | None


def assessment_out(a: Assessment, *, team: bool = True) -> dict:
    members = selectors.assessment_team(a) if team else []
    return {
        "id": a.pk,
        "elder_id": a.elder_id,
        "elder_name": a.elder.name,
        "standard": a.standard,
        "source": a.source,
        "reason": a.reason,
        "applicant": a.applicant,
        "applied_on": a.applied_on,
        "status": a.status,
        "agency_id": a.agency_id,
        "version": a.version,
        "answers": a.answers,
        "team": [
            {
                "assessor_id": m.assessor_id,
                "name": str(m.assessor.user),
                "confirmed_at": m.confirmed_at,
            }
            for m in members
        ],
        "domain_scores": a.domain_scores,
        "total": a.total,
        "preliminary_level": a.preliminary_level,
        "final_level": a.final_level,
        "final_level_name": a.final_level_name,
        "change_reasons": a.change_reasons,
        "assessed_on": a.assessed_on,
        "valid_until": a.valid_until,
    }


class FilterIn(Schema):
    q: str = ""
    status: str = ""
    reason: str = ""
    region: str = ""
    standard: str = ""
    page: int = 1
    per_page: int = 20


@router.get("", response=PageOut[AssessmentOut], summary="评估列表（检索、筛选、分页）")
def assessment_list(request, f: Query[FilterIn]):
    data = f.dict()
    page, per_page = data.pop("page"), data.pop("per_page")
    qs = selectors.assessment_list(
        by=request.user, filters=selectors.AssessmentFilter(**data)
    )
    return paged(qs, page, per_page, lambda a: assessment_out(a, team=False))


class ApplyIn(Schema):
    elder_id: int
    reason: str
    applicant: str
    applicant_name: str = ""
    note: str = ""


@router.post("", response={201: AssessmentOut}, summary="评估申请")
def assessment_apply(request, body: ApplyIn):
    data = body.dict()
    elder = elder_get(by=request.user, pk=data.pop("elder_id"))
    return 201, assessment_out(
        services.assessment_apply(by=request.user, elder=elder, **data)
    )


class LevelOut(Schema):
    elder_id: int
    on: dt.date
    level: int | None
    name: str
    standard: str
    assessed_on: dt.date | None
    valid_until: dt.date | None
    valid: bool
    assessment_id: int | None


@router.get(
    "/level", response=LevelOut, summary="老年人在某日的能力等级（最近一次有效评估）"
)
def ability_level(
    request, elder_id: int, on: dt.date | None = None, standard: str = "GB/T 42195-2022"
):
    elder = elder_get(by=request.user, pk=elder_id)
    day = on or timezone.localdate()
    found = selectors.ability_level_on(elder.pk, day, standard=standard)
    if found is None:
        return {
            "elder_id": elder.pk,
            "on": day,
            "level": None,
            "name": "未评估",
            "standard": standard,
            "assessed_on": None,
            "valid_until": None,
            "valid": False,
            "assessment_id": None,
        }
    return {
        "elder_id": elder.pk,
        "on": day,
        "level": found.level,
        "name": found.name,
        "standard": found.standard,
        "assessed_on": found.assessed_on,
        "valid_until": found.valid_until,
        "valid": found.valid_on(day),
        "assessment_id": found.assessment_id,
    }


@router.get("/{int:assessment_id}", response=AssessmentOut, summary="评估详情")
def assessment_detail(request, assessment_id: int):
    return assessment_out(selectors.assessment_get(by=request.user, pk=assessment_id))


class AssignIn(Schema):
    agency_id: int
    assessor_ids: list[int]
    place: str = ""


@router.post(
    "/{int:assessment_id}/assign", response=AssessmentOut, summary="分派评估小组"
)
def assessment_assign(request, assessment_id: int, body: AssignIn):
    a = selectors.assessment_get(by=request.user, pk=assessment_id)
    agency = (
        selectors.agencies_for(by=request.user, elder=a.elder)
        .filter(pk=body.agency_id)
        .first()
    )
    if agency is None:
        if Agency.objects.filter(pk=body.agency_id).exists():
            raise ValidationFailed(
                {"agency_id": "该评估机构的服务区域不覆盖该老人，或不在您的管辖范围内"}
            )
        raise NotInScope(body.agency_id)
    done = services.assessment_assign(
        by=request.user,
        assessment=a,
        agency=agency,
        assessor_ids=body.assessor_ids,
        place=body.place,
    )
    return assessment_out(done)


class AnswersIn(Schema):
    part: dict[str, Any]


@router.post(
    "/{int:assessment_id}/answers",
    response=AssessmentOut,
    summary="保存评估记录（部分或全部；按项合并，重复提交无副作用）",
)
def assessment_answers(request, assessment_id: int, body: AnswersIn):
    a = selectors.assessment_get(by=request.user, pk=assessment_id)
    return assessment_out(
        services.assessment_save_answers(by=request.user, assessment=a, part=body.part)
    )


@router.post(
    "/{int:assessment_id}/submit", response=AssessmentOut, summary="提交评估结果"
)
def assessment_submit(request, assessment_id: int):
    a = selectors.assessment_get(by=request.user, pk=assessment_id)
    return assessment_out(services.assessment_submit(by=request.user, assessment=a))


@router.post(
    "/{int:assessment_id}/confirm", response=AssessmentOut, summary="评估员确认结果"
)
def assessment_confirm(request, assessment_id: int):
    a = selectors.assessment_get(by=request.user, pk=assessment_id)
    return assessment_out(services.assessment_confirm(by=request.user, assessment=a))


@router.get("/{int:assessment_id}/report.pdf", summary="评估报告 PDF（附录C）")
def assessment_report_pdf(request, assessment_id: int):
    data = report.report_data(
        selectors.assessment_get(by=request.user, pk=assessment_id)
    )
    try:
        return HttpResponse(report.render_pdf(data), content_type="application/pdf")
    except report.NoChineseFont as exc:
        return HttpResponse(
            str(exc), status=503, content_type="text/plain; charset=utf-8"
        )


class ImportErrorOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    rows: int
    created: int
    dry_run: bool
    errors: list[ImportErrorOut]


@router.post(
    "/import",
    response=ImportOut,
    summary="导入历史评估结果 CSV（全部成功才写入；dry_run=true 只检查）",
)
def assessment_import(request, file: File[UploadedFile], dry_run: bool = False):
    result = imports.import_historical_csv(
        by=request.user, data=file.read(), dry_run=dry_run
    )
    return {
        "rows": result.rows,
        "created": result.created,
        "dry_run": dry_run,
        "errors": [
            {"row": r, "column": c, "value": v, "reason": why}
            for r, c, v, why in result.errors
        ],
    }
