"""Benchmark: the on-site assessment form over HTTP on SQLite (issue 4: page ≤ 300 ms, saving one
answer ≤ 100 ms, p95).

Builds the demo city (scale 1 by default: 269,220 people aged 60+, ~70,000 scored assessments),
starts `yanglao serve` (gunicorn, 2 workers), logs in as the demo assessor and, over the six
assessments assigned to them:
  - loads the form page (GET /assessments/<id>/form/);
  - saves one answer as the page does (POST /assessments/<id>/answers/, JSON, a real change each time);
Baselines in the same run: the log-in page (the server's floor for a rendered page) and the
no-JavaScript way of saving — posting the whole form (26 items + A.* fields) and following the
redirect back to the form.

    uv run python bench/assessment_form.py [--scale 1] [--requests 300] [--reuse VAR_DIR]

Prints a table; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import Session, percentile, wait_for  # noqa: E402


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


def timed(fn, n: int) -> tuple[float, float]:
    samples = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument(
        "--reuse", default="", help="var dir of a city built by an earlier run"
    )
    opts = parser.parse_args()
    var = (
        Path(opts.reuse)
        if opts.reuse
        else Path(tempfile.mkdtemp(prefix="bench-assess-"))
    )
    env = dict(
        os.environ,
        YANGLAO_VAR_DIR=str(var),
        YANGLAO_DEBUG="false",
        YANGLAO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("YANGLAO_DATABASE_URL", None)
    print("| case | p50 (ms) | p95 (ms) | n |\n|---|---:|---:|---:|", flush=True)
    if not opts.reuse:
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "yanglao.cli",
                "demo",
                "--scale",
                str(opts.scale),
                "--no-serve",
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(
            f"| build demo city, scale {opts.scale} (s) | {time.monotonic() - started:.0f} | | 1 |"
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
            str(opts.port),
            "--workers",
            "2",
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(opts.port)
        s = Session(opts.port)
        s.login("assessor1", logins["assessor1"])
        _status, page = s.request("GET", "/assessments/")
        ids = sorted({int(x) for x in re.findall(r'href="/assessments/(\d+)/"', page)})
        assert ids, "the demo assessor has no assessments"
        n = opts.requests
        for i in ids:  # warm up each worker's connection and template cache
            s.request("GET", f"/assessments/{i}/form/")
        rows = {}
        rows["form page (GET /assessments/<id>/form/)"] = timed(
            lambda i: s.request("GET", f"/assessments/{ids[i % len(ids)]}/form/"), n
        )
        codes = [
            f"B.{d}.{k}"
            for d, count in ((1, 8), (2, 3), (3, 6), (4, 3))
            for k in range(1, count + 1)
        ]

        def save(i: int) -> None:
            code = codes[i % len(codes)]
            status = post_json(
                s,
                f"/assessments/{ids[i % len(ids)]}/answers/",
                {
                    "part": {"items": {code: 1 + (i // len(codes)) % 2}}
                },  # flips 1↔2: a real write
            )
            assert status == 200, status

        rows["save one answer (POST …/answers/, JSON)"] = timed(save, n)
        rows["baseline: log-in page (GET /login/)"] = timed(
            lambda i: s.request("GET", "/login/"), n
        )
        token = s.cookies["csrftoken"]

        def save_whole_form(i: int) -> None:
            fields = {c: str(1 + (i % 2)) for c in codes}
            fields.update(
                {
                    "B.2.4": "1",
                    "B.3.7": "1",
                    "B.3.8": "1",
                    "B.3.9": "1",
                    "B.4.1": "1",
                    "B.4.2": "1",
                    "B.4.4": "1",
                    "diagnoses": "I10",
                    "csrfmiddlewaretoken": token,
                }
            )
            status, _ = s.request(
                "POST",
                f"/assessments/{ids[i % len(ids)]}/form/",
                urllib.parse.urlencode(fields),
            )
            assert status == 302, status
            s.request("GET", f"/assessments/{ids[i % len(ids)]}/form/")

        rows["baseline: whole form posted + page reloaded (no JavaScript)"] = timed(
            save_whole_form, max(50, n // 3)
        )
        for name, (p50, p95) in rows.items():
            count = max(50, n // 3) if "whole form" in name else n
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {count} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
