"""Benchmark: the inspection checklist on a phone over HTTP (issue 23: page ≤ 300 ms and saving
≤ 100 ms at p95, as for the assessment form).

Builds the demo city (scale 1 by default) on SQLite, or on PostgreSQL with --database-url, starts
`yanglao serve` (2 workers), logs in as the city clerk, opens an inspection of each institution of
the demo's published draw, and over those inspections:
  - loads the checklist page (GET /supervision/inspections/<id>/);
  - saves one item as the phone does (POST …/answers/, JSON; 符合 ↔ 不适用, a real change each time).
Baselines in the same run: the log-in page (the server's floor for a rendered page), and the
no-JavaScript way of saving — posting the whole checklist and following the redirect back.

    uv run python bench/inspection_form.py [--scale 1] [--requests 300] [--database-url URL] [--reuse VAR_DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from _city import (  # noqa: E402
    Session,
    build_or_migrate,
    city_env,
    logins,
    server,
    timed,
)

from yanglao.supervision.checklists import GB38600  # noqa: E402

CODES = [code for code, *_rest in GB38600["items"]]


def post_json(s: Session, path: str, payload: dict) -> int:
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in s.cookies.items()),
        "Content-Type": "application/json",
        "X-CSRFToken": s.cookies["csrftoken"],
        "Referer": f"http://127.0.0.1:{s.port}/",
    }
    s.conn.request("POST", path, body=json.dumps(payload), headers=headers)
    resp = s.conn.getresponse()
    resp.read()
    return resp.status


def open_inspections(s: Session) -> list[int]:
    """An inspection of each institution of the demo's published draw (or those already open)."""
    _status, page = s.request("GET", "/supervision/inspections/")
    found = sorted(
        {int(x) for x in re.findall(r'href="/supervision/inspections/(\d+)/"', page)}
    )
    _status, text = s.request("GET", "/public/draws/1/record.json")
    record = json.loads(text)
    token = s.cookies["csrftoken"]
    for team in record["teams"][:6]:
        s.request(
            "POST",
            "/supervision/inspections/",
            urllib.parse.urlencode(
                {
                    "object": team["object"],
                    "draw": record["id"],
                    "csrfmiddlewaretoken": token,
                }
            ),
        )
    _status, page = s.request("GET", "/supervision/inspections/?size=100")
    ids = sorted(
        {int(x) for x in re.findall(r'href="/supervision/inspections/(\d+)/"', page)}
    )
    open_ = []
    for i in ids:
        _status, page = s.request("GET", f"/supervision/inspections/{i}/")
        if (
            'id="inspection-form"' in page
            and " inert" not in page.split('id="inspection-form"')[1][:400]
        ):
            open_.append(i)
    assert open_, f"no inspection in progress among {found or ids}"
    return open_


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse", default="", help="var dir of a city built by an earlier run"
    )
    opts = parser.parse_args()
    env, var = city_env("inspect", opts.database_url or None, opts.reuse)
    print("| case | p50 (ms) | p95 (ms) | n |\n|---|---:|---:|---:|", flush=True)
    took = build_or_migrate(env, opts.scale, bool(opts.reuse))
    if took is not None:
        print(
            f"| build demo city, scale {opts.scale} (s) | {took:.0f} | | 1 |",
            flush=True,
        )
    with server(env, opts.port):
        s = Session(opts.port)
        s.login("city", logins(var)["city"])
        ids = open_inspections(s)
        n = opts.requests
        for i in ids:  # warm each worker's connection and template cache
            s.request("GET", f"/supervision/inspections/{i}/")
        rows = {
            "checklist page (GET /supervision/inspections/<id>/)": timed(
                lambda i: s.request(
                    "GET", f"/supervision/inspections/{ids[i % len(ids)]}/"
                ),
                n,
            )
        }

        def save(i: int) -> None:
            code = CODES[i % len(CODES)]
            result = (
                "pass" if (i // len(CODES)) % 2 == 0 else "na"
            )  # a real change each round
            status = post_json(
                s,
                f"/supervision/inspections/{ids[i % len(ids)]}/answers/",
                {"answers": {code: {"result": result, "note": ""}}},
            )
            assert status == 200, status

        rows["save one item (POST …/answers/, JSON)"] = timed(save, n)
        rows["baseline: log-in page (GET /login/)"] = timed(
            lambda i: s.request("GET", "/login/"), n
        )
        token = s.cookies["csrftoken"]

        def save_whole(i: int) -> None:
            fields = {f"r-{c}": "pass" if i % 2 else "na" for c in CODES}
            fields.update(action="save", csrfmiddlewaretoken=token)
            target = f"/supervision/inspections/{ids[i % len(ids)]}/"
            status, _ = s.request("POST", target, urllib.parse.urlencode(fields))
            assert status == 302, status
            s.request("GET", target)

        whole = max(50, n // 3)
        rows["baseline: whole checklist posted + page reloaded (no JavaScript)"] = (
            timed(save_whole, whole)
        )
        for name, (p50, p95) in rows.items():
            count = whole if "whole" in name else n
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {count} |", flush=True)
        print(f"| inspections used | {len(ids)} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
