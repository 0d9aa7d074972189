"""Benchmark: a year of custody-account statements for 500 institutions (~2 M rows, one per
transaction) read from CSV and checked against every prepaid-fee rule (supervision.prepaid):
read + check per institution, all institutions. Baseline in the same run: matching each
collection made outside the account to its transfer by scanning the rest of the statement (what a
spreadsheet lookup does), timed on one institution and scaled to all.

    uv run python bench/prepaid_check.py [--institutions 500] [--rows-per 4000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import time

from yanglao.supervision.prepaid import Terms, check_statement, read_statement

HEADER = ["日期", "类别", "金额（元）", "老人编号", "收费项目", "关联号"]


def statement(seed: int, rows: int) -> str:
    """A year's statement in date order: fees collected (a fifth outside the account and
    transferred the next day, 1% of those five days late), payments out for the residents'
    services, and deposits (a few over the cap)."""
    rng = random.Random(seed)
    lines: list[list[str]] = []
    day, ref = dt.date(2025, 1, 2), 0
    while len(lines) < rows:
        resident = f"R{rng.randrange(120):03d}"
        item = rng.choices(
            ["床位费", "照料护理费", "餐费", "押金"], weights=[40, 30, 28, 2]
        )[0]
        yuan = (
            rng.choice([800, 1500, 2400])
            if item != "押金"
            else rng.choices([2000, 5000, 30000], weights=[60, 39, 1])[0]
        )
        if rng.random() < 0.2:
            ref += 1
            late = 5 if rng.random() < 0.01 else 1
            lines.append(
                [
                    day.isoformat(),
                    "账户外收取",
                    f"{yuan:.2f}",
                    resident,
                    item,
                    f"c{ref}",
                ]
            )
            lines.append(
                [
                    (day + dt.timedelta(days=late)).isoformat(),
                    "转入托管账户",
                    f"{yuan:.2f}",
                    "",
                    "",
                    f"c{ref}",
                ]
            )
        else:
            lines.append([day.isoformat(), "收取", f"{yuan:.2f}", resident, item, ""])
        if item != "押金":
            lines.append(
                [day.isoformat(), "服务支出", f"{yuan * 0.95:.2f}", resident, "", ""]
            )
        if len(lines) % 40 < 3:
            day += dt.timedelta(days=1)
    lines.sort(
        key=lambda r: r[0]
    )  # a bank statement is in date order (the sort is stable)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(lines[:rows])
    return out.getvalue()


def terms() -> Terms:
    return Terms(
        floor_fen=5_000_000,
        public=False,
        net_fixed_assets_fen=5_000_000_000,
        monthly_fees_fen={f"R{i:03d}": 500_000 for i in range(120)},
        monthly_bed_fen={f"R{i:03d}": 150_000 for i in range(120)},
    )


def check_one(text: str):
    rows = read_statement(csv.reader(io.StringIO(text)))
    return check_statement(rows, terms(), opening_fen=10_000_000), len(rows)


def naive_transfers(text: str) -> int:
    """Each collection outside the account looked up in the whole statement, from the top (a
    spreadsheet's VLOOKUP per row)."""
    rows = list(csv.reader(io.StringIO(text)))[1:]
    found = 0
    for r in rows:
        if r[1] == "账户外收取":
            found += any(s[1] == "转入托管账户" and s[5] == r[5] for s in rows)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=500)
    parser.add_argument("--rows-per", type=int, default=4000)
    opts = parser.parse_args()
    texts = [statement(i, opts.rows_per) for i in range(opts.institutions)]
    started = time.perf_counter()
    rows = findings = frozen = 0
    for text in texts:
        check, n = check_one(text)
        rows += n
        findings += len(check.findings)
        frozen += check.freeze
    took = time.perf_counter() - started
    t = time.perf_counter()
    naive_transfers(texts[0])
    naive_one = time.perf_counter() - t
    naive_all = naive_one * opts.institutions
    print(
        f"{opts.institutions} institutions, {rows:,} rows, {findings:,} findings, {frozen} frozen\n"
    )
    print("| case | seconds |\n|---|---:|")
    print(f"| read and check every statement against every rule | **{took:.1f}** |")
    print(
        f"| baseline: look each transfer up from the top (one statement {naive_one:.2f} s, × all) | "
        f"{naive_all:,.0f} ({naive_all / took:,.0f}×) |"
    )


if __name__ == "__main__":
    main()
