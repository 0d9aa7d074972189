"""预收费 custody rules, checked over an institution's bank statement. Pure: no Django.

From ../shared/STANDARDS.md (民发〔2024〕19号 and the 2025 custody guideline, as reported):
- service fees (床位费、照料护理费、餐费) prepaid for at most 12 months (a province may set fewer):
  the resident's prepaid balance — collected less spent for them and refunded — at most 12 months'
  fees;
- a deposit (押金) at most 12 × the person's monthly bed fee;
- fees collected any other way move into the custody account the same or the next working day;
- refunds leave the account the same or the next working day after they fall due;
- after each payment out the balance stays above the risk-reserve floor;
- membership fees (会员费) in public or publicly-built institutions are not allowed;
- total prepaid over the institution's net fixed assets is a warning sign of 非法集资, and so are
  membership cards sold in bulk: more than MEMBERSHIP_BULK membership fees within any 30 days.

One pass over the statement in date order; each finding names the row, the resident where there is
one, and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from yanglao.core.tabular import clean_header

SERVICE_ITEMS = {"bed", "care", "meal"}
KINDS = {
    "collect_elsewhere",  # 在托管账户外收取（现金、机构其他账户）
    "transfer_in",  # 转入托管账户
    "collect",  # 直接收入托管账户
    "refund_due",  # 应退款（退住、减免）
    "refund",  # 退款支出
    "payment_out",  # 为本人服务支出
}


@dataclass(frozen=True)
class Row:
    line: int
    day: dt.date
    kind: str
    amount_fen: int  # always ≥ 0; the kind says which way it goes
    resident: str = ""
    item: str = ""  # bed, care, meal, deposit, membership
    ref: str = ""  # ties a transfer to its collection, a refund to its due


@dataclass(frozen=True)
class Terms:
    """What the rules need of the institution and its residents."""

    floor_fen: int  # the risk-reserve floor
    public: bool  # 公办 or 公建民营: no membership fees
    net_fixed_assets_fen: int | None
    monthly_fees_fen: dict[
        str, int
    ]  # resident → monthly service fees (bed + care + meals)
    monthly_bed_fen: dict[str, int]  # resident → monthly bed fee
    months_cap: int = 12


@dataclass
class Finding:
    line: int
    rule: str
    detail: str
    resident: str = ""


@dataclass
class Check:
    findings: list[Finding] = field(default_factory=list)
    balance_fen: int = 0
    prepaid_fen: int = 0

    @property
    def freeze(self) -> bool:
        """Abnormal flows freeze payments out (the guideline): any balance or transfer breach."""
        return any(f.rule in FREEZING for f in self.findings)


FREEZING = {
    "低于风险准备金",
    "未按时转入托管账户",
    "预收总额超过净固定资产",
    "集中销售会员卡",
}
# The 非法集资 risk list: accounts with an open alert of these
FUNDRAISING_SIGNS = ("预收总额超过净固定资产", "集中销售会员卡")
# 非法集资 warning: more membership fees than this within any 30 days (a bureau sets its own)
MEMBERSHIP_BULK = 20
BULK_WINDOW_DAYS = 30


def next_working_day(
    day: dt.date, holidays: frozenset[dt.date] = frozenset()
) -> dt.date:
    nxt = day + dt.timedelta(days=1)
    while nxt.weekday() >= 5 or nxt in holidays:
        nxt += dt.timedelta(days=1)
    return nxt


def check_statement(
    rows: Iterable[Row],
    terms: Terms,
    *,
    opening_fen: int = 0,
    holidays: frozenset[dt.date] = frozenset(),
    as_of: dt.date | None = None,
) -> Check:
    result = Check(balance_fen=opening_fen)
    pending_in: dict[str, Row] = {}  # ref → collection elsewhere awaiting its transfer
    pending_refund: dict[str, Row] = {}
    service: dict[str, int] = {}
    deposit: dict[str, int] = {}
    last_day = None
    rows_seen: list[Row] = []
    for row in rows:
        if row.item == "membership" and row.kind in ("collect", "collect_elsewhere"):
            rows_seen.append(row)
        if row.kind not in KINDS:
            result.findings.append(Finding(row.line, "无法识别的流水类别", row.kind))
            continue
        if last_day is not None and row.day < last_day:
            result.findings.append(Finding(row.line, "流水未按日期排序", str(row.day)))
        last_day = row.day
        _late_ones(result, pending_in, pending_refund, row.day, holidays)
        if row.kind == "collect_elsewhere":
            pending_in[row.ref or f"line{row.line}"] = row
            _count_prepaid(result, row, terms, service, deposit)
        elif row.kind == "transfer_in":
            pending_in.pop(row.ref, None)
            result.balance_fen += row.amount_fen
        elif row.kind == "collect":
            result.balance_fen += row.amount_fen
            _count_prepaid(result, row, terms, service, deposit)
        elif row.kind == "refund_due":
            pending_refund[row.ref or f"line{row.line}"] = row
        elif row.kind in ("refund", "payment_out"):
            if row.kind == "refund":
                pending_refund.pop(row.ref, None)
            _spend(row, service, deposit)
            result.balance_fen -= row.amount_fen
            if result.balance_fen < terms.floor_fen:
                result.findings.append(
                    Finding(
                        row.line,
                        "低于风险准备金",
                        f"支出后余额 {result.balance_fen / 100:.2f} 元，低于 {terms.floor_fen / 100:.2f} 元",
                        row.resident,
                    )
                )
    _late_ones(result, pending_in, pending_refund, as_of or dt.date.max, holidays)
    _bulk_membership(result, rows_seen)
    if (
        terms.net_fixed_assets_fen is not None
        and result.prepaid_fen > terms.net_fixed_assets_fen
    ):
        result.findings.append(
            Finding(
                0,
                "预收总额超过净固定资产",
                f"预收 {result.prepaid_fen / 100:.2f} 元，净固定资产 {terms.net_fixed_assets_fen / 100:.2f} 元（非法集资风险）",
            )
        )
    return result


def _spend(row, service, deposit) -> None:
    """Money out for a resident uses up their prepaid balance (a deposit refund, their deposit)."""
    store = deposit if row.item == "deposit" else service
    if row.resident:
        store[row.resident] = max(store.get(row.resident, 0) - row.amount_fen, 0)


def _count_prepaid(result, row, terms, service, deposit) -> None:
    result.prepaid_fen += row.amount_fen
    who = row.resident
    if row.item == "membership" and terms.public:
        result.findings.append(
            Finding(
                row.line, "公办机构收取会员费", f"{row.amount_fen / 100:.2f} 元", who
            )
        )
    elif row.item in SERVICE_ITEMS and who:
        service[who] = service.get(who, 0) + row.amount_fen
        cap = terms.monthly_fees_fen.get(who, 0) * terms.months_cap
        if cap and service[who] > cap:
            result.findings.append(
                Finding(
                    row.line,
                    "预收服务费超过上限",
                    f"预收余额 {service[who] / 100:.2f} 元，超过 {terms.months_cap} 个月费用 {cap / 100:.2f} 元",
                    who,
                )
            )
    elif row.item == "deposit" and who:
        deposit[who] = deposit.get(who, 0) + row.amount_fen
        cap = terms.monthly_bed_fen.get(who, 0) * 12
        if cap and deposit[who] > cap:
            result.findings.append(
                Finding(
                    row.line,
                    "押金超过上限",
                    f"押金 {deposit[who] / 100:.2f} 元，超过 12 个月床位费 {cap / 100:.2f} 元",
                    who,
                )
            )


def _bulk_membership(result: Check, memberships: list[Row]) -> None:
    """Membership cards sold in bulk (非法集资 warning sign): the first row at which more than
    MEMBERSHIP_BULK membership fees fall within BULK_WINDOW_DAYS; reported once."""
    window: list[Row] = []
    for row in sorted(memberships, key=lambda r: (r.day, r.line)):
        window.append(row)
        while (row.day - window[0].day).days >= BULK_WINDOW_DAYS:
            window.pop(0)
        if len(window) > MEMBERSHIP_BULK:
            total = sum(r.amount_fen for r in window)
            result.findings.append(
                Finding(
                    row.line,
                    "集中销售会员卡",
                    f"{window[0].day:%Y-%m-%d} 起 {BULK_WINDOW_DAYS} 天内收取会员费 {len(window)} 笔、"
                    f"{total / 100:.2f} 元（非法集资风险）",
                )
            )
            return


def _late_ones(result, pending_in, pending_refund, today, holidays) -> None:
    """Collections not transferred, and refunds not paid, by the next working day."""
    for store, rule in (
        (pending_in, "未按时转入托管账户"),
        (pending_refund, "未按时退款"),
    ):
        for ref, row in list(store.items()):
            if today > next_working_day(row.day, holidays):
                result.findings.append(
                    Finding(
                        row.line,
                        rule,
                        f"{row.day:%Y-%m-%d} 的 {row.amount_fen / 100:.2f} 元，次一工作日内未办理",
                        row.resident,
                    )
                )
                del store[ref]


# A bank statement as the custody bank exports it (CSV, UTF-8 or GB18030 decoded by the caller).
COLUMNS = {
    "日期": "day",
    "类别": "kind",
    "金额（元）": "amount",
    "老人编号": "resident",
    "收费项目": "item",
    "关联号": "ref",
}
KIND_NAMES = {
    "账户外收取": "collect_elsewhere",
    "转入托管账户": "transfer_in",
    "收取": "collect",
    "应退款": "refund_due",
    "退款": "refund",
    "服务支出": "payment_out",
}
ITEM_NAMES = {
    "床位费": "bed",
    "照料护理费": "care",
    "餐费": "meal",
    "押金": "deposit",
    "会员费": "membership",
    "": "",
}


class StatementError(ValueError):
    """Rows that cannot be read: (line, column, reason) each; nothing is checked."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__("; ".join(f"第{n}行 {c}：{r}" for n, c, r in errors[:5]))
        self.errors = errors


