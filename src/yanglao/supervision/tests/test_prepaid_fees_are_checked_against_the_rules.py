"""预收费 (STANDARDS.md, 民发〔2024〕19号): a statement checked row by row — a late transfer into
custody, a late refund, a balance under the floor, a service prepayment over 12 months, a deposit
over 12 months' bed fee, a public institution's membership fee, prepaid over net fixed assets."""

import datetime as dt

from yanglao.supervision.prepaid import Row, Terms, check_statement, next_working_day

MON = dt.date(2026, 11, 2)  # a Monday
TERMS = Terms(
    floor_fen=100_000,
    public=True,
    net_fixed_assets_fen=10_000_000,
    monthly_fees_fen={"R1": 300_000},
    monthly_bed_fen={"R1": 100_000},
)


def _rules(check):
    return [(f.line, f.rule) for f in check.findings]


def test_a_clean_statement_has_no_finding():
    rows = [
        Row(1, MON, "collect", 600_000, "R1", "bed"),
        Row(2, MON, "collect_elsewhere", 50_000, "R1", "meal", ref="c1"),
        Row(3, MON + dt.timedelta(days=1), "transfer_in", 50_000, ref="c1"),
        Row(4, MON + dt.timedelta(days=2), "payment_out", 100_000, "R1"),
    ]
    check = check_statement(rows, TERMS, as_of=MON + dt.timedelta(days=10))
    assert check.findings == [] and check.balance_fen == 550_000 and not check.freeze


def test_a_friday_collection_may_be_transferred_on_monday_not_tuesday():
    friday = MON + dt.timedelta(days=4)
    assert next_working_day(friday) == MON + dt.timedelta(days=7)
    rows = [
        Row(1, friday, "collect_elsewhere", 50_000, "R1", "meal", ref="c1"),
        Row(2, MON + dt.timedelta(days=8), "transfer_in", 50_000, ref="c1"),  # Tuesday
    ]
    check = check_statement(rows, TERMS)
    assert _rules(check) == [(1, "未按时转入托管账户")] and check.freeze


def test_caps_floor_refunds_membership_and_assets():
    rows = [
        Row(1, MON, "collect", 3_700_000, "R1", "care"),  # > 12 × 3,000 元
        Row(2, MON, "collect", 1_300_000, "R1", "deposit"),  # > 12 × 1,000 元
        Row(3, MON, "collect", 6_000_000, "R2", "membership"),  # public: not allowed
        Row(4, MON, "refund_due", 20_000, "R1", ref="r1"),
        Row(5, MON + dt.timedelta(days=5), "payment_out", 10_950_000, "R1"),
    ]
    check = check_statement(rows, TERMS)
    assert _rules(check) == [
        (1, "预收服务费超过上限"),
        (2, "押金超过上限"),
        (3, "公办机构收取会员费"),
        (4, "未按时退款"),
        (5, "低于风险准备金"),
        (0, "预收总额超过净固定资产"),
    ]
    assert check.freeze


def test_a_statement_is_read_whole_or_refused_naming_each_bad_cell():
    import pytest

    from yanglao.supervision.prepaid import StatementError, read_statement

    header = ["日期", "类别", "金额（元）", "老人编号", "收费项目", "关联号"]
    rows = read_statement(
        [
            header,
            ["2026-11-02", "账户外收取", "500.00", "R1", "餐费", "c1"],
            ["", "", "", "", "", ""],
        ]
    )
    assert rows == [Row(2, MON, "collect_elsewhere", 50_000, "R1", "meal", "c1")]
    with pytest.raises(StatementError) as bad:
        read_statement(
            [
                header,
                ["2026-13-01", "收取", "1", "", "", ""],
                ["2026-11-02", "转账", "1", "", "", ""],
                ["2026-11-02", "收取", "-5", "", "床位费", ""],
                ["2026-11-02", "收取", "5", "", "门票", ""],
            ]
        )
    assert [(n, c) for n, c, _r in bad.value.errors] == [
        (2, "日期"),
        (3, "类别"),
        (4, "金额（元）"),
        (5, "收费项目"),
    ]
    with pytest.raises(StatementError, match="缺少必需的列"):
        read_statement([["日期", "金额（元）"]])


def test_membership_cards_sold_in_bulk_are_a_warning_sign():
    """非法集资 warning: more than 20 membership fees within 30 days, in a private institution
    (where membership fees as such are allowed), is found once and freezes payments out."""
    private = Terms(
        floor_fen=0,
        public=False,
        net_fixed_assets_fen=None,
        monthly_fees_fen={},
        monthly_bed_fen={},
    )
    spread = [
        Row(
            i + 1,
            MON + dt.timedelta(days=2 * i),
            "collect",
            500_000,
            f"M{i}",
            "membership",
        )
        for i in range(21)
    ]  # 21 cards over 40 days: never 21 within 30
    assert check_statement(spread, private).findings == []
    bulk = [
        Row(
            i + 1, MON + dt.timedelta(days=i), "collect", 500_000, f"M{i}", "membership"
        )
        for i in range(25)
    ]
    check = check_statement(bulk, private)
    assert _rules(check) == [(21, "集中销售会员卡")] and check.freeze
    assert "21 笔、105000.00 元" in check.findings[0].detail
