"""Benchmark: the monthly visit roster and plan for the full demo city, and the rates table for
every region (issue 8: roster ≤ 10 s; rates for every region ≤ 1 s, SQLite and PostgreSQL).

Runs against a city an earlier run built (its var dir; for PostgreSQL also its database URL):
  1. build this month's roster from the registry (rules, visitors by area and load), first time;
  2. build it again (bringing it up to date: nothing changed);
  3. the rates table at each level (社区/村, 乡镇/街道, 县, 市) for the city clerk, p50 of 20.
Baseline in the same run: the per-person way — one rule query per person (the registry's own
category/level look-ups), on 5,000 people, scaled.

    uv run python bench/visits_roster.py --var VAR_DIR [--pg postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

CASE = r"""
import os, time, statistics, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from yanglao.accounts.models import User
from yanglao.elders.models import Elder
from yanglao.regions.models import Region
from yanglao.visits import rules, selectors, services
from yanglao.visits.models import RosterEntry
month = timezone.localdate().replace(day=1)
RosterEntry.objects.filter(month=month).delete()
t = time.monotonic(); counts = services.roster_build(month=month); first = time.monotonic() - t
t = time.monotonic(); services.roster_build(month=month); again = time.monotonic() - t
print(f"ROW roster build, first time ({counts['rostered']:,} people on it, {counts['unassigned']:,} without a visitor) | {first:.1f} s")
print(f"ROW roster build again (nothing changed) | {again:.1f} s")
by = User.objects.get(username="city")
for level, name in ((5, "社区/村"), (4, "乡镇/街道"), (3, "县(市、区)"), (2, "市")):
    times = []
    for _ in range(20):
        t = time.perf_counter(); rows = selectors.rates(by=by, month=month, level=level); times.append(time.perf_counter() - t)
    print(f"ROW rates table, every {name} ({len(rows):,} rows), p50 / max of 20 | {statistics.median(times) * 1000:.0f} / {max(times) * 1000:.0f} ms")
# Baseline: person by person, asking the registry for each one's categories and level.
sample = list(Elder.objects.filter(status="active").values_list("pk", flat=True)[:5000])
total = Elder.objects.filter(status="active").count()
t = time.monotonic()
for pk in sample:
    e = Elder.objects.get(pk=pk)
    cats = frozenset(e.categories.filter(end_date__isnull=True).values_list("category", flat=True))
    a = e.assessments.filter(status="completed").order_by("-assessed_on").first()
    rules.need_for(rules.Facts(age=e.age(), living=e.living_arrangement, categories=cats,
                               ability_level=a.final_level if a else None))
per = (time.monotonic() - t) / len(sample)
print(f"ROW baseline: person by person (queries per person), scaled to {total:,} people | {per * total:.0f} s")
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", required=True)
    parser.add_argument("--pg", default="")
    opts = parser.parse_args()
    env = dict(os.environ, YANGLAO_VAR_DIR=opts.var)
    env.pop("YANGLAO_DATABASE_URL", None)
    if opts.pg:
        env["YANGLAO_DATABASE_URL"] = opts.pg
    label = "PostgreSQL" if opts.pg else "SQLite"
    out = subprocess.run(
        [sys.executable, "-c", CASE], env=env, capture_output=True, text=True
    )
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        return 1
    print("| database | case | time |\n|---|---|---:|")
    for line in out.stdout.splitlines():
        if line.startswith("ROW "):
            case, value = line[4:].split(" | ")
            print(f"| {label} | {case} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
