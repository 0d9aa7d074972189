"""The scope matrix, generated from the URL map (issue 20, mechanisms 3 and 4).

Every page, export, file and API route of the URL conf is requested, with its ids filled, by
accounts that own nothing in the demo city, one of every kind: staff of an empty county, street
and village, a carer with no order, a family with no link, and facility, provider and assessor
accounts that carry the whole city as their region (the fall-back that leaked) but have no
resident, order or team. Such an account must get 404 (or 403, for a page its role has no
business with) for every object of the city, on GET and on POST, and no row may change; the
administrator, who sees everything, opens the same URLs (the insider's half); every response it does get is scanned for unmasked identity, phone and bank
numbers. The demo's real accounts are crawled over the same URLs with the PII scanner: a full
number reaches only a role that may see it, and only with an audit entry.

A URL the matrix cannot place (a new parameter name, a new route) fails here until it is placed in
PARAMS, SKIPPED or SHARED below, with the reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from yanglao.accounts.models import ApiToken, User
from yanglao.accounts.services import _token_hash, credential_stamp
from yanglao.core import idnumber
from yanglao.core.models import AuditEntry
from yanglao.demo.generator import build_demo_city
from yanglao.facilities.models import Facility, Provider, Staff
from yanglao.regions.models import Region

TODAY = dt.date(2026, 11, 22)

# How each URL parameter is filled: ids of objects the blank accounts do not own (the demo city's
# first rows), codes of regions above or beside them.
PARAMS = {
    "pk": ["1", "2"],
    "elder_id": ["1", "2"],
    "elder_pk": ["1", "2"],
    "facility_id": ["1", "2"],
    "staff_id": ["1", "2"],
    "bed_id": ["1", "2"],
    "admission_id": ["1", "2"],
    "assessment_id": ["1", "2"],
    "contact_id": ["1"],
    "job_id": ["1"],
    "cycle_id": ["1", "2"],
    "alarm_id": ["1", "2"],
    "device_id": ["1", "2"],
    "order_id": ["1", "2"],
    "settlement_id": ["1"],
    "code": ["360200", "360203"],
    "fmt": ["csv", "xlsx"],
    "kind": ["elders"],
    "step": ["accept"],
    "indicator": ["JDZ-10", "JDZ-9"],
    "report_id": ["1"],
    "draw_id": ["1"],
    "facility_pk": ["1", "2"],
    "stage": ["before", "after"],
}
# Responses whose numbers are not a person's: the import template's example row (a made-up
# identity number with a valid check character, so that the example passes the check).
NOT_A_PERSON = {"imports:template"}
# Routes not requested, and why.
SKIPPED = {
    "alarms:stream": "server push that never ends; its events are read through the scoped "
    "alarms.selectors (alarms/tests/test_push_stream.py)",
    "logout": "ends the session the crawl runs in",
    "api:telemetry": "devices authenticate with their own key (alarms/tests/test_ingest.py)",
    "api:token": "issues tokens for a password (accounts/tests)",
}
# Objects that are shared down the region tree on purpose: a city's programme and its monthly cycle
# are open to the staff of every region below it; the cycle shows them only the entitlements of
# their own area (the PII scan below proves nobody else's person appears).
# Their buttons (approve, make the payment batch) refuse such staff by permission, and the write
# test's row count shows nothing changed.
SHARED = {
    "benefits:programme",
    "benefits:cycle",
    "benefits:cycle_progress",
    "benefits:cycle_export",
    "api:cycle_detail",
    "api:cycle_entitlements",
    "benefits:cycle_approve",
    "benefits:batch_create",
    "api:cycle_approve",
    # An indicator is a definition every region shares; its page shows the reader's own region
    # (another region is 404 through ?region=, indicators/tests/test_the_leadership_view_…).
    "indicators:detail",
    "indicators:gap",
    "indicators:target_new",
    # 一公开: a published draw is for everyone, without logging in
    "public:public_draw",
    "public:public_record",
}


def _routes():
    """(path template, name, parameter names) for every route outside the Django admin."""

    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace + (f"{p.namespace}:" if p.namespace else "")
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), namespace + (p.name or ""), p

    for template, name, _p in walk(get_resolver(), "", ""):
        if template.startswith(("admin/", "static/", "^")):
            continue
        yield template, name


PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _fill(template: str) -> list[str]:
    names = PARAM.findall(template)
    urls = [template]
    for name in names:
        values = PARAMS.get(name)
        assert values is not None, (
            f"{template}: the matrix cannot fill <{name}>: add it to PARAMS"
        )
        urls = [
            re.sub(rf"<(?:\w+:)?{name}>", v, u, count=1) for u in urls for v in values
        ]
    return ["/" + u for u in urls]


# --- the PII scanner -------------------------------------------------------------------------------

# Digits after a decimal point are a fraction, not a number a person has (a chart's or a map's
# coordinates: "29.13807981234" is no phone number), and digits inside a token of letters and digits
# (a uuid, the CSRF token, the CSP nonce) are part of that token. UnionPay card numbers: the demo's.
ID_NUMBER = re.compile(r"(?<![\dA-Za-z.])\d{17}[\dXx](?![\dA-Za-z])")
PHONE = re.compile(r"(?<![\dA-Za-z.])1[3-9]\d{9}(?![\dA-Za-z])")
BANK = re.compile(r"(?<![\dA-Za-z.])62\d{14,17}(?![\dA-Za-z])")


def response_text(response) -> str:
    """What a person would read: HTML, JSON and CSV as text, .xlsx cell by cell, a PDF's text."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if "pdf" in kind:
        import pypdfium2

        document = pypdfium2.PdfDocument(body)
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    return body.decode("utf-8-sig", errors="replace")


