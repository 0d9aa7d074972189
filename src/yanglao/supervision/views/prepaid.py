"""预收费监管 pages: the custody accounts of an area (frozen first), an account with its statements
and alerts; the institution uploads its statement, the bureau handles alerts and the freeze."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.money import yuan_text_to_fen
from yanglao.core.pagination import page_of
from yanglao.core.views import require
from yanglao.facilities.models import Facility
from yanglao.supervision import selectors, services
from yanglao.supervision.services.prepaid import MAX_STATEMENT_BYTES

NAV = "supervision"


def _fen(post, name: str, errors: dict, *, required: bool = True) -> int | None:
    raw = (post.get(name) or "").strip()
    if not raw:
        if required:
            errors[name] = "必填"
        return None
    try:
        return yuan_text_to_fen(raw)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def _months(raw: str) -> int:
    raw = raw.strip()
    return int(raw) if ascii_digits(raw) and len(raw) <= 2 else 0


@login_required
def accounts(request):
    require(permissions.may_see_supervision_records(request.user))
    errors: dict[str, str] = {}
    if request.method == "POST":
        require(permissions.may_supervise(request.user))
        post = request.POST
        values = {
            "bank": (post.get("bank") or "").strip()[:50],
            "account_tail": (post.get("account_tail") or "").strip(),
            "floor_fen": _fen(post, "floor", errors),
            "net_fixed_assets_fen": _fen(post, "assets", errors, required=False),
            "monthly_bed_fen": _fen(post, "bed", errors),
            "monthly_care_fen": _fen(post, "care", errors, required=False) or 0,
            "monthly_meal_fen": _fen(post, "meal", errors, required=False) or 0,
            "months_cap": _months(post.get("months_cap") or "12"),
            "opened_on": post.get("opened_on") or None,
        }
        if not values["bank"]:
            errors["bank"] = "请填写托管银行"
        try:
            facility = selectors.institutions_without_account(by=request.user).get(
                pk=int(post.get("facility") or 0)
            )
        except (ValueError, Facility.DoesNotExist):
            facility = None
            errors["facility"] = "请选择管辖范围内尚未登记账户的养老机构"
        try:
            values["opened_on"] = dt.date.fromisoformat(values["opened_on"] or "")
        except ValueError:
            errors["opened_on"] = "请填写开户日期（YYYY-MM-DD）"
        if not errors:
            try:
                made = services.account_open(
                    by=request.user, facility=facility, **values
                )
            except ValidationFailed as exc:
                fields = {"__all__": "general", "floor_fen": "floor"}
                errors = {fields.get(k, k): v for k, v in exc.errors.items()}
            else:
                messages.success(request, "已登记托管账户。")
                return redirect("supervision:prepaid_account", pk=made.pk)
    q, frozen = request.GET.get("q", ""), request.GET.get("frozen", "")
    context = {
        "nav": NAV,
        "page": page_of(
            selectors.custody_accounts(by=request.user, q=q, frozen=frozen), request.GET
        ),
        "q": q,
        "frozen": frozen,
        "errors": errors,
        "post": request.POST if request.method == "POST" else {},
        "candidates": selectors.institutions_without_account(by=request.user)[:500]
        if permissions.may_supervise(request.user)
        else [],
    }
    return render(request, "supervision/prepaid_accounts.html", context)


@login_required
def account(request, pk: int):
    require(permissions.may_see_supervision_records(request.user))
    try:
        found = selectors.custody_account_get(by=request.user, pk=pk)
    except NotInScope:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "upload":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationFailed(
                        {"file": "请选择托管银行导出的流水文件（.csv 或 .xlsx）"}
                    )
                made = services.statement_upload(
                    by=request.user,
                    account=found,
                    data=upload.read(MAX_STATEMENT_BYTES + 1),
                    filename=upload.name,
                )
                if made.findings:
                    messages.warning(
                        request,
                        f"已导入 {made.rows} 笔流水，发现 {made.findings} 项问题，已向民政部门预警。",
                    )
                else:
                    messages.success(
                        request, f"已导入 {made.rows} 笔流水，未发现问题。"
                    )
            elif action == "close":
                alert = found.alerts.filter(
                    pk=int(request.POST.get("alert") or 0)
                ).first()
                if alert is None:
                    raise ValidationFailed({"alert": "预警不存在"})
                services.alert_close(
                    by=request.user, alert=alert, note=request.POST.get("note", "")
                )
                messages.success(request, "已记录处置情况。")
            elif action == "unfreeze":
                services.account_unfreeze(
                    by=request.user, account=found, note=request.POST.get("note", "")
                )
                messages.success(request, "已解除冻结。")
            else:
                raise ValidationFailed({"action": "未知的操作"})
        except (ValidationFailed, ValueError) as exc:
            reasons = (
                exc.errors.values()
                if isinstance(exc, ValidationFailed)
                else ["输入有误"]
            )
            for reason in reasons:
                messages.error(request, reason)
        except NotInScope:
            raise Http404 from None
        return redirect("supervision:prepaid_account", pk=pk)
    context = {
        "nav": NAV,
        "account": found,
        "statements": found.statements.select_related("uploaded_by")[:24],
        "alerts": page_of(found.alerts.select_related("statement"), request.GET),
        "may_upload": permissions.may_supervise(request.user)
        or permissions.may_answer_rectification(request.user),
    }
    return render(request, "supervision/prepaid_account.html", context)
