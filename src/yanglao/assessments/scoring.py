"""GB/T 42195-2022 scoring: domain scores (C.1), total, preliminary level (C.3), level change (C.4)
and final level (C.5). Pure module (no Django import): the CLI, the API and the workflow share it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yanglao.assessments.instrument import (
    COMA,
    GBT_42195_2022,
    HEALTH_ITEMS,
    LEVEL_BANDS,
    LEVEL_NAMES,
    RISK_EVENTS,
    Instrument,
)

ICD10 = re.compile(r"^([A-Z])(\d{2})(?:\.\d{1,2})?$")
KEYS = {"items", "coma", "diagnoses", "risk_events", "health"}
HEALTH_CODES = {code for code, _name in HEALTH_ITEMS if code != COMA}


@dataclass(frozen=True)
class Answers:
    items: Mapping[str, int]
    coma: bool = False  # A.5.11 昏迷
    diagnoses: tuple[str, ...] = ()  # A.4.1 ICD-10 codes
    risk_events: Mapping[str, int] = field(default_factory=dict)  # A.2.14, last 30 days
    health: tuple[str, ...] = ()  # A.5 items that apply (codes), apart from A.5.11 coma


@dataclass(slots=True)
class Result:
    domain_scores: dict[str, int]
    total: int
    preliminary_level: int
    final_level: int
    change_reasons: tuple[str, ...]

    @property
    def final_level_name(self) -> str:
        return LEVEL_NAMES[self.final_level]

    def as_dict(self) -> dict[str, Any]:
        return {
            "domain_scores": self.domain_scores,
            "total": self.total,
            "preliminary_level": self.preliminary_level,
            "preliminary_level_name": LEVEL_NAMES[self.preliminary_level],
            "final_level": self.final_level,
            "final_level_name": self.final_level_name,
            "change_reasons": list(self.change_reasons),
        }


class InvalidAnswers(ValueError):
    """Every offending field with a Chinese reason, e.g. {"items.B.2.4": "评分应为 0、1、2、3 之一"}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def preliminary_level(total: int) -> int:
    """C.3: 90 → 0; 66–89 → 1; 46–65 → 2; 30–45 → 3; 0–29 → 4."""
    for low, high, level in LEVEL_BANDS:
        if low <= total <= high:
            return level
    raise ValueError(f"total {total} outside 0–90")


def _icd(code: str) -> tuple[str, int]:
    """('F', 1) for 'F01.2'; the code was validated by parse_answers."""
    return code[0], int(code[1:3])


def level_change_reasons(answers: Answers) -> list[str]:
    """C.4 rule 2: the conditions that hold (any one raises the level by one; they do not add up)."""
    reasons = []
    codes = [_icd(code) for code in answers.diagnoses]
    if any(letter == "F" and number <= 3 for letter, number in codes):
        reasons.append("确诊为痴呆（F00–F03）")
    if any(letter == "F" and number >= 4 for letter, number in codes):
        reasons.append("精神科专科医生诊断的其他精神和行为障碍疾病（F04–F99）")
    events = sum(answers.risk_events.values())
    if events >= 2:
        reasons.append(f"近30天内发生过2次及以上照护风险事件（共{events}次）")
    return reasons


def score(answers: Answers, instrument: Instrument = GBT_42195_2022) -> Result:
    """Score validated answers. GB/T 42195-2022 C.1–C.5."""
    items = answers.items
    domains = {
        domain: sum(getter(items)) for domain, getter in instrument.domain_getters
    }
    total = sum(domains.values())
    preliminary = preliminary_level(total)
    if answers.coma:
        # C.4 rule 1: a person in a coma is 能力完全丧失 whatever the score.
        return Result(
            domains,
            total,
            preliminary,
            4,
            ("处于昏迷状态（A.5.11），直接评定为能力完全丧失",),
        )
    quiet = not answers.diagnoses and sum(answers.risk_events.values()) < 2
    reasons = [] if quiet else level_change_reasons(answers)
    # C.4 rule 2: any one condition raises the level by ONE, capped at level 4.
    final = min(preliminary + 1, 4) if reasons else preliminary
    return Result(domains, total, preliminary, final, tuple(reasons))