def unmasked_numbers(text: str) -> list[str]:
    found = [
        n
        for n in ID_NUMBER.findall(text)
        if idnumber.check_char(n[:17]) == n[17].upper()
    ]
    found += PHONE.findall(text)
    found += BANK.findall(text)
    return found


def test_the_scanner_reads_numbers_not_the_digits_inside_a_token():
    """A form's submission id (uuid hex), the CSRF token and the CSP nonce are letters and digits;
    a run of eleven digits inside one is no phone number (CI once failed on one)."""
    page = (
        '<input name="client_id" value="ab19227032778cdef0123456789abcde">'
        '<input name="csrfmiddlewaretoken" value="Zx6212345678901234567Q">'
    )
    assert unmasked_numbers(page) == []
    assert unmasked_numbers("联系电话：19227032778。") == ["19227032778"]
    assert unmasked_numbers("卡号 6212345678901234567") == ["6212345678901234567"]


# --- the city and its accounts ----------------------------------------------------------------------


def _account(username, role, region, **extra) -> User:
    user = User(
        username=username, role=role, region=region, full_name=username, **extra
    )
    user.set_unusable_password()
    user.save()
    return user


def _blank_accounts() -> dict[str, User]:
    """Accounts that own nothing, one of every kind: staff of an empty county, street and village
    (民政, 街道, 社区, 领导, 接警员, 值班长), a carer with no order, a family with no link, and the
    facility, provider, assessor and medical-liaison accounts that leaked — carrying the whole city
    as their region."""
    city = Region.objects.get(code="360200")
    street = Region.objects.get(code="360203001")
    empty = Region.objects.create(
        code="360203001999",
        name="空白社区",
        level=5,
        parent=street,
        is_urban=True,
        path=street.path + "360203001999/",
    )
    elsewhere = Region.objects.create(
        code="360203001998",
        name="空白村",
        level=5,
        parent=street,
        is_urban=True,
        path=street.path + "360203001998/",
    )
    county = Region.objects.create(
        code="360299", name="空白县", level=3, parent=city, path=city.path + "360299/"
    )
    empty_street = Region.objects.create(
        code="360299001",
        name="空白街道",
        level=4,
        parent=county,
        is_urban=True,
        path=county.path + "360299001/",
    )
    accounts = {
        "county": _account("blank-county", "civil_affairs", county),
        "street": _account("blank-street", "street", empty_street),
        "leader": _account("blank-leader", "leader", county),
        "lead": _account("blank-lead", "dispatch_lead", county),
        "carer": _account("blank-carer", "carer", None),
        "community": _account("blank-community", "community", empty),
        "operator": _account("blank-operator", "operator", empty),
        "facility": _account("blank-facility", "facility_admin", city),
        "provider": _account("blank-provider", "provider_admin", city),
        "assessor": _account("blank-assessor", "assessor", city),
        "family": _account("blank-family", "family", None),
        "liaison": _account("blank-liaison", "medical_liaison", city),
    }
    facility = Facility.objects.create(
        name="空白养老院",
        type="private_home",
        ownership="private",
        region=elsewhere,
        operator="某",
    )
    provider = Provider.objects.create(name="空白服务商", region=elsewhere)
    for user, place in (
        (accounts["facility"], {"facility": facility}),
        (accounts["provider"], {"provider": provider}),
    ):
        Staff.objects.create(
            name=user.username,
            id_number_enc="",
            id_number_hash=secrets.token_hex(16),
            sex="F",
            birth_date=dt.date(1980, 1, 1),
            role="manager",
            hired_on=TODAY,
            user=user,
            **place,
        )
    from yanglao.assessments.models import Agency, Assessor
    from yanglao.homecare.models import Carer

    carer_staff = Staff.objects.create(
        name="blank-carer",
        id_number_enc="",
        id_number_hash=secrets.token_hex(16),
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        role="carer",
        hired_on=TODAY,
        user=accounts["carer"],
        provider=provider,
    )
    Carer.objects.create(staff=carer_staff, provider=provider)

    from yanglao.medical.models import Liaison, MedicalInstitution

    clinic = MedicalInstitution.objects.create(
        name="空白卫生院", kind="township", region=empty_street
    )
    Liaison.objects.create(user=accounts["liaison"], institution=clinic)

    agency = Agency.objects.create(name="空白评估机构", region=city)
    Assessor.objects.create(user=accounts["assessor"], agency=agency)
    return accounts


