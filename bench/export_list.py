"""Benchmark: exporting the older-person list of the full demo city (298,834 records) to .xlsx and
.csv (issue 3: 300,000 rows ≤ 60 s with memory flat, not growing with the row count).

Each case runs in its own process and reports wall time and peak memory (max RSS); the same export
of a tenth of the rows shows whether memory grows with the row count. Baseline in the same run:
the obvious way — load the rows into a list and fill an ordinary (not write-only) openpyxl
workbook, as most Django projects do.

    uv run python bench/export_list.py --var VAR_DIR   (a full demo city, e.g. one built by
                                                        bench/assessment_form.py or registry_list.py)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

CASE = r"""
import os, sys, time, resource, threading, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
# Peak of the process's own (anonymous) memory, sampled: RSS also counts the pages of the SQLite
# file the database maps into memory (mmap), which the OS reclaims at will.
anon_peak = [0]
def sample():
    while True:
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                anon_peak[0] = max(anon_peak[0], int(line.split()[1]) // 1024)
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
from itertools import islice
from yanglao.accounts.models import User
from yanglao.core import export
from yanglao.elders import selectors
fmt, limit, way = sys.argv[1], int(sys.argv[2]), sys.argv[3]
by = User.objects.get(username="city")
filters = selectors.ElderFilter(status="")
t = time.monotonic()
rows = islice(selectors.elder_export_rows(by=by, filters=filters, full_pii=False), limit)
n = 0
def counted(rows):
    global n
    for row in rows:
        n += 1
        yield row
if way == "ours" and fmt == "xlsx":
    out = export._xlsx_file(selectors.EXPORT_HEADER, counted(rows), "老年人名单")
    size = out.seek(0, 2)
elif way == "ours":
    size = sum(len(line.encode()) for line in export._csv_lines(selectors.EXPORT_HEADER, counted(rows)))
else:  # baseline: every row in memory, then an ordinary workbook
    from openpyxl import Workbook
    import io
    data = list(counted(rows))
    book = Workbook(); sheet = book.active; sheet.append(selectors.EXPORT_HEADER)
    for row in data:
        sheet.append(row)
    buf = io.BytesIO(); book.save(buf); size = buf.tell()
print(f"ROWS {n} SIZE {size} SECONDS {time.monotonic() - t:.1f} MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} ANON {anon_peak[0]}")
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", required=True)
    parser.add_argument("--rows", type=int, default=300_000)
    opts = parser.parse_args()
    env = dict(os.environ, YANGLAO_VAR_DIR=opts.var)
    env.pop("YANGLAO_DATABASE_URL", None)
    print(
        "| case | rows | time | peak RSS | peak own memory (RssAnon) | file |\n"
        "|---|---:|---:|---:|---:|---:|",
        flush=True,
    )
    for fmt, limit, way in [
        ("xlsx", opts.rows // 10, "ours"),
        ("xlsx", opts.rows, "ours"),
        ("csv", opts.rows, "ours"),
        ("xlsx", opts.rows // 10, "baseline"),
        ("xlsx", opts.rows, "baseline"),
    ]:
        out = subprocess.run(
            [sys.executable, "-c", CASE, fmt, str(limit), way],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        _r, n, _s, size, _t, seconds, _m, rss, _a, anon = out.stdout.split()
        name = f"{'ours' if way == 'ours' else 'baseline: list + ordinary workbook'} .{fmt}"
        print(
            f"| {name} | {int(n):,} | {seconds} s | {int(rss):,} MB | {int(anon):,} MB "
            f"| {int(size) / 1e6:.1f} MB |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
