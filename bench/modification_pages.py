"""Benchmark: the 居家适老化改造 pages at full scale (issue 25: project page and phone checklist
p95 ≤ 300 ms).

Builds the demo city (scale 1 by default: 269,220 older people and the year's modification
projects in every state) on SQLite, or on PostgreSQL with --database-url, starts `yanglao serve`
(2 workers), and over HTTP:
  - the list with the year's progress per county (GET /homesupport/modifications/, as the city
    clerk);
  - a project's page (GET /homesupport/modifications/<id>/, projects in every state);
  - the phone checklist of a project waiting for its home assessment (GET …/checklist/, as the
    assessor sent there);
Baseline in the same run: the log-in page (the server's floor for a rendered page).

    uv run python bench/modification_pages.py [--scale 1] [--requests 300] [--database-url URL] [--reuse VAR_DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import (  # noqa: E402
    Session,
    build_or_migrate,
    city_env,
    logins,
    server,
    timed,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8114)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse", default="", help="var dir of a city built by an earlier run"
    )
    opts = parser.parse_args()
    env, var = city_env("modify", opts.database_url or None, opts.reuse)
    print("| case | p50 (ms) | p95 (ms) | n |\n|---|---:|---:|---:|", flush=True)
    took = build_or_migrate(env, opts.scale, bool(opts.reuse))
    if took is not None:
        print(
            f"| build demo city, scale {opts.scale} (s) | {took:.0f} | | 1 |",
            flush=True,
        )
    with server(env, opts.port):
        passwords = logins(var)
        clerk = Session(opts.port)
        clerk.login("city", passwords["city"])
        _status, page = clerk.request("GET", "/homesupport/modifications/?size=100")
        ids = sorted(
            {
                int(x)
                for x in re.findall(r'href="/homesupport/modifications/(\d+)/"', page)
            }
        )
        assert ids, "no modification project in the demo city"
        phone = Session(opts.port)
        phone.login("assessor1", passwords["assessor1"])
        _status, page = phone.request(
            "GET", "/homesupport/modifications/?state=applied"
        )
        waiting = sorted(
            {
                int(x)
                for x in re.findall(r'href="/homesupport/modifications/(\d+)/"', page)
            }
        )
        assert waiting, "no project waits for assessor1's home assessment"
        n = opts.requests
        for i in (
            ids[:10] + waiting
        ):  # warm each worker's connections and template cache
            clerk.request("GET", f"/homesupport/modifications/{i}/")
        rows = {
            "list with the year's progress per county (GET /homesupport/modifications/)": timed(
                lambda i: clerk.request("GET", "/homesupport/modifications/"), n
            ),
            "project page (GET /homesupport/modifications/<id>/)": timed(
                lambda i: clerk.request(
                    "GET", f"/homesupport/modifications/{ids[i % len(ids)]}/"
                ),
                n,
            ),
            "phone checklist (GET …/<id>/checklist/, the assessor)": timed(
                lambda i: phone.request(
                    "GET",
                    f"/homesupport/modifications/{waiting[i % len(waiting)]}/checklist/",
                ),
                n,
            ),
            "baseline: log-in page (GET /login/)": timed(
                lambda i: clerk.request("GET", "/login/"), n
            ),
        }
        for name, (p50, p95) in rows.items():
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {n} |", flush=True)
        print(f"| projects on the first page | {len(ids)} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