def _plain(name: str) -> str:
    """A column name as the table reader hands it over (core.tabular.clean_header)."""
    return clean_header(name)


def read_statement(lines: Iterable[list[str]]) -> list[Row]:
    """Rows of a statement (its header names the columns, in any order); every bad cell is
    collected and the whole statement refused."""
    it = iter(lines)
    header = [_plain(h) for h in next(it, [])]
    missing = [name for name in COLUMNS if _plain(name) not in header]
    if missing:
        raise StatementError([(1, "、".join(missing), "缺少必需的列")])
    at = {COLUMNS[name]: header.index(_plain(name)) for name in COLUMNS}
    rows, errors = [], []
    for line, cells in enumerate(it, start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {
            key: (cells[i].strip() if i < len(cells) else "") for key, i in at.items()
        }
        try:
            day = dt.date.fromisoformat(cell["day"])
        except ValueError:
            errors.append((line, "日期", f"“{cell['day']}”不是 YYYY-MM-DD 日期"))
            continue
        kind = KIND_NAMES.get(cell["kind"])
        if kind is None:
            errors.append((line, "类别", f"“{cell['kind']}”不是可识别的类别"))
            continue
        try:
            yuan = float(cell["amount"].replace(",", ""))
        except ValueError:
            errors.append((line, "金额（元）", f"“{cell['amount']}”不是金额"))
            continue
        if yuan < 0:
            errors.append((line, "金额（元）", "金额不能为负，方向由类别表示"))
            continue
        item = ITEM_NAMES.get(cell["item"])
        if item is None:
            errors.append((line, "收费项目", f"“{cell['item']}”不是可识别的收费项目"))
            continue
        rows.append(
            Row(line, day, kind, round(yuan * 100), cell["resident"], item, cell["ref"])
        )
    if errors:
        raise StatementError(errors)
    return rows
