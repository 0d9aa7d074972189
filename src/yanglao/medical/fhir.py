"""双向转诊 as FHIR R4 resources, for exchange with a health system: each referral is a
ServiceRequest (what is asked: who, why, to whom, how urgently) and a Task (where it stands),
the pattern FHIR's workflow module describes for referrals. Built and read with the
`fhir.resources` models (R4B, whose ServiceRequest and Task are R4's), which check structure and
datatypes; the required code bindings (status, intent, priority) are checked here against the
value sets of the R4 specification, because the models accept any code.

Pure: no Django. The platform's own steps travel in Task.businessStatus under SYSTEM_STATUS.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import ValidationError

from yanglao.core.digits import ascii_digits
from yanglao.medical import referral_flow as flow

SYSTEM_REFERRAL = "urn:yanglao:referral"
SYSTEM_STATUS = "urn:yanglao:referral-status"
SYSTEM_INSTITUTION = "urn:yanglao:medical-institution"

# R4 required bindings (hl7.org/fhir/R4: request-status, request-intent, request-priority,
# task-status, task-intent).
REQUEST_STATUS = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}
REQUEST_INTENT = {
    "proposal",
    "plan",
    "directive",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
}
REQUEST_PRIORITY = {"routine", "urgent", "asap", "stat"}
TASK_STATUS = {
    "draft",
    "requested",
    "received",
    "accepted",
    "rejected",
    "ready",
    "cancelled",
    "in-progress",
    "on-hold",
    "failed",
    "completed",
    "entered-in-error",
}
TASK_INTENT = REQUEST_INTENT - {"directive", "option"} | {"unknown"}

STEP_NAMES = {
    flow.PROPOSED: "拟转诊（待确认）",
    flow.REQUESTED: "已申请",
    flow.ACCEPTED: "已接收",
    flow.DECLINED: "已拒绝",
    flow.SCHEDULED: "已预约",
    flow.ATTENDED: "已就诊",
    flow.RETURNED: "已回转",
    flow.CLOSED: "已关闭",
}
TASK_STATUS_OF = {
    flow.PROPOSED: "draft",
    flow.REQUESTED: "requested",
    flow.ACCEPTED: "accepted",
    flow.DECLINED: "rejected",
    flow.SCHEDULED: "accepted",
    flow.ATTENDED: "in-progress",
    flow.RETURNED: "completed",
}
STEP_OF_TASK_STATUS = {
    "accepted": flow.ACCEPTED,
    "rejected": flow.DECLINED,
    "in-progress": flow.ATTENDED,
    "completed": flow.RETURNED,
    "cancelled": flow.CLOSED,
}


class FhirProblem(ValueError):
    """The bundle cannot be read; `errors` maps an entry (entry[3]) to the reason."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ReferralData:
    pk: int
    status: str
    urgency: str  # routine / urgent
    reason: str
    patient_ref: str  # "Patient/123" — the platform's person, never an identity number
    patient_name: str
    requester_name: str
    institution_name: str
    institution_licence: str
    requested_at: dt.datetime | None
    updated_at: dt.datetime
    appointment_at: dt.datetime | None
    attended: bool
    care_note: str
    outcome: str


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _identifier(pk: int) -> list[dict]:
    return [{"system": SYSTEM_REFERRAL, "value": str(pk)}]


def service_request(r: ReferralData) -> dict:
    if r.status == flow.PROPOSED:
        status = "draft"
    elif r.status == flow.RETURNED or (r.status == flow.CLOSED and r.attended):
        status = "completed"
    elif r.status in (flow.DECLINED, flow.CLOSED):
        status = "revoked"
    else:
        status = "active"
    performer = {"display": r.institution_name}
    if r.institution_licence:
        performer["identifier"] = {
            "system": SYSTEM_INSTITUTION,
            "value": r.institution_licence,
        }
    resource = {
        "resourceType": "ServiceRequest",
        "id": f"referral-{r.pk}",
        "identifier": _identifier(r.pk),
        "status": status,
        "intent": "proposal" if r.status == flow.PROPOSED else "order",
        "priority": "urgent" if r.urgency == "urgent" else "routine",
        "category": [{"text": "双向转诊"}],
        "code": {"text": "转诊就诊"},
        "subject": {"reference": r.patient_ref, "display": r.patient_name},
        "requester": {"display": r.requester_name},
        "performer": [performer],
        "reasonCode": [{"text": r.reason}],
    }
    if r.requested_at:
        resource["authoredOn"] = _iso(r.requested_at)
    if r.appointment_at:
        resource["occurrenceDateTime"] = _iso(r.appointment_at)
    return resource


def task(r: ReferralData) -> dict:
    status = TASK_STATUS_OF.get(r.status) or (
        "completed" if r.attended else "cancelled"
    )
    resource = {
        "resourceType": "Task",
        "id": f"referral-task-{r.pk}",
        "identifier": _identifier(r.pk),
        "basedOn": [{"reference": f"ServiceRequest/referral-{r.pk}"}],
        "status": status,
        "businessStatus": {
            "coding": [
                {
                    "system": SYSTEM_STATUS,
                    "code": r.status,
                    "display": STEP_NAMES[r.status],
                }
            ],
            "text": STEP_NAMES[r.status],
        },
        "intent": "order",
        "priority": "urgent" if r.urgency == "urgent" else "routine",
        "for": {"reference": r.patient_ref, "display": r.patient_name},
        "owner": {"display": r.institution_name},
        "requester": {"display": r.requester_name},
        "lastModified": _iso(r.updated_at),
    }
    if r.requested_at:
        resource["authoredOn"] = _iso(r.requested_at)
    if r.appointment_at:
        resource["executionPeriod"] = {"start": _iso(r.appointment_at)}
    notes = [n for n in (r.care_note, r.outcome) if n]
    if notes:
        resource["note"] = [{"text": n} for n in dict.fromkeys(notes)]
    return resource


