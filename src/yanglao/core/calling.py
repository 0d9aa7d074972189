"""Calling an older person or their family from the platform through a pluggable backend
(settings.CALL_BACKEND), as family notifications go through alarms.notify.

A backend has `place(call) -> CallResult`. The default, `DialBackend`, places nothing itself: the
caller's own phone or softphone dials the number through a `tel:` link shown once, to the permitted
caller, with an audit entry naming the purpose. A bureau with a call centre (CTI) or a privacy-number
service (隐私号, AXB binding: the callee sees a middle number, never the caller's) sets
`YANGLAO_CALL_BACKEND=yanglao.core.calling.HttpCallBackend` and `YANGLAO_CALL_URL`; that backend asks
the service to connect the two parties and the number is not shown to the caller at all."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from yanglao.core.phone import mask_phone


@dataclass(frozen=True)
class Call:
    caller: object  # the user placing the call
    callee_name: str
    number: str  # the full number (decrypted by the caller of `place`, after its permission check)
    purpose: str  # "报警 #12", "工单 #345": written to the audit log and sent to a CTI
    caller_phone: str = ""  # the operator's or carer's own line, for an AXB binding


@dataclass(frozen=True)
class CallResult:
    placed: bool  # True when the backend connected the call itself (CTI / AXB)
    tel_uri: (
        str  # "tel:…" for the caller's phone to dial, "" when the backend placed it
    )
    shown_number: str  # what the page shows: the full number to dial, or the masked one
    detail: str


class DialBackend:
    """No call centre: the caller's device dials the number (a tel: link)."""

    def place(self, call: Call) -> CallResult:
        digits = "".join(c for c in call.number if c in "+0123456789")
        return CallResult(
            placed=False,
            tel_uri=f"tel:{digits}",
            shown_number=call.number,
            detail="请用本机拨打",
        )


class HttpCallBackend:
    """A CTI or privacy-number service with a JSON endpoint (settings.CALL_URL): it is asked to
    connect the caller's line to the callee, and answers {"ok": true, "detail": "…"}."""

    def place(self, call: Call) -> CallResult:
        body = json.dumps(
            {
                "callee": call.number,
                "caller": call.caller_phone,
                "purpose": call.purpose,
                "operator": getattr(call.caller, "username", ""),
            }
        ).encode()
        request = urllib.request.Request(
            settings.CALL_URL,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — configured URL
            answer = json.loads(response.read() or b"{}")
        ok = bool(answer.get("ok"))
        return CallResult(
            placed=ok,
            tel_uri="",
            shown_number=mask_phone(call.number),
            detail=str(
                answer.get("detail") or ("已接通呼叫中心" if ok else "呼叫中心未接受")
            ),
        )


def place_call(call: Call) -> CallResult:
    """Through the configured backend; a failing call centre is reported, never raised (the
    operator then dials by hand from the number on the person's card)."""
    try:
        return import_string(settings.CALL_BACKEND)().place(call)
    except Exception as exc:  # the call centre is outside our control
        return CallResult(
            placed=False,
            tel_uri="",
            shown_number=mask_phone(call.number),
            detail=f"呼叫中心不可用：{str(exc)[:100]}",
        )
