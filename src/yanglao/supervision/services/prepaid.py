"""预收费监管: custody accounts, statements from the custody bank checked on upload against every
rule (supervision.prepaid), the alerts they raise for the bureau, and the freeze on payments out
(民发〔2024〕19号; the 2025 custody guideline)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.core.tabular import CellError, TableError, as_text, open_table
from yanglao.facilities.models import Ownership
from yanglao.supervision import prepaid as rules
from yanglao.supervision.models import CustodyAccount, PrepaidAlert, Statement
from yanglao.supervision.services.draws import (
    _ensure_supervisor,
    ensure_institution_or_bureau,
)

MAX_STATEMENT_BYTES = 20 * 1024 * 1024
PUBLIC_OWNERSHIPS = {Ownership.PUBLIC, Ownership.PUBLIC_PRIVATE}


def account_open(*, by, facility, **values) -> CustodyAccount:
    """Register an institution's custody account (the bureau does, from the 备案 papers)."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, facility.region.path):
        raise NotInScope(facility.pk)
    errors = {}
    if CustodyAccount.objects.filter(facility=facility).exists():
        errors["facility"] = "该机构已登记托管账户"
    tail = values.get("account_tail") or ""
    if len(tail) != 4 or not all("0" <= c <= "9" for c in tail):
        errors["account_tail"] = "请填写账号后四位数字"
    if (values.get("floor_fen") or 0) < 0:
        errors["floor_fen"] = "风险准备金下限不能为负"
    if not 1 <= (values.get("months_cap") or 12) <= 12:
        errors["months_cap"] = "预收服务费上限为 1 到 12 个月（民发〔2024〕19号）"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        made = CustodyAccount.objects.create(facility=facility, **values)
        audit_create(by=by, obj=made, summary=f"登记预收费托管账户 {made}")
    return made


def _ensure_keeper(by, account: CustodyAccount) -> None:
    """The institution uploads its own statements; the bureau may upload for it."""
    ensure_institution_or_bureau(
        by, account.facility, "只有机构管理员或民政局可以上传托管账户流水"
    )


def _statement_lines(data: bytes, filename: str) -> list[list[str]]:
    table = open_table(data, filename)
    lines = [[str(h or "") for h in table.header]]
    for _n, cells in table.rows:
        lines.append([_cell(c) for c in cells])
    return lines


def _cell(value) -> str:
    try:
        return as_text(value)
    except CellError as exc:
        return f"（{exc.reason}）"  # read_statement names the cell it cannot read


def _terms(account: CustodyAccount, residents: set[str]) -> rules.Terms:
    """The published monthly fees apply to every resident on the statement."""
    fees = account.monthly_bed_fen + account.monthly_care_fen + account.monthly_meal_fen
    return rules.Terms(
        floor_fen=account.floor_fen,
        public=account.facility.ownership in PUBLIC_OWNERSHIPS,
        net_fixed_assets_fen=account.net_fixed_assets_fen,
        monthly_fees_fen=dict.fromkeys(residents, fees),
        monthly_bed_fen=dict.fromkeys(residents, account.monthly_bed_fen),
        months_cap=account.months_cap,
    )


