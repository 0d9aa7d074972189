"""Benchmark: the older-person list and search over HTTP, full-scale demo city, SQLite and PostgreSQL.

For each database: build the full demo city (scale 1: 269,220 people aged 60+ plus ~30,000 historic
records), start `yanglao serve` (gunicorn, 2 workers), log in as a county clerk (scope filter applied)
and as the city clerk, and time the first page of filtered lists and identity-number / phone / name
searches (p50/p95 over N requests each). Baseline in the same run: the naive ways the same questions
get answered — a substring LIKE on names, and finding an identity number by decrypting every record.

    uv run python bench/registry_list.py [--scale 1] [--requests 200] [--pg postgresql://…] [--skip-sqlite]

Prints a table; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _city import Session, percentile, wait_for  # noqa: E402


def sample_queries(env: dict, county: str, n: int) -> dict:
    """Identity numbers, phones and names of real people in the county (read in a subprocess)."""
    code = f"""
import os, json, random, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from yanglao.elders.models import Elder
from yanglao.elders import naming
rng = random.Random(7)
ids = list(Elder.objects.filter(status="active", residence_region__path__contains="/{county}/").exclude(phone_enc="").values_list("pk", flat=True))
pick = Elder.objects.filter(pk__in=rng.sample(ids, {n}))
names = [e.name for e in pick]
spoken = [naming.syllables(n) for n in names]
print(json.dumps({{"ids": [e.id_number for e in pick], "phones": [e.phone for e in pick], "names": names,
    "pinyin": ["".join(s) for s in spoken], "initials": ["".join(x[0] for x in s) for s in spoken]}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def naive_baselines(env: dict, county: str, samples: dict) -> dict:
    """The same questions answered naively, in-process: substring LIKE and a decrypt-everything scan."""
    code = f"""
import os, json, time, statistics, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from yanglao.elders.models import Elder
from yanglao.core import pii
samples = json.loads({json.dumps(json.dumps(samples))})
scope = Elder.objects.filter(status="active", residence_region__path__contains="/{county}/")
like = []
for name in samples["names"][:20]:
    t = time.perf_counter(); scope.filter(name__contains=name[1:]).count(); list(scope.filter(name__contains=name[1:]).order_by("-id")[:20]); like.append(time.perf_counter() - t)
city = Elder.objects.exclude(status="merged")
icontains = []
for name in samples["names"][:20]:
    t = time.perf_counter(); city.filter(name__icontains=name[1:]).count(); list(city.filter(name__icontains=name[1:]).order_by("name", "id")[:20]); icontains.append(time.perf_counter() - t)
scan = []
for wanted in samples["ids"][:3]:
    t = time.perf_counter()
    [pk for pk, enc in scope.values_list("pk", "id_number_enc").iterator(chunk_size=5000) if pii.decrypt(enc) == wanted]
    scan.append(time.perf_counter() - t)
print(json.dumps({{"substring LIKE on name (ORM, no HTTP)": sorted(like), "given name by icontains, no index, whole city (ORM, no HTTP)": sorted(icontains), "id number by decrypting every record": sorted(scan)}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_row(row: tuple) -> None:
    label, name, p50, p95, n = row
    if p95 is None:
        print(f"| {label} | {name} | {p50:.1f} s | | {n} |", flush=True)
    else:
        print(f"| {label} | {name} | {p50:.1f} | {p95:.1f} | {n} |", flush=True)


def run_backend(
    label: str, db_url: str | None, scale: float, n: int, port: int, reuse: str = ""
) -> list[tuple]:
    var = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    env = dict(
        os.environ,
        YANGLAO_VAR_DIR=str(var),
        YANGLAO_DEBUG="false",
        YANGLAO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("YANGLAO_DATABASE_URL", None)
    if db_url:
        env["YANGLAO_DATABASE_URL"] = db_url
    rows = []
    if not reuse:
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "yanglao.cli",
                "demo",
                "--scale",
                str(scale),
                "--no-serve",
                "--port",
                str(port),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows.append(
            (label, "build full demo city (s)", time.monotonic() - started, None, 1)
        )
        print_row(rows[-1])
    else:  # measure a city built by an earlier run (its var dir and database)
        subprocess.run(
            [sys.executable, "-m", "yanglao.cli", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    logins = {
        a["username"]: a["password"]
        for a in json.loads((var / "demo-logins.json").read_text())["accounts"]
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        county = "360222"  # 浮梁县: the "county" account's scope
        samples = sample_queries(env, county, n)
        rng = random.Random(11)
        county_session, city_session = Session(port), Session(port)
        county_session.login("county", logins["county"])  # 浮梁县 clerk
        city_session.login("city", logins["city"])
        townships = ["360281101", "360281102", "360203001", "360222101"]
        cases = {
            "list p1, filter 低保+80–89岁 (city)": (
                city_session,
                lambda i: "/elders/?category=dibao&age_band=80-89",
            ),
            "list p1, filter township+独居 (city)": (
                city_session,
                lambda i: (
                    f"/elders/?region={townships[i % 4]}&living_arrangement=alone"
                ),
            ),
            "list p1, no filter (county scope)": (county_session, lambda i: "/elders/"),
            "list p1, filter 特困 (county scope)": (
                county_session,
                lambda i: "/elders/?category=tekun",
            ),
            "search identity number (city)": (
                city_session,
                lambda i: "/elders/?q=" + samples["ids"][i],
            ),
            "search phone (city)": (
                city_session,
                lambda i: "/elders/?q=" + samples["phones"][i],
            ),
            "search name prefix (city)": (
                city_session,
                lambda i: "/elders/?q=" + urllib.parse.quote(samples["names"][i]),
            ),
            "search given name, name contains (city)": (
                city_session,
                lambda i: "/elders/?q=" + urllib.parse.quote(samples["names"][i][1:]),
            ),
            "search full pinyin (city)": (
                city_session,
                lambda i: "/elders/?q=" + samples["pinyin"][i],
            ),
            "search pinyin initials (city)": (
                city_session,
                lambda i: "/elders/?q=" + samples["initials"][i],
            ),
            "search surname only (county scope)": (
                county_session,
                lambda i: "/elders/?q=" + urllib.parse.quote(samples["names"][i][0]),
            ),
        }
        for name, (session, url) in cases.items():
            for i in range(5):  # warm-up
                session.request("GET", url(i))
            times = []
            for i in range(n):
                t = time.perf_counter()
                status, body = session.request(
                    "GET", url(i if "search" in name else rng.randrange(n))
                )
                times.append(time.perf_counter() - t)
                assert status == 200, (name, status)
                if "identity" in name or "phone" in name or "pinyin" in name:
                    assert "共 0 条" not in body, f"{name}: nothing found"
            rows.append(
                (
                    label,
                    name,
                    percentile(times, 50) * 1000,
                    percentile(times, 95) * 1000,
                    n,
                )
            )
            print_row(rows[-1])
        for name, times in naive_baselines(env, county, samples).items():
            rows.append(
                (
                    label,
                    f"baseline: {name}",
                    statistics.median(times) * 1000,
                    max(times) * 1000,
                    len(times),
                )
            )
            print_row(rows[-1])
    finally:
        server.terminate()
        server.wait()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--pg",
        default=os.environ.get("YANGLAO_BENCH_PG_URL", ""),
        help="an EMPTY PostgreSQL database URL",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--reuse-sqlite", default="", help="var dir of a city built by an earlier run"
    )
    parser.add_argument(
        "--reuse-pg",
        default="",
        help="var dir of the PostgreSQL city of an earlier run",
    )
    opts = parser.parse_args()
    rows = []
    print(
        "| database | case | p50 (ms) | p95 (ms) | n |\n|---|---|---:|---:|---:|",
        flush=True,
    )
    if not opts.skip_sqlite:
        rows += run_backend(
            "SQLite", None, opts.scale, opts.requests, 8101, opts.reuse_sqlite
        )
    if opts.pg:
        rows += run_backend(
            "PostgreSQL", opts.pg, opts.scale, opts.requests, 8102, opts.reuse_pg
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
