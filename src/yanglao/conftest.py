"""Shared fixtures: a small region tree and one user per level of access.

Two counties under one city: 珠山区 (with 周路口街道 → 塘坪社区, 新村社区) and 浮梁县 (浮梁镇 → 旧城村).
`alice` works for the city, `bob` for 珠山区, `carol` for 塘坪社区, `dave` for 浮梁县.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.test import Client

from yanglao.accounts.models import User
from yanglao.core import idnumber
from yanglao.elders.services import elder_create
from yanglao.regions.models import Region

PASSWORD = "Corr3ct-horse-battery"


class CheapArgon2Hasher(Argon2PasswordHasher):
    """Still argon2 (the tests check the stored format), with costs low enough for fast tests."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures (home page) and API tokens found valid must not leak from one test into the
    next."""
    from yanglao.accounts.services import api_tokens_forget

    cache.clear()
    api_tokens_forget()
    yield
    cache.clear()
    api_tokens_forget()


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run in the request that enqueues them (the worker is tested by its own
    test); pages then show the finished job."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _ledger_emptied_before_flush(request):
    """The payments ledger refuses DELETE (a database trigger). Tests that commit (live server,
    transactional_db) end with a flush, which on SQLite deletes row by row: for those tests the
    ledger is emptied first with the trigger lifted and put back. (PostgreSQL flushes with
    TRUNCATE, which row triggers do not see.)"""
    if "transactional_db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue(
        "transactional_db"
    )  # set up first, so torn down (flushed) after this
    yield
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module(
        "yanglao.benefits.migrations.0002_ledger_append_only"
    )
    with connection.cursor() as cursor:
        for sql in guard.SQLITE_DROP:
            cursor.execute(sql)
        cursor.execute("DELETE FROM benefits_ledgerentry")
        for sql in guard.SQLITE:
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["yanglao.conftest.CheapArgon2Hasher"]


def make_region(code, name, level, parent=None, urban=None, **extra) -> Region:
    region = Region(
        code=code, name=name, level=level, parent=parent, is_urban=urban, **extra
    )
    region.path = (parent.path if parent else "") + code + "/"
    region.save()
    return region


@pytest.fixture
def regions(db):
    province = make_region("360000", "江西省", 1)
    city = make_region("360200", "景德镇市", 2, province)
    zhushan = make_region("360203", "珠山区", 3, city)
    street = make_region("360203001", "周路口街道", 4, zhushan, True)
    tangping = make_region(
        "360203001001", "塘坪社区", 5, street, True, population=5000, population_60=800
    )
    xincun = make_region("360203001002", "新村社区", 5, street, True)
    fuliang = make_region("360222", "浮梁县", 3, city)
    town = make_region("360222101", "浮梁镇", 4, fuliang, False)
    jiucheng = make_region("360222101201", "旧城村", 5, town, False)
    return {
        "province": province,
        "city": city,
        "zhushan": zhushan,
        "street": street,
        "tangping": tangping,
        "xincun": xincun,
        "fuliang": fuliang,
        "town": town,
        "jiucheng": jiucheng,
    }


def make_user(username: str, role: str, region: Region | None, **extra) -> User:
    user = User(
        username=username, role=role, region=region, full_name=username, **extra
    )
    user.is_superuser = user.is_staff = role == "admin"
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(regions):
    return {
        "admin": make_user("root", "admin", None),
        "alice": make_user("alice", "civil_affairs", regions["city"]),
        "bob": make_user("bob", "civil_affairs", regions["zhushan"]),
        "carol": make_user("carol", "community", regions["tangping"]),
        "dave": make_user("dave", "civil_affairs", regions["fuliang"]),
        "leader": make_user("lee", "leader", regions["city"]),
    }


def valid_id(address="360203", birth=dt.date(1945, 3, 8), seq=13) -> str:
    return idnumber.make(address, birth, seq)


@pytest.fixture
def make_elder(users, regions):
    counter = {"n": 0}

    def make(
        name="王秀英", region="tangping", birth=dt.date(1945, 3, 8), sex="F", **extra
    ):
        counter["n"] += 1
        seq = counter["n"] * 2 + (1 if sex == "M" else 0)
        return elder_create(
            by=users["admin"],
            name=name,
            id_number=valid_id(regions[region].code[:6], birth, seq),
            residence_region=regions[region].code,
            **extra,
        )

    return make


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api_token(db):
    """A client that sends the bearer token a user gets from POST /api/v1/auth/token."""

    def make(user: User) -> Client:
        r = Client().post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        return Client(headers={"Authorization": f"Bearer {r.json()['token']}"})

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium():
    """A real headless Chromium (Playwright with the system browser). CI installs it (.ci/run);
    on a developer machine without it the browser tests skip, saying so; in CI they fail."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing in CI")
        pytest.skip(f"needs {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs a loop
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _no_lingering_connections(django_db_setup, django_db_blocker):
    """The live server's request threads (browser tests) may leave PostgreSQL sessions open;
    end them before the test database is dropped, so teardown is clean."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


AXE_SERIOUS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '));
}"""


# What Chromium logs for a request made while a test has taken the phone off the network (the
# offline-tolerant forms are meant to meet it): not the page's error.
OFFLINE = "net::ERR_INTERNET_DISCONNECTED"


class DayWatch:
    """What every page of a role's day must hold (issue 21 §11), collected as the day goes and
    asserted at its end: no console error or failed resource, nothing wider than the screen, no
    serious or critical axe-core violation (axe-core as packaged on PyPI by axe-playwright-python,
    evaluated through DevTools so the page's Content-Security-Policy stays on)."""

    def __init__(self):
        import axe_playwright_python

        self.axe = (
            Path(axe_playwright_python.__file__).parent / "axe.min.js"
        ).read_text()
        self.found: list[str] = []

    def follow(self, page, who: str):
        """Record the page's console errors and failed responses from now on."""
        page.on(
            "console",
            lambda m: (
                self.found.append(f"{who}: {m.text}")
                if m.type == "error" and OFFLINE not in m.text
                else None
            ),
        )
        page.on(
            "response",
            lambda r: (
                self.found.append(f"{who}: {r.status} {r.url}")
                if r.status >= 400
                else None
            ),
        )
        return page

    def check(self, page, who: str) -> None:
        """The page as it is now: fits the screen, no serious accessibility violation."""
        label = f"{who} {page.url}"
        wider = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        if wider > 0:
            self.found.append(f"{label}: {wider}px wider than the screen")
        page.evaluate(self.axe)
        self.found += [f"{label}: axe {v}" for v in page.evaluate(AXE_SERIOUS)]

    def assert_clean(self) -> None:
        assert self.found == [], "\n".join(self.found)


@pytest.fixture
def day_watch():
    return DayWatch()