def statement_upload(*, by, account: CustodyAccount, data: bytes, filename: str):
    """Read the statement whole (any bad cell refuses it, naming the row and column), check it
    against every rule as of today, keep it with an alert per finding, and freeze the account's
    payments out where a finding calls for it. The same file twice is refused."""
    _ensure_keeper(by, account)
    if len(data) > MAX_STATEMENT_BYTES:
        raise ValidationFailed({"file": "文件超过 20 MB，请按月分批上传"})
    try:
        rows = rules.read_statement(_statement_lines(data, filename))
    except TableError as exc:
        raise ValidationFailed({"file": exc.reason}) from None
    except rules.StatementError as exc:
        listed = "；".join(f"第{n}行“{c}”：{r}" for n, c, r in exc.errors[:10])
        more = f"（共 {len(exc.errors)} 处）" if len(exc.errors) > 10 else ""
        raise ValidationFailed({"file": f"流水有误，未导入：{listed}{more}"}) from None
    if not rows:
        raise ValidationFailed({"file": "流水中没有交易记录"})
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        current = CustodyAccount.objects.select_for_update().get(pk=account.pk)
        if current.statements.filter(digest=digest).exists():
            raise ValidationFailed({"file": "这份流水已上传过"})
        last = current.statements.order_by("-last_day", "-id").first()
        opening = last.balance_fen if last else 0
        residents = {r.resident for r in rows if r.resident}
        check = rules.check_statement(
            sorted(rows, key=lambda r: (r.day, r.line)),
            _terms(current, residents),
            opening_fen=opening,
            as_of=timezone.localdate(),
        )
        statement = Statement.objects.create(
            account=current,
            first_day=min(r.day for r in rows),
            last_day=max(r.day for r in rows),
            rows=len(rows),
            digest=digest,
            opening_fen=opening,
            balance_fen=check.balance_fen,
            prepaid_fen=check.prepaid_fen,
            findings=len(check.findings),
            uploaded_by=by,
        )
        PrepaidAlert.objects.bulk_create(
            PrepaidAlert(
                account=current,
                statement=statement,
                rule=f.rule,
                line=f.line,
                resident=f.resident[:30],
                detail=f.detail[:300],
                freezing=f.rule in rules.FREEZING,
            )
            for f in check.findings
        )
        if check.freeze and not current.frozen:
            freezing = sorted(
                {f.rule for f in check.findings if f.rule in rules.FREEZING}
            )
            current.frozen, current.frozen_at = True, timezone.now()
            current.frozen_reason = "、".join(freezing)[:300]
            current.save(update_fields=["frozen", "frozen_at", "frozen_reason"])
        audit(
            by=by,
            action="create",
            obj=statement,
            summary=f"上传托管账户流水 {len(rows)} 笔，发现问题 {len(check.findings)} 项"
            + ("，账户冻结支出" if current.frozen else ""),
        )
    if check.findings:
        from yanglao.supervision.services.credit import credit_record

        rules_broken = sorted({f.rule for f in check.findings})
        credit_record(
            facility=current.facility,
            kind="prepaid_violation",
            day=statement.last_day,
            text=f"托管账户流水：{'、'.join(rules_broken)}"[:300],
            source=f"statement:{statement.pk}",
            by=by,
        )
    return statement


def alert_close(*, by, alert: PrepaidAlert, note: str) -> PrepaidAlert:
    """The bureau records how an alert was handled."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, alert.account.facility.region.path):
        raise NotInScope(alert.pk)
    if len((note or "").strip()) < 4:
        raise ValidationFailed({"note": "请写明处置情况"})
    with transaction.atomic():
        current = PrepaidAlert.objects.select_for_update().get(pk=alert.pk)
        if current.state == PrepaidAlert.State.CLOSED:
            raise ValidationFailed({"__all__": "该预警已处置"})
        current.state, current.closed_at, current.closed_by = (
            PrepaidAlert.State.CLOSED,
            timezone.now(),
            by,
        )
        current.note = note.strip()[:300]
        current.save()
        audit(
            by=by,
            action="event",
            obj=current,
            summary=f"处置预收费预警：{current.rule}",
        )
    return current


def account_unfreeze(*, by, account: CustodyAccount, note: str) -> CustodyAccount:
    """Lift the freeze: only when every freezing alert is handled, with the reason."""
    _ensure_supervisor(by)
    if not region_path_allowed(by, account.facility.region.path):
        raise NotInScope(account.pk)
    if len((note or "").strip()) < 4:
        raise ValidationFailed({"note": "请写明解除冻结的理由"})
    with transaction.atomic():
        current = CustodyAccount.objects.select_for_update().get(pk=account.pk)
        if not current.frozen:
            raise ValidationFailed({"__all__": "该账户未冻结"})
        open_ = current.alerts.filter(
            state=PrepaidAlert.State.OPEN, freezing=True
        ).count()
        if open_:
            raise ValidationFailed(
                {"__all__": f"还有 {open_} 项须冻结的预警未处置，不能解除冻结"}
            )
        current.frozen, current.frozen_at = False, None
        current.frozen_reason = ""
        current.save(update_fields=["frozen", "frozen_at", "frozen_reason"])
        audit(
            by=by,
            action="event",
            obj=current,
            summary=f"解除冻结：{note.strip()[:100]}",
        )
    return current
