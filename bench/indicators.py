"""Benchmark: indicators at full scale (issue 22), SQLite or PostgreSQL.

- Full recompute of every shipped computed indicator for every region, for a year and each of its
  months so far (`indicators.services.recompute_year`: one grouped query per measure and period,
  summed up the region tree). Baseline in the same run: the naive dashboard's way, one ORM query
  per indicator × region (each measure's records filtered to the region's subtree), timed on a
  sample of regions for one period and scaled to every region and period.
- A record change reaching the leadership view: how long `refresh_current` takes (the clock runs
  it every minute, so a change shows within 60 s plus this).
- The leadership view, a drill-down and two gap lists over HTTP: p50/p95.

    uv run python bench/indicators.py [--scale 1] [--pg postgresql://…] [--reuse VAR] [--requests 50]

Prints a table; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _city import Session, build_or_migrate, city_env, logins, percentile, server  # noqa: E402

IN_PROCESS = r"""
import os, json, random, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from django.utils import timezone
from yanglao.indicators import services
from yanglao.indicators.catalogue import DEMO_DOCUMENT
from yanglao.indicators.measures import all_measures
from yanglao.indicators.models import Indicator
from yanglao.indicators.periods import bounds, months_of
from yanglao.regions.models import Region

services.catalogue_install()
services.targets_install(region=Region.objects.get(code="360200"), document=DEMO_DOCUMENT)
year = timezone.localdate().year
periods = [str(year), *months_of(year)]
started = time.perf_counter()
services.recompute(periods)
full = time.perf_counter() - started

# the naive way: one query per indicator x region, the measure's records in the region's subtree
measures = all_measures()
computed = list(Indicator.objects.filter(source="computed"))
regions = list(Region.objects.all())
sample = random.Random(3).sample(regions, min(30, len(regions)))
start, end = bounds(str(year))
started = time.perf_counter()
asked = 0
for region in sample:
    ids = list(Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True))
    for ind in computed:
        for code in filter(None, (ind.numerator, ind.denominator)):
            m = measures[code]
            if m.members is not None:
                sum(1 for _ in m.members(start, end, ids))
            else:
                counts = m.count(start, end)
                sum(counts.get(i, 0) for i in ids)
        asked += 1
naive_sample = time.perf_counter() - started
per_pair = naive_sample / asked
naive_total = per_pair * len(computed) * len(regions) * len(periods)

started = time.perf_counter()
Indicator.objects.none()
from yanglao.indicators.models import Value
Value.objects.filter(period__in=[str(year), f"{timezone.localdate():%Y-%m}"]).update(computed_at=timezone.now() - timezone.timedelta(minutes=5))
services.refresh_current(max_age_seconds=60)
refresh = time.perf_counter() - started
print(json.dumps({"periods": len(periods), "regions": len(regions), "indicators": len(computed),
  "full": full, "naive_sample": naive_sample, "naive_pairs": asked, "naive_total": naive_total,
  "refresh": refresh}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--pg", default="", help="an EMPTY PostgreSQL database URL (or the reused one)"
    )
    parser.add_argument(
        "--reuse", default="", help="var dir of a city built by an earlier run"
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--port", type=int, default=8131)
    opts = parser.parse_args()
    label = "PostgreSQL" if opts.pg else "SQLite"
    env, var = city_env(label, opts.pg or None, opts.reuse)
    built = build_or_migrate(env, opts.scale, bool(opts.reuse))
    print("| database | case | p50 | p95 / total | n |\n|---|---|---:|---:|---:|")
    if built is not None:
        print(
            f"| {label} | build the demo city (scale {opts.scale}) | | {built:.0f} s | 1 |"
        )
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    pairs = r["indicators"] * r["regions"] * r["periods"]
    print(
        f"| {label} | full recompute: {r['indicators']} indicators × {r['regions']} regions × "
        f"{r['periods']} periods ({pairs:,} values) | | **{r['full']:.1f} s** | 1 |"
    )
    print(
        f"| {label} | baseline: one query per indicator × region ({r['naive_pairs']} pairs timed, "
        f"{r['naive_sample']:.1f} s), scaled to all | | {r['naive_total']:.0f} s "
        f"(**{r['naive_total'] / r['full']:.0f}×**) | {r['naive_pairs']} |"
    )
    print(
        f"| {label} | refresh this month and year (the clock, every 60 s) | | {r['refresh']:.1f} s | 1 |"
    )
    passwords = logins(var)
    with server(env, opts.port):
        leader, county = Session(opts.port), Session(opts.port)
        leader.login("leader", passwords["leader"])
        county.login("county", passwords["county"])
        cases = [
            ("领导驾驶舱, city (leader)", leader, "/indicators/"),
            ("领导驾驶舱, county (county clerk)", county, "/indicators/"),
            (
                "drill-down 农村互助覆盖率, city by county",
                leader,
                "/indicators/JDZ-9/?region=360200",
            ),
            (
                "gap: villages without a station (county)",
                county,
                "/indicators/JDZ-9/gap/?region=360222",
            ),
            (
                "gap: 特困 dependent not in care (city)",
                leader,
                "/indicators/JDZ-2/gap/?region=360200",
            ),
        ]
        for name, session, path in cases:
            times = session.timed(path, opts.requests)
            print(
                f"| {label} | {name} `{path}` | {percentile(times, 50) * 1000:.0f} ms | "
                f"**{percentile(times, 95) * 1000:.0f} ms** | {len(times)} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
