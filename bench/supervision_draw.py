"""Benchmark: a 双随机 draw by the published method (issue 23) over 10,000 institutions in 20
strata with 500 inspectors (each excluding a few institutions, at most 6 teams each), a 10% sample:
the draw (commitment, seed, hash ranking, teams) and its independent re-derivation from the record
(`supervision.draw.verify`, what `yanglao supervision verify-draw` runs). Baseline in the same run:
an unverifiable draw as public systems make it (random.sample per stratum, random teams).

    uv run python bench/supervision_draw.py [--objects 10000] [--strata 20] [--inspectors 500]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from yanglao.supervision.draw import commitment, draw, verify


def frozen_input(objects: int, strata: int, inspectors: int, share: float) -> dict:
    rng = random.Random(1)
    objs = sorted(
        (
            {"code": f"91360200{n:010d}", "stratum": f"层{n % strata:02d}"}
            for n in range(objects)
        ),
        key=lambda o: o["code"],
    )
    codes = [o["code"] for o in objs]
    people = [
        {"code": f"JC{n:05d}", "excludes": sorted(rng.sample(codes, 3))}
        for n in range(inspectors)
    ]
    per = {}
    for o in objs:
        per[o["stratum"]] = per.get(o["stratum"], 0) + 1
    sample = {s: round(n * share) for s, n in sorted(per.items())}
    return {
        "plan": "BENCH",
        "objects": objs,
        "inspectors": people,
        "sample": sample,
        "team_size": 2,
        "max_teams": 6,
    }


def naive(frozen: dict) -> None:
    rng = random.SystemRandom()
    by = {}
    for o in frozen["objects"]:
        by.setdefault(o["stratum"], []).append(o["code"])
    names = [i["code"] for i in frozen["inspectors"]]
    for stratum, codes in by.items():
        for _code in rng.sample(codes, frozen["sample"][stratum]):
            rng.sample(names, 2)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--strata", type=int, default=20)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    frozen = frozen_input(opts.objects, opts.strata, opts.inspectors, opts.share)
    result = draw(frozen, "08 15 23 31 42")
    record = {
        "input": frozen,
        "commitment": commitment(frozen),
        "public_random": "08 15 23 31 42",
        **result.as_dict(),
    }
    assert verify(record) == [] and not result.errors
    rows = [
        (
            "commitment (RFC 8785 + SHA-256)",
            timed(lambda: commitment(frozen), opts.runs),
        ),
        (
            "draw: objects and teams",
            timed(lambda: draw(frozen, "08 15 23 31 42"), opts.runs),
        ),
        ("verify: re-derive from the record", timed(lambda: verify(record), opts.runs)),
        (
            "baseline: unverifiable random.sample draw",
            timed(lambda: naive(frozen), opts.runs),
        ),
    ]
    print(
        f"{opts.objects:,} objects, {opts.strata} strata, {opts.inspectors} inspectors, "
        f"{len(result.objects)} drawn, {len(result.teams)} teams\n"
    )
    print("| case | median (s) | max (s) | runs |\n|---|---:|---:|---:|")
    for name, times in rows:
        print(
            f"| {name} | {statistics.median(times):.3f} | {max(times):.3f} | {len(times)} |"
        )


if __name__ == "__main__":
    main()
