from __future__ import annotations

import json

from ninja import Router

from yanglao.assessments.scoring import InvalidAnswers, parse_answers, score
from yanglao.core.errors import ValidationFailed

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
