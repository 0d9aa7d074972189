"""What the full-city benchmarks share: building (or reusing) the demo city on SQLite or
PostgreSQL, starting `yanglao serve` on it, and a logged-in HTTP session."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path


def timed(fn, n: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of `fn(i)` called for i in range(n)."""
    import time

    samples = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def city_env(label: str, db_url: str | None, reuse: str = "") -> tuple[dict, Path]:
    """The environment of a city's processes, and its var dir (new, or an earlier run's)."""
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
    return env, var


def build_or_migrate(env: dict, scale: float, reuse: bool) -> float | None:
    """Build the demo city (seconds it took), or bring an earlier run's up to date (None)."""
    if reuse:
        subprocess.run(
            [sys.executable, "-m", "yanglao.cli", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return None
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
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def logins(var: Path) -> dict[str, str]:
    doc = json.loads((var / "demo-logins.json").read_text())
    return {a["username"]: a["password"] for a in doc["accounts"]}


@contextlib.contextmanager
def server(env: dict, port: int, workers: int = 2):
    """`yanglao serve` on the city, stopped on leaving."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield
    finally:
        process.terminate()
        process.wait()


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request(
                "GET", "/login/"
            )
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


class Session:
    """A keep-alive HTTP session with Django's log-in form (CSRF cookie + session cookie)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, str]:
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closes idle keep-alive connections after a few seconds: reconnect once
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return self._request(method, path, body)

    def _request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/login/"
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        for key, value in resp.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return resp.status, text

    def login(self, username: str, password: str) -> None:
        _s, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        status, _ = self.request("POST", "/login/", body)
        assert status == 302, f"log-in failed for {username}: {status}"

    def timed(self, path: str, n: int) -> list[float]:
        """Seconds for `n` GETs of `path` after two to warm up; each must answer 200."""
        for _ in range(2):
            self.request("GET", path)
        times = []
        for _ in range(n):
            started = time.perf_counter()
            status, _text = self.request("GET", path)
            times.append(time.perf_counter() - started)
            assert status == 200, (path, status)
        return times