def parse_answers(doc: Any, instrument: Instrument = GBT_42195_2022) -> Answers:
    """Check an answers document (the JSON of the CLI and the API); raise InvalidAnswers naming
    every offending field, or return Answers ready to score."""
    if not isinstance(doc, Mapping):
        raise InvalidAnswers({"__root__": "应为 JSON 对象"})
    errors: dict[str, str] = {}
    unknown_keys = set(doc) - KEYS
    errors.update({key: "未知字段" for key in sorted(unknown_keys)})
    items = _parse_items(doc.get("items"), instrument, errors)
    coma = doc.get("coma", False)
    if not isinstance(coma, bool):
        errors["coma"] = "应为 true 或 false"
    diagnoses = _parse_diagnoses(doc.get("diagnoses", []), errors)
    events = _parse_risk_events(doc.get("risk_events", {}), errors)
    health = _parse_health(doc.get("health", []), errors)
    if errors:
        raise InvalidAnswers(errors)
    return Answers(
        items=items, coma=coma, diagnoses=diagnoses, risk_events=events, health=health
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_items(
    raw: Any, instrument: Instrument, errors: dict[str, str]
) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        errors["items"] = f"应为对象，包含全部{len(instrument.items)}个评估项目的评分"
        return {}
    known = instrument.by_code
    for code in raw:
        if code not in known:
            errors[f"items.{code}"] = "未知的评估项目编号"
    items = {}
    for code, item in known.items():
        if code not in raw:
            errors[f"items.{code}"] = f"缺少该项（{item.name}）的评分"
            continue
        value = raw[code]
        if not _is_int(value) or value not in item.scores:
            allowed = "、".join(str(s) for s in sorted(item.scores))
            errors[f"items.{code}"] = f"{item.name}的评分应为 {allowed} 之一"
            continue
        items[code] = value
    return items


def _parse_diagnoses(raw: Any, errors: dict[str, str]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        errors["diagnoses"] = "应为 ICD-10 编码的列表"
        return ()
    codes = []
    for i, code in enumerate(raw):
        if not isinstance(code, str) or not ICD10.match(code.strip().upper()):
            errors[f"diagnoses[{i}]"] = (
                f"“{code}”不是有效的 ICD-10 编码（如 F01、I10、E11.9）"
            )
        else:
            codes.append(code.strip().upper())
    return tuple(codes)


def _parse_risk_events(raw: Any, errors: dict[str, str]) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        errors["risk_events"] = '应为对象，如 {"跌倒": 1}'
        return {}
    events = {}
    for name, count in raw.items():
        if name not in RISK_EVENTS:
            errors[f"risk_events.{name}"] = (
                f"未知的照护风险事件（应为 {'、'.join(RISK_EVENTS)}）"
            )
        elif not _is_int(count) or count < 0:
            errors[f"risk_events.{name}"] = "次数应为非负整数"
        else:
            events[name] = count
    return events


def parse_partial(doc: Any, instrument: Instrument = GBT_42195_2022) -> dict[str, Any]:
    """Check part of an answers document (what an assessor changed on site): only the fields given
    are checked, each as `parse_answers` would. Returns the normalised part, or raises
    InvalidAnswers naming every offending field."""
    if not isinstance(doc, Mapping):
        raise InvalidAnswers({"__root__": "应为 JSON 对象"})
    errors: dict[str, str] = {}
    part: dict[str, Any] = {}
    for key in sorted(set(doc) - KEYS):
        errors[key] = "未知字段"
    if "items" in doc:
        raw = doc["items"]
        if not isinstance(raw, Mapping):
            errors["items"] = '应为对象，如 {"B.1.1": 4}'
        else:
            part["items"] = _parse_some_items(raw, instrument, errors)
    if "coma" in doc:
        if isinstance(doc["coma"], bool):
            part["coma"] = doc["coma"]
        else:
            errors["coma"] = "应为 true 或 false"
    if "diagnoses" in doc:
        part["diagnoses"] = list(_parse_diagnoses(doc["diagnoses"], errors))
    if "risk_events" in doc:
        part["risk_events"] = _parse_risk_events(doc["risk_events"], errors)
    if "health" in doc:
        part["health"] = list(_parse_health(doc["health"], errors))
    if errors:
        raise InvalidAnswers(errors)
    return part


def _parse_some_items(
    raw: Mapping, instrument: Instrument, errors: dict[str, str]
) -> dict[str, int]:
    items = {}
    for code, value in raw.items():
        item = instrument.by_code.get(code)
        if item is None:
            errors[f"items.{code}"] = "未知的评估项目编号"
        elif not _is_int(value) or value not in item.scores:
            allowed = "、".join(str(s) for s in sorted(item.scores))
            errors[f"items.{code}"] = f"{item.name}的评分应为 {allowed} 之一"
        else:
            items[code] = value
    return items


def merge_answers(draft: Mapping[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """The draft with a checked part applied: item scores and risk-event counts merge key by key
    (so two tablets filling different items never undo each other), coma and diagnoses replace."""
    merged = {
        "items": dict(draft.get("items", {})),
        "coma": draft.get("coma", False),
        "diagnoses": list(draft.get("diagnoses", [])),
        "risk_events": dict(draft.get("risk_events", {})),
        "health": list(draft.get("health", [])),
    }
    merged["items"].update(part.get("items", {}))
    merged["risk_events"].update(part.get("risk_events", {}))
    if "coma" in part:
        merged["coma"] = part["coma"]
    if "diagnoses" in part:
        merged["diagnoses"] = list(part["diagnoses"])
    if "health" in part:
        merged["health"] = list(part["health"])
    return merged


def missing_items(
    draft: Mapping[str, Any], instrument: Instrument = GBT_42195_2022
) -> list[str]:
    """Codes of the items not yet scored, in the instrument's order."""
    done = draft.get("items", {})
    return [item.code for item in instrument.items if item.code not in done]


def _parse_health(raw: Any, errors: dict[str, str]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        errors["health"] = '应为 A.5 健康相关问题编号的列表，如 ["A.5.1"]'
        return ()
    codes = []
    for i, code in enumerate(raw):
        if code == COMA:
            errors[f"health[{i}]"] = "昏迷（A.5.11）请用 coma 字段记录"
        elif code not in HEALTH_CODES:
            errors[f"health[{i}]"] = (
                f"“{code}”不是 A.5 健康相关问题编号（A.5.1–A.5.10）"
            )
        elif code not in codes:
            codes.append(code)
    return tuple(codes)
