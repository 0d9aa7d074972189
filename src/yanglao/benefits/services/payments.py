"""Payments: batches and bank files (代发), the bank's return file (回盘) reconciled all or nothing,
failed payments owed again, recovery (追回), the append-only ledger."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yanglao.benefits import selectors
from yanglao.benefits.models import (
    BankAccount,
    Cycle,
    LedgerEntry,
    PaymentBatch,
)
from yanglao.benefits.services.shared import _require_bureau
from yanglao.core import permissions, pii, sanctions, tabular
from yanglao.core.audit import audit
from yanglao.core.bulk import bulk_insert
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.money import fen_to_yuan_text, yuan_text_to_fen
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder

# --- payments ------------------------------------------------------------------------------------


def bank_account_set(
    *,
    by,
    bank: str,
    holder: str,
    account: str,
    elder: Elder | None = None,
    facility=None,
    staff=None,
) -> BankAccount:
    digits = account.replace(" ", "")
    if not ascii_digits(digits) or not 8 <= len(digits) <= 30:
        raise ValidationFailed({"account": "银行账号应为 8–30 位数字"})
    if not bank.strip():
        raise ValidationFailed({"bank": "请填写开户银行"})
    owner = (
        {"elder": elder}
        if elder is not None
        else {"staff": staff}
        if staff is not None
        else {"facility": facility}
    )
    account_obj, _ = BankAccount.objects.update_or_create(
        **owner,
        defaults={
            "bank": bank.strip(),
            "holder": holder.strip(),
            "account_enc": pii.encrypt(digits),
            "account_last4": digits[-4:],
        },
    )
    audit(
        by=by,
        action="update",
        obj=account_obj,
        summary=f"设置代发账户 {bank} ****{digits[-4:]}",
    )
    return account_obj


def payment_batch_create(
    *, by, cycle: Cycle
) -> tuple[PaymentBatch, list[str], list[tuple[str, str]]]:
    """Issue what each payee of the cycle's region is owed now (approved entitlements, less money
    already out, failed payments included again) as one batch; payees without a bank account are
    left out and named. Payees owing money go to the recovery list instead.

    An institution barred from subsidies (联合惩戒: on the supervision black list, asked through
    core.sanctions) is held: left out with the reason, its balance still owed, so the first batch
    after it leaves the list pays it (Jingdezhen 三.(八).2 信用监管; issue 23 §7). Returns the
    batch, the names without an account, and (name, reason) of those held."""
    _require_bureau(by, cycle.region)
    if cycle.status != Cycle.Status.APPROVED:
        raise ValidationFailed({"__all__": "周期审批后才能生成发放文件"})
    owed = {k: v for k, v in selectors.balances(cycle.region).items() if v > 0}
    if not owed:
        raise ValidationFailed({"__all__": "没有待发放的款项"})
    accounts = {
        selectors.payee_key(a.elder_id, a.facility_id, a.staff_id): a
        for a in BankAccount.objects.filter(
            elder_id__in=[k[1] for k in owed if k[0] == "elder"]
        )
        | BankAccount.objects.filter(
            facility_id__in=[k[1] for k in owed if k[0] == "facility"]
        )
        | BankAccount.objects.filter(
            staff_id__in=[k[1] for k in owed if k[0] == "staff"]
        )
    }
    from yanglao.facilities.models import Facility, Staff

    held = {
        key: reason
        for key in owed
        if key[0] == "facility"
        and (reason := sanctions.barred("facility", key[1], sanctions.SUBSIDIES))
    }
    missing = [k for k in owed if k not in accounts and k not in held]

    missing_names = [
        *Elder.objects.filter(
            pk__in=[k[1] for k in missing if k[0] == "elder"]
        ).values_list("name", flat=True),
        *Facility.objects.filter(
            pk__in=[k[1] for k in missing if k[0] == "facility"]
        ).values_list("name", flat=True),
        *Staff.objects.filter(
            pk__in=[k[1] for k in missing if k[0] == "staff"]
        ).values_list("name", flat=True),
    ]
    names = dict(
        Facility.objects.filter(pk__in=[k[1] for k in held]).values_list("pk", "name")
    )
    held_named = sorted((names[k[1]], reason) for k, reason in held.items())
    payable = sorted(k for k in owed if k in accounts and k not in held)
    if not payable:
        why = f"{len(missing)} 个收款人都没有代发账户，请先登记账户"
        if held:
            why = f"{len(missing)} 个收款人没有代发账户，{len(held)} 个机构暂停拨付，没有可发放的款项"
        raise ValidationFailed({"__all__": why})
    with transaction.atomic():
        n = PaymentBatch.objects.filter(cycle=cycle).count() + 1
        batch = PaymentBatch.objects.create(
            number=f"FF{cycle.month:%Y%m}-{cycle.region.code}-{n}",
            cycle=cycle,
            created_by=by,
        )
        rows = []
        for seq, key in enumerate(payable, 1):
            a = accounts[key]
            rows.append(
                {
                    "ref": f"{batch.number}-{seq:06d}",
                    "event": LedgerEntry.Event.ISSUED,
                    "batch_id": batch.pk,
                    "elder_id": key[1] if key[0] == "elder" else None,
                    "facility_id": key[1] if key[0] == "facility" else None,
                    "staff_id": key[1] if key[0] == "staff" else None,
                    "payee": a.holder,
                    "bank": a.bank,
                    "account_enc": a.account_enc,
                    "account_last4": a.account_last4,
                    "amount_fen": owed[key],
                    "by_id": by.pk,
                }
            )
        bulk_insert(LedgerEntry, rows)
    total = sum(owed[k] for k in payable)
    audit(
        by=by,
        action="create",
        obj=batch,
        summary=f"生成发放批次 {batch.number}：{len(payable)} 笔 {fen_to_yuan_text(total)}"
        + (f"；暂停拨付 {len(held)} 个机构" if held else ""),
    )
    return batch, sorted(missing_names), held_named


RETURN_COLUMNS = {
    "ref": ("流水号", "序号", "交易流水号"),
    "amount": ("金额", "金额（元）", "金额(元)", "发放金额"),
    "result": ("结果", "处理结果", "状态"),
    "reason": ("原因", "失败原因", "备注"),
}


def _cell(row: list, columns: dict[str, int], key: str) -> str:
    i = columns.get(key)
    return tabular.as_text(row[i]) if i is not None and i < len(row) else ""


def bank_return_import(
    *, by, batch: PaymentBatch, data: bytes, filename: str
) -> dict[str, int]:
    """Mark the batch's payments paid or failed from a bank's return file. The file must match the
    payment file exactly (every payment of the bank, once, with the same amount); otherwise it
    is refused as a whole with the rows that do not match, and nothing is marked."""
    if batch.cycle is not None:
        _require_bureau(by, batch.cycle.region)
    try:
        table = tabular.open_table(data, filename)
    except tabular.TableError as exc:
        raise ValidationFailed({"file": exc.reason}) from exc
    columns = tabular.match_columns(
        [tabular.clean_header(h) for h in table.header], RETURN_COLUMNS
    )
    absent = [
        RETURN_COLUMNS[k][0] for k in ("ref", "amount", "result") if k not in columns
    ]
    if absent:
        raise ValidationFailed({"file": f"缺少列：{'、'.join(absent)}"})
    pending = {
        p["entry"].ref: p["entry"]
        for p in selectors.batch_payments(batch)
        if p["state"] == "issued"
    }
    issued = {p["entry"].ref: p for p in selectors.batch_payments(batch)}
    errors: dict[str, str] = {}
    marks: list[tuple[LedgerEntry, bool, str]] = []
    seen: set[str] = set()
    for number, row in table.rows:
        where = f"第{number}行"
        try:
            ref, amount, result, reason = (
                _cell(row, columns, k) for k in ("ref", "amount", "result", "reason")
            )
        except tabular.CellError as exc:
            errors[where] = exc.reason
            continue
        if ref in seen:
            errors[where] = f"流水号 {ref} 重复"
            continue
        seen.add(ref)
        if ref not in issued:
            errors[where] = f"流水号 {ref} 不在发放批次 {batch.number} 中"
            continue
        if ref not in pending:
            errors[where] = (
                f"流水号 {ref} 已于此前回盘（{issued[ref]['state']}），不能重复导入"
            )
            continue
        entry = pending[ref]
        try:
            fen = yuan_text_to_fen(amount)
        except ValueError as exc:
            errors[where] = f"金额：{exc}"
            continue
        if fen != entry.amount_fen:
            errors[where] = (
                f"金额 {fen_to_yuan_text(fen)} 与发放文件 {fen_to_yuan_text(entry.amount_fen)} 不符"
            )
            continue
        if result not in ("成功", "失败"):
            errors[where] = "结果应为“成功”或“失败”"
            continue
        marks.append(
            (
                entry,
                result == "成功",
                reason or ("" if result == "成功" else "银行退回"),
            )
        )
    banks = {e.bank for e, _ok, _r in marks}
    if len(banks) > 1:
        errors["file"] = (
            f"一个回盘文件只能对应一家银行，文件中有：{'、'.join(sorted(banks))}"
        )
    expected = {ref for ref, e in pending.items() if e.bank in banks}
    not_returned = expected - seen
    if not_returned and not errors:
        sample = "、".join(sorted(not_returned)[:5])
        errors["file"] = (
            f"回盘文件与发放文件不符：缺少 {len(not_returned)} 笔（{sample}…）"
        )
    if not marks and not errors:
        errors["file"] = "文件中没有数据行"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        bulk_insert(
            LedgerEntry,
            [
                {
                    "ref": e.ref,
                    "event": LedgerEntry.Event.PAID if ok else LedgerEntry.Event.FAILED,
                    "batch_id": batch.pk,
                    "elder_id": e.elder_id,
                    "facility_id": e.facility_id,
                    "payee": e.payee,
                    "bank": e.bank,
                    "account_last4": e.account_last4,
                    "amount_fen": e.amount_fen,
                    "reason": why[:200],
                    "by_id": by.pk,
                }
                for e, ok, why in marks
            ],
        )
    paid = sum(1 for _e, ok, _r in marks if ok)
    audit(
        by=by,
        action="update",
        obj=batch,
        summary=f"导入{next(iter(banks))}回盘：成功 {paid} 笔，失败 {len(marks) - paid} 笔",
    )
    return {"paid": paid, "failed": len(marks) - paid}


def recovery_record(*, by, elder: Elder, amount_fen: int, note: str) -> LedgerEntry:
    """Money returned by a payee who was overpaid (追回到账)."""
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    if not permissions.is_bureau(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以登记追回"})
    if (
        isinstance(amount_fen, bool)
        or not isinstance(amount_fen, int)
        or amount_fen <= 0
    ):
        raise ValidationFailed({"amount": "追回金额应为正数（分）"})
    owed = -selectors.balances().get(("elder", elder.pk), 0)
    if amount_fen > owed:
        raise ValidationFailed(
            {"amount": f"追回金额超过应追回的 {fen_to_yuan_text(max(owed, 0))}"}
        )
    with transaction.atomic():
        n = LedgerEntry.objects.filter(event=LedgerEntry.Event.RETURNED).count() + 1
        entry = LedgerEntry.objects.create(
            ref=f"ZH{timezone.localdate():%Y%m%d}-{n:06d}",
            event=LedgerEntry.Event.RETURNED,
            elder=elder,
            payee=elder.name,
            amount_fen=amount_fen,
            reason=note[:200],
            by=by,
        )
    audit(
        by=by,
        action="create",
        obj=entry,
        summary=f"登记追回 {elder.name} {fen_to_yuan_text(amount_fen)}",
    )
    return entry