def _ids_from_one() -> None:
    """The matrix fills ids 1 and 2: the city's first rows must have them. PostgreSQL's sequences
    go on counting across the tests' rolled-back transactions (SQLite's rowids start again), so
    they are set back first — otherwise every URL would ask for a row that does not exist, and
    every outsider's 404 would prove nothing (the insider's test below would say so)."""
    from django.core.management.color import no_style

    sequences = connection.introspection.sequence_list()
    statements = connection.ops.sequence_reset_by_name_sql(no_style(), sequences)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _an_import_job() -> None:
    """The demo imports nothing; one checked job of the administrator's for the import routes."""
    from yanglao.imports.models import ImportJob

    admin = User.objects.get(username="admin")
    ImportJob.objects.create(
        kind="elders",
        file_name="名单.xlsx",
        checksum="0" * 64,
        size=1,
        data=b"x",
        created_by=admin,
        status=ImportJob.Status.CHECKED,
        counts={},
        errors=[],
    )


def _bearer(user: User) -> Client:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_token_hash(key),
        expires_at=timezone.now() + dt.timedelta(days=1),
        credential_stamp=credential_stamp(user),
    )
    return Client(headers={"Authorization": f"Bearer {key}"})


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The demo city at a small scale with the blank accounts, built once for this module inside
    a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _ids_from_one()
            logins = build_demo_city(scale=0.003, today=TODAY, progress=lambda m: None)
            _an_import_job()
            yield {"blank": _blank_accounts(), "logins": logins}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client_for(user: User, url: str) -> Client:
    return _bearer(user) if url.startswith("/api/") else _session(user)


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — table names only
            counts[table] = cursor.fetchone()[0]
    return counts


def _placed(name: str, template: str = "") -> str:
    if name in SKIPPED:
        return "skip"
    if name in SHARED:
        return "shared"
    if set(PARAM.findall(template)) <= LIST_PARAMS:
        return "list"
    return "scoped"


# Parameters that choose a file format or a template, not an object: such a URL is a list (an
# export), answered 200 with the rows in the user's scope — none, for the accounts that own nothing.
LIST_PARAMS = {"fmt", "kind"}