def bundle(referrals: list[ReferralData]) -> dict:
    """A collection Bundle with the ServiceRequest and Task of each referral, validated."""
    entries = []
    for r in referrals:
        for res in (service_request(r), task(r)):
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{res['resourceType']}-{res['id']}",
                    "resource": res,
                }
            )
    doc = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    problems = validate(doc)
    if problems:  # a bug of ours, never the user's: fail loudly
        raise FhirProblem(problems)
    return doc


def validate(doc: dict) -> dict[str, str]:
    """Problems of a Bundle against the R4 resources: structure and datatypes (fhir.resources)
    and the required code bindings. {} when valid."""
    entries = doc.get("entry") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return {"bundle": "Bundle.entry 应为数组"}
    shell = {
        **doc,
        "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries],
    }
    try:  # the Bundle itself; each resource below, so a problem names its entry
        Bundle.model_validate(shell)
    except ValidationError as exc:
        return {"bundle": _first_error(exc)}
    problems = {}
    for n, entry in enumerate(entries, start=1):
        res = entry.get("resource") or {}
        kind = res.get("resourceType")
        try:
            if kind == "ServiceRequest":
                ServiceRequest.model_validate(res)
                bad = _binding(res, "status", REQUEST_STATUS) or _binding(
                    res, "intent", REQUEST_INTENT
                )
                bad = bad or _binding(res, "priority", REQUEST_PRIORITY, required=False)
            elif kind == "Task":
                Task.model_validate(res)
                bad = _binding(res, "status", TASK_STATUS) or _binding(
                    res, "intent", TASK_INTENT
                )
                bad = bad or _binding(res, "priority", REQUEST_PRIORITY, required=False)
            else:
                bad = f"不支持的资源类型 {kind}"
        except ValidationError as exc:
            bad = _first_error(exc)
        if bad:
            problems[f"entry[{n}]"] = bad
    return problems


def _binding(res: dict, field: str, allowed: set[str], required: bool = True) -> str:
    value = res.get(field)
    if value is None:
        return f"{res.get('resourceType')}.{field} 缺失" if required else ""
    if value not in allowed:
        return f"{res.get('resourceType')}.{field} 的值“{value}”不在 FHIR R4 值集内"
    return ""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}：{err.get('msg', '格式错误')}"


@dataclass(frozen=True)
class TaskUpdate:
    referral_id: int
    status: str  # a referral_flow step
    at: dt.datetime | None
    note: str
    appointment_at: dt.datetime | None
    department: str
    return_to: str


def read_task_bundle(payload: bytes | str) -> list[TaskUpdate]:
    """The Tasks of a Bundle a health system sends back: every entry must be a valid R4 Task
    naming one of our referrals (identifier system SYSTEM_REFERRAL) with a step we know.
    Raises FhirProblem naming each bad entry; nothing is half-read."""
    try:
        doc = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise FhirProblem({"file": "不是 JSON 文件"}) from None
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        raise FhirProblem({"file": "应为 FHIR Bundle（resourceType: Bundle）"})
    problems = validate(doc)
    updates: list[TaskUpdate] = []
    for n, entry in enumerate(doc.get("entry") or [], start=1):
        key = f"entry[{n}]"
        res = entry.get("resource") or {}
        if key in problems:
            continue
        if res.get("resourceType") != "Task":
            continue  # ServiceRequests travel with the Tasks; the Task carries the state
        update, bad = _task_update(res)
        if bad:
            problems[key] = bad
        else:
            updates.append(update)
    if problems:
        raise FhirProblem(problems)
    if not updates:
        raise FhirProblem({"file": "文件中没有 Task 资源"})
    return updates


def _task_update(res: dict) -> tuple[TaskUpdate | None, str]:
    ids = [
        i.get("value")
        for i in res.get("identifier") or []
        if i.get("system") == SYSTEM_REFERRAL
    ]
    if len(ids) != 1 or not ascii_digits(str(ids[0])):
        return None, f"Task 缺少转诊编号（identifier.system = {SYSTEM_REFERRAL}）"
    codes = [
        c.get("code")
        for c in (res.get("businessStatus") or {}).get("coding") or []
        if c.get("system") == SYSTEM_STATUS
    ]
    step = codes[0] if codes else STEP_OF_TASK_STATUS.get(res.get("status"))
    if step not in STEP_NAMES or step in (flow.PROPOSED, flow.REQUESTED):
        return None, f"Task 的状态“{res.get('status')}”不是医疗机构可回执的环节"
    notes = [n.get("text", "") for n in res.get("note") or [] if n.get("text")]
    period = res.get("executionPeriod") or {}
    return (
        TaskUpdate(
            referral_id=int(ids[0]),
            status=step,
            at=_when(res.get("lastModified")),
            note="；".join(notes),
            appointment_at=_when(period.get("start")),
            department="",
            return_to=_return_to(res),
        ),
        "",
    )


def _return_to(res: dict) -> str:
    for out in res.get("output") or []:
        text = (out.get("type") or {}).get("text", "")
        if text in ("facility", "home"):
            return text
    return ""


def _when(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None
