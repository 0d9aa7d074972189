"""Payment batches and bank files (issue 20, finding 1): a city's batch lists every payee of the
city with their bank account, so only the bureau staff whose area holds the whole city open it.
Staff of a county, street or community below, facility, provider and assessor accounts get 404;
the full identity number is shown only when asked for by one who may see it; the audit says what left."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits import services
from yanglao.benefits.conftest import months_ago, run_cycle
from yanglao.conftest import client_for, make_user
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ACCOUNT = "6228480012345678"


@pytest.fixture
def batch(users, staff, regions, programmes, person):
    a = person(name="甲老人", birth=dt.date(1925, 1, 1))
    services.bank_account_set(
        by=users["alice"],
        elder=a,
        bank="中国农业银行",
        holder="甲老人",
        account=ACCOUNT,
    )
    cycle = run_cycle(users["alice"], months_ago(2), regions["city"])
    cycle = services.cycle_approve(
        by=staff["amy"], cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"]
    )
    made, _missing, _held = services.payment_batch_create(
        by=users["alice"], cycle=cycle
    )
    return made


@pytest.fixture
def outsiders(users, staff, regions):
    return {
        "county": users["bob"],
        "street": staff["sam"],
        "community": staff["cid"],
        "leader": users["leader"],
        "facility": make_user("fac", "facility_admin", regions["zhushan"]),
        "provider": make_user("prov", "provider_admin", regions["zhushan"]),
        "assessor": make_user("asr", "assessor", regions["zhushan"]),
        "operator": make_user("op", "operator", regions["city"]),
    }


def _file(client, batch, **extra):
    return client.get(
        f"/benefits/batches/{batch.pk}/file.csv", {"bank": "中国农业银行", **extra}
    )


def test_city_bureau_opens_the_batch_and_its_bank_file(users, batch):
    alice = client_for(users["alice"])
    assert alice.get(f"/benefits/batches/{batch.pk}/").status_code == 200
    response = _file(alice, batch)
    assert response.status_code == 200
    assert ACCOUNT in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    "who",
    [
        "county",
        "street",
        "community",
        "leader",
        "facility",
        "provider",
        "assessor",
        "operator",
    ],
)
def test_nobody_below_the_city_or_outside_the_bureau_sees_it(outsiders, batch, who):
    client = client_for(outsiders[who])
    assert client.get(f"/benefits/batches/{batch.pk}/").status_code == 404
    assert _file(client, batch).status_code == 404
    assert _file(client, batch, full="1").status_code == 404


def test_identity_numbers_are_masked_unless_asked_for_in_full(users, batch):
    alice = client_for(users["alice"])
    elder_id = batch.entries.first().elder.id_number
    body = b"".join(_file(alice, batch).streaming_content).decode("utf-8-sig")
    assert elder_id not in body
    assert elder_id[:4] + "*" in body
    body = b"".join(_file(alice, batch, full="1").streaming_content).decode("utf-8-sig")
    assert elder_id in body


def test_the_audit_says_the_bank_accounts_left_in_full(users, batch):
    _file(client_for(users["alice"]), batch)
    entry = AuditEntry.objects.filter(object_type="benefits.payment").latest("pk")
    assert "完整银行账号" in entry.summary
    assert entry.after["full_bank_accounts"] is True