def data_rows(text: str) -> list[str]:
    """The rows of an export below its header (CSV lines or .xlsx rows as read above), less the
    blank accounts' own records (named 空白… and blank-…)."""
    return [
        line
        for line in text.splitlines()[1:]
        if line.strip(" ,") and "空白" not in line and "blank-" not in line
    ]


@pytest.mark.django_db
def test_accounts_that_own_nothing_get_404_for_every_object_of_the_city(city):
    leaks, crashes, pii, size = [], [], [], 0
    for who, user in city["blank"].items():
        clients = {"page": _session(user), "api": _bearer(user)}
        for template, name in _routes():
            if "<" not in template or _placed(name, template) == "skip":
                continue
            for url in _fill(template):
                client = clients["api" if url.startswith("/api/") else "page"]
                response = client.get(url)
                size += 1
                if response.status_code == 401:  # the crawl's own token must work
                    crashes.append(
                        f"{who} GET {url} → 401 (the crawl is not logged in)"
                    )
                elif response.status_code >= 500:
                    crashes.append(f"{who} GET {url} → {response.status_code}")
                elif response.status_code == 200:
                    text = response_text(response)
                    numbers = unmasked_numbers(text)
                    if numbers and name not in NOT_A_PERSON:
                        pii.append(f"{who} GET {url}: {numbers[:3]}")
                    placed = _placed(name, template)
                    if placed == "scoped":
                        leaks.append(f"{who} GET {url} ({name}) → 200")
                    elif (
                        placed == "list"
                        and name != "imports:template"
                        and data_rows(text)
                    ):
                        leaks.append(f"{who} GET {url} ({name}): {data_rows(text)[:2]}")
    assert crashes == []
    assert leaks == [], "\n".join(leaks)
    assert pii == []
    assert size > 500


MISSING = "987654321"  # an id no table reaches


def _as_missing(url: str, template: str) -> str:
    """The same URL with every object id replaced by one that does not exist."""
    out = template
    for name in PARAM.findall(template):
        value = MISSING if PARAMS[name][0].isdigit() else "999999"
        out = re.sub(rf"<(?:\w+:)?{name}>", value, out, count=1)
    return "/" + out


def _send(client, method: str, url: str):
    if url.startswith("/api/"):
        return getattr(client, method)(url, "{}", content_type="application/json")
    return client.post(url, {})


@pytest.mark.django_db
def test_writes_by_accounts_that_own_nothing_change_nothing(city):
    """A write to another's object is refused (403/404/405) or answered exactly as for an object
    that does not exist (an API body refused by its schema says nothing about the object); and
    not one row of the database changes."""
    refused = {403, 404, 405}
    wrong, before = [], _row_counts()
    for who, user in city["blank"].items():
        clients = {"page": _session(user), "api": _bearer(user)}
        for template, name in _routes():
            if "<" not in template or _placed(name, template) != "scoped":
                continue
            for url in _fill(template):
                is_api = url.startswith("/api/")
                client = clients["api" if is_api else "page"]
                for method in ("post", "patch", "delete") if is_api else ("post",):
                    response = _send(client, method, url)
                    assert response.status_code != 401, (
                        f"{who}: the crawl is not logged in"
                    )
                    if response.status_code in refused:
                        continue
                    missing = _send(client, method, _as_missing(url, template))
                    same = (response.status_code, response.content) == (
                        missing.status_code,
                        missing.content,
                    )
                    if not same or response.status_code < 400:
                        wrong.append(
                            f"{who} {method.upper()} {url} → {response.status_code}"
                        )
    assert wrong == [], "\n".join(wrong)
    after = _row_counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    changed.pop(AuditEntry._meta.db_table, None)  # log-ins of the crawl's own accounts
    changed.pop(ApiToken._meta.db_table, None)
    changed.pop("django_session", None)  # the crawl's own log-ins
    assert changed == {}


