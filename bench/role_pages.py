"""Benchmark: every page each demo role reaches from its menu, over HTTP, on the full demo city.

For each database: start `yanglao serve` (gunicorn, 2 workers) on a city an earlier
`registry_list.py` run built (its var dir), log in as every demo account, and crawl from the role's
home: the menu's pages, then every same-site link on them (a page's tabs, its first records, its
filters' shortcuts), two levels deep, without forms, files or the log-out. Each page is fetched
`--repeat` times; the figure is the p50/p95 over pages of each page's median time, and every page
above the target (300 ms) is listed. Baseline in the same run: the log-in page (the framework's
floor).

    uv run python bench/role_pages.py --reuse-sqlite VAR_DIR [--reuse-pg VAR_DIR --pg URL]

Prints a table; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import Session, percentile, wait_for  # noqa: E402

TARGET_MS = 300
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(
    r"^/(static|media|admin|api|i18n|logout|favicon)|export|\.(csv|xlsx|pdf|json|png|jpg)"
    r"|/file|/photo|/stream|/events|/progress|/status|/template|errors\.xlsx|\?.*page="
)


def crawl(session: Session, start: str, limit: int) -> list[str]:
    """Pages two links deep from the home and the menu, in the order found."""
    status, body = session.request("GET", start)
    menu = re.search(r'<nav class="main-nav".*?</nav>', body, re.S)
    level = [start] + (LINK.findall(menu.group(0)) if menu else [])
    seen: list[str] = []
    for _depth in range(2):
        following = []
        for url in level:
            url = url.replace("&amp;", "&")
            if url in seen or SKIP.search(url) or len(seen) >= limit:
                continue
            status, body = session.request("GET", url)
            if status != 200 or "<html" not in body[:200]:
                continue
            seen.append(url)
            main = body.split("<main>", 1)[-1]
            following += LINK.findall(main)[:40]
        level = following
    return seen


def timed(session: Session, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        status, _body = session.request("GET", url)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, (url, status)
    return statistics.median(times)


def run(label: str, var: Path, db_url: str, port: int, repeat: int, limit: int):
    env = dict(
        os.environ,
        YANGLAO_VAR_DIR=str(var),
        YANGLAO_DEBUG="false",
        YANGLAO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    env.pop("YANGLAO_DATABASE_URL", None)
    if db_url:
        env["YANGLAO_DATABASE_URL"] = db_url
    subprocess.run(
        [sys.executable, "-m", "yanglao.cli", "migrate"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    accounts, roles = [], set()
    for account in json.loads((var / "demo-logins.json").read_text())["accounts"]:
        if account["role"] not in roles:  # the first demo account of each role
            roles.add(account["role"])
            accounts.append(account)
    server = subprocess.Popen(
        [sys.executable, "-m", "yanglao.cli", "serve", "--port", str(port)]
        + ["--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows, slow = [], []
    try:
        wait_for(port)
        floor = Session(port)
        login_ms = [timed(floor, "/login/", 1) for _ in range(30)]
        for account in accounts:
            if account["username"] == "admin":
                continue
            session = Session(port)
            session.login(account["username"], account["password"])
            pages = crawl(session, "/", limit)
            for url in pages:
                ms = timed(session, url, repeat)
                rows.append(ms)
                if ms > TARGET_MS:
                    slow.append((account["username"], url, ms))
        print(
            f"| {label} | every page from every role's menu ({len(accounts) - 1} roles) "
            f"| {percentile(rows, 50):.0f} | {percentile(rows, 95):.0f} | {len(rows)} |"
        )
        print(
            f"| {label} | baseline: the log-in page | {percentile(login_ms, 50):.0f} "
            f"| {percentile(login_ms, 95):.0f} | {len(login_ms)} |"
        )
        for username, url, ms in sorted(slow, key=lambda s: -s[2]):
            print(f"|  | above {TARGET_MS} ms: {username} {url} | {ms:.0f} | | |")
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse-sqlite", default="")
    parser.add_argument("--reuse-pg", default="")
    parser.add_argument("--pg", default="")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=60, help="pages per account")
    opts = parser.parse_args()
    print("| database | case | p50 (ms) | p95 (ms) | n |\n|---|---|---:|---:|---:|")
    if opts.reuse_sqlite:
        run("SQLite", Path(opts.reuse_sqlite), "", 8111, opts.repeat, opts.limit)
    if opts.reuse_pg:
        run("PostgreSQL", Path(opts.reuse_pg), opts.pg, 8112, opts.repeat, opts.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
