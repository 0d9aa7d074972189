"""Benchmark: the size and cost of issue 20's generated checks — the scope matrix from the URL map,
the PII scanner, and the schemathesis run — on the small demo city.

    uv run python bench/trust.py [--examples 20]

It builds a fresh in-memory SQLite test database with the demo city (scale 0.003), then:
- counts the routes of the URL map and how the matrix places each (scoped, list, shared, skipped);
- as each account that owns nothing, GETs every filled route (and POST/PATCH/DELETE for the scoped
  ones), timing it and counting what was refused, listed empty or leaked;
- as every demo account, GETs every route and scans each 200 response for unmasked identity, phone
  and bank numbers;
- runs the schemathesis test file and counts its operations.
Baseline in the same run: the hand-written matrix it replaces (facilities/tests/test_scope_matrix.py).

Prints a table; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=20)
    opts = parser.parse_args()
    os.environ.setdefault("YANGLAO_VAR_DIR", tempfile.mkdtemp(prefix="yanglao-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from yanglao.demo.generator import build_demo_city
    from yanglao.facilities.tests import test_scope_matrix as hand
    from yanglao.tests import test_scope_matrix_generated as m

    started = time.perf_counter()
    logins = build_demo_city(scale=0.003, today=m.TODAY, progress=lambda _m: None)
    blank = m._blank_accounts()
    built = time.perf_counter() - started

    routes = list(m._routes())
    placed = Counter(
        m._placed(name, template) for template, name in routes if "<" in template
    )
    plain = sum(1 for template, _n in routes if "<" not in template)

    # The accounts that own nothing: every object URL.
    t0 = time.perf_counter()
    gets = outcome = 0
    outcomes: Counter = Counter()
    for user in blank.values():
        page, api = m._session(user), m._bearer(user)
        for template, name in routes:
            if "<" not in template or m._placed(name, template) == "skip":
                continue
            for url in m._fill(template):
                response = (api if url.startswith("/api/") else page).get(url)
                gets += 1
                outcomes[response.status_code] += 1
    get_seconds = time.perf_counter() - t0
    outcome = outcomes

    t0 = time.perf_counter()
    writes = 0
    for user in blank.values():
        page, api = m._session(user), m._bearer(user)
        for template, name in routes:
            if "<" not in template or m._placed(name, template) != "scoped":
                continue
            for url in m._fill(template):
                for method in (
                    ("post", "patch", "delete")
                    if url.startswith("/api/")
                    else ("post",)
                ):
                    m._send(api if url.startswith("/api/") else page, method, url)
                    writes += 1
    write_seconds = time.perf_counter() - t0

    # The PII scanner over every demo account.
    from yanglao.accounts.models import User

    t0 = time.perf_counter()
    scanned = found = 0
    users = User.objects.filter(username__in=[a["username"] for a in logins])
    for user in users:
        page, api = m._session(user), m._bearer(user)
        for template, name in routes:
            if m._placed(name) == "skip" or name in m.NOT_A_PERSON:
                continue
            for url in m._fill(template):
                response = (api if url.startswith("/api/") else page).get(url)
                if response.status_code == 200:
                    scanned += 1
                    found += bool(m.unmasked_numbers(m.response_text(response)))
    scan_seconds = time.perf_counter() - t0

    # schemathesis, in its own pytest run.
    t0 = time.perf_counter()
    fuzz = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:logging",
            "src/yanglao/tests/test_api_fuzz.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "YANGLAO_FUZZ_EXAMPLES": str(opts.examples)},
    )
    fuzz_seconds = time.perf_counter() - t0
    fuzz_line = (fuzz.stdout.strip().splitlines() or ["?"])[-1]

    hand_size = len(hand.PAGES) + len(hand.API_GETS) + len(hand.API_WRITES)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}; SQLite in memory; demo city built in {built:.1f} s"
    )
    print()
    print("| figure | value |")
    print("|---|---:|")
    print(f"| routes in the URL map (pages, files, API) | {len(routes)} |")
    print(f"| … without parameters (lists, forms, exports by name) | {plain} |")
    print(
        f"| … with parameters: scoped / list exports / shared down the tree / skipped | "
        f"{placed['scoped']} / {placed['list']} / {placed['shared']} / {placed['skip']} |"
    )
    print(f"| accounts that own nothing | {len(blank)} |")
    print(
        f"| GETs of other objects ({len(blank)} accounts × filled routes) | {gets:,} in {get_seconds:.1f} s |"
    )
    print(
        f"| … answered | {', '.join(f'{k}: {v:,}' for k, v in sorted(outcome.items()))} |"
    )
    print(
        f"| writes to other objects (POST, and PATCH/DELETE on the API) | {writes:,} in {write_seconds:.1f} s |"
    )
    print(f"| demo accounts crawled by the PII scanner | {users.count()} |")
    print(
        f"| responses scanned (200s: HTML, JSON, CSV, XLSX, PDF) | {scanned:,} in {scan_seconds:.1f} s |"
    )
    print(
        f"| … with an unmasked number (permitted and audited views included) | {found} |"
    )
    print(
        f"| schemathesis ({opts.examples} examples per operation and account) | {fuzz_line} in {fuzz_seconds:.1f} s |"
    )
    print(
        f"| baseline: the hand-written matrix (facilities/tests/test_scope_matrix.py) | {hand_size} URLs, one account |"
    )
    return 0 if fuzz.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