@pytest.mark.django_db
@pytest.mark.parametrize("half", [0, 1], ids=["first-half", "second-half"])
def test_full_numbers_reach_only_those_who_may_see_them(city, half):
    """Every demo account crawls every list, export and the first objects' pages: an unmasked
    number in a response is a failure unless the account may see numbers in full and the request
    wrote an audit entry. (In two halves of the accounts, so that two workers share the crawl.)"""
    from yanglao.core import permissions

    found = []
    usernames = sorted({a["username"] for a in city["logins"]})[half::2]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for username, user in users.items():
        clients = {"page": _session(user), "api": _bearer(user)}
        for template, name in _routes():
            if _placed(name) == "skip" or name in NOT_A_PERSON:
                continue
            for url in _fill(template):
                client = clients["api" if url.startswith("/api/") else "page"]
                last = (
                    AuditEntry.objects.order_by("-pk")
                    .values_list("pk", flat=True)
                    .first()
                )
                response = client.get(url)
                assert response.status_code != 401, (
                    f"{username}: the crawl is not logged in"
                )
                if response.status_code != 200:
                    continue
                text = response_text(response)
                title = re.search(r"<title>(.*?)</title>", text, re.S)
                if title and "<" in title.group(1):  # a page's title with markup in it
                    found.append(f"{username} GET {url}: <title> holds markup")
                numbers = unmasked_numbers(text)
                if not numbers:
                    continue
                audited = AuditEntry.objects.filter(
                    pk__gt=last or 0, actor=user
                ).exists()
                if not (permissions.may_view_full_pii(user) and audited):
                    found.append(f"{username} GET {url}: {numbers[:3]}")
    assert found == [], "\n".join(found)


# A form that would change something: any POST form but the header's own (退出, the language) and
# a form shown read-only (`inert`: an assessment's answers shown to a reader).
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE)
HEADER_FORM_ACTIONS = ("/logout/", "/text-size/")  # the reader's own session and 字号


def forms_that_change(html: str) -> list[str]:
    return [
        form
        for form in POST_FORM.findall(html)
        if " inert" not in form and not any(a in form for a in HEADER_FORM_ACTIONS)
    ]


@pytest.mark.django_db
def test_the_read_only_leader_is_shown_no_form(city):
    """领导 sees the city's records but no form that would change them, not even by URL (issue 20,
    finding 2): every page of the URL map, filled with the city's objects, is 403, 404, or a page
    without a POST form."""
    leader = User.objects.get(username="leader")
    client, opened = _session(leader), []
    for template, name in _routes():
        # the public pages (一公开, the complaint form) are for everyone: a leader may complain too
        if template.startswith("api/") or name.startswith("public:"):
            continue
        for url in _fill(template):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get(
                "Content-Type", ""
            ):
                continue
            forms = forms_that_change(response.content.decode())
            if forms:
                opened.append(f"{url} ({name}): {forms[0]}")
    assert opened == [], "\n".join(opened)


# Routes whose objects the demo city does not make (nothing to open as the insider).
NO_DEMO_OBJECT = {
    "visits:photo": "no demo visit has a photo (visits/tests cover it)",
    "homecare:order_photo": "no demo order has a photo (homecare/tests/test_api_pages.py)",
    "benefits:bank_file": "needs ?bank=… (benefits/tests/test_batch_scope.py)",
    "homecare:canteen": "ids 1 and 2 are not canteens (homecare/tests cover the meal pages)",
    "supervision:inspection_photo": "no demo inspection has a photo "
    "(supervision/tests/test_evidence_photos_are_kept_with_their_item.py)",
}


@pytest.mark.django_db
def test_the_insider_opens_what_the_outsiders_could_not(city):
    """The other half of the matrix: the same filled URLs answer the administrator (who sees
    everything) with the page, the file or the JSON — so the outsiders' 404s above are refusals,
    not routes that fail for everyone."""
    admin = User.objects.get(username="admin")
    clients = {"page": _session(admin), "api": _bearer(admin)}
    closed = []
    for template, name in _routes():
        if (
            "<" not in template
            or _placed(name, template) != "scoped"
            or name in NO_DEMO_OBJECT
        ):
            continue
        answers = set()
        for url in _fill(template):
            response = clients["api" if url.startswith("/api/") else "page"].get(url)
            answers.add(response.status_code)
        if not answers & {200, 405}:
            closed.append(f"{template} ({name}): {sorted(answers)}")
    assert closed == [], "\n".join(closed)
