"""Payments: a batch per approved cycle, bank files, the bank's return file reconciled (or refused
as a whole), failed payments issued again, recovery, and a ledger the database keeps append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from yanglao.benefits import selectors, services
from yanglao.benefits.conftest import months_ago, run_cycle
from yanglao.benefits.models import LedgerEntry
from yanglao.core.errors import ValidationFailed
from yanglao.elders.services import life_event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_cycle(users, staff, regions, programmes, person):
    """Two people paid 高龄津贴 last month in an approved cycle, both with bank accounts."""
    a = person(name="甲老人", birth=dt.date(1925, 1, 1))  # 100+: 400 元
    b = person(name="乙老人", birth=dt.date(1940, 1, 1))  # 50 元
    services.bank_account_set(
        by=users["alice"],
        elder=a,
        bank="中国农业银行",
        holder="甲老人",
        account="6228480012345678",
    )
    services.bank_account_set(
        by=users["alice"],
        elder=b,
        bank="中国邮政储蓄银行",
        holder="乙老人",
        account="6221880087654321",
    )
    cycle = run_cycle(users["alice"], months_ago(2), regions["city"])
    cycle = services.cycle_approve(
        by=staff["amy"], cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"]
    )
    return cycle, a, b


def _return_file(rows) -> bytes:
    lines = ["流水号,金额,结果,原因", *(",".join(r) for r in rows)]
    return "\n".join(lines).encode()


def test_batch_and_bank_return(users, paid_cycle):
    cycle, a, b = paid_cycle
    with pytest.raises(ValidationFailed, match="审批后"):
        services.payment_batch_create(
            by=users["alice"],
            cycle=run_cycle(users["alice"], months_ago(1), cycle.region),
        )
    batch, missing, _held = services.payment_batch_create(
        by=users["alice"], cycle=cycle
    )
    assert missing == []
    payments = {
        p["entry"].elder_id: p["entry"] for p in selectors.batch_payments(batch)
    }
    assert payments[a.pk].amount_fen == 40000 and payments[b.pk].amount_fen == 5000
    abc = payments[a.pk]
    # A file that does not match the payment file is refused as a whole; nothing is marked.
    wrong = _return_file([[abc.ref, "399.99", "成功", ""]])
    with pytest.raises(ValidationFailed) as exc:
        services.bank_return_import(
            by=users["alice"], batch=batch, data=wrong, filename="回盘.csv"
        )
    assert "与发放文件 400.00元 不符" in str(exc.value.errors)
    stranger = _return_file(
        [[abc.ref, "400", "成功", ""], ["FF999-1", "1", "成功", ""]]
    )
    with pytest.raises(ValidationFailed, match="不在发放批次"):
        services.bank_return_import(
            by=users["alice"], batch=batch, data=stranger, filename="回盘.csv"
        )
    fraction = _return_file([[abc.ref, "400.001", "成功", ""]])
    with pytest.raises(ValidationFailed, match="金额"):
        services.bank_return_import(
            by=users["alice"], batch=batch, data=fraction, filename="回盘.csv"
        )
    assert not LedgerEntry.objects.exclude(event="issued").exists()
    # The bank says the payment failed (account closed): it is owed again and goes in the next batch.
    ok = _return_file([[abc.ref, "400.00", "失败", "账户已销户"]])
    assert services.bank_return_import(
        by=users["alice"], batch=batch, data=ok, filename="回盘.csv"
    ) == {"paid": 0, "failed": 1}
    with pytest.raises(ValidationFailed, match="已于此前回盘"):
        services.bank_return_import(
            by=users["alice"], batch=batch, data=ok, filename="回盘.csv"
        )
    assert selectors.balances(cycle.region)[("elder", a.pk)] == 40000
    assert selectors.balances(cycle.region)[("elder", b.pk)] == 0
    again, _, _ = services.payment_batch_create(by=users["alice"], cycle=cycle)
    (re_issued,) = selectors.batch_payments(again)
    assert (
        re_issued["entry"].elder_id == a.pk and re_issued["entry"].amount_fen == 40000
    )


def test_the_ledger_is_append_only(users, paid_cycle):
    cycle, _a, _b = paid_cycle
    batch, _, _ = services.payment_batch_create(by=users["alice"], cycle=cycle)
    entry = batch.entries.first()
    for change in (
        lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_fen == entry.amount_fen


def test_overpayment_goes_to_the_recovery_list(users, staff, paid_cycle):
    cycle, a, _b = paid_cycle
    batch, _, _ = services.payment_batch_create(by=users["alice"], cycle=cycle)
    for p in selectors.batch_payments(batch):  # one return file per bank
        row = [p["entry"].ref, f"{p['entry'].amount_fen / 100:.2f}", "成功", ""]
        services.bank_return_import(
            by=users["alice"],
            batch=batch,
            data=_return_file([row]),
            filename="回盘.csv",
        )
    life_event_record(
        by=users["alice"],
        elder=a,
        kind="death",
        date=months_ago(2) - dt.timedelta(days=1),
    )
    second = run_cycle(users["alice"], months_ago(1), cycle.region)
    services.cycle_approve(
        by=staff["amy"], cycle=second, confirmed_total_fen=second.totals["total_fen"]
    )
    (owed,) = [r for r in selectors.recovery_list(cycle.region) if r["pk"] == a.pk]
    assert owed["amount_fen"] == 40000
    with pytest.raises(ValidationFailed, match="超过"):
        services.recovery_record(by=users["alice"], elder=a, amount_fen=40001, note="")
    services.recovery_record(
        by=users["alice"], elder=a, amount_fen=40000, note="家属退回"
    )
    assert not [r for r in selectors.recovery_list(cycle.region) if r["pk"] == a.pk]
