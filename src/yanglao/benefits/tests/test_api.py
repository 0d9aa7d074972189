"""The subsidy API: rules in Chinese, checking a person, a cycle started, followed, approved by
someone else and read with its explanations; scope and refusals as JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits.conftest import months_ago

pytestmark = pytest.mark.django_db


def test_cycle_through_the_api(users, staff, regions, programmes, person, api_token):
    old = person(name="钱百岁", birth=dt.date(1925, 6, 1))
    alice, amy = api_token(users["alice"]), api_token(staff["amy"])
    rules = {
        p["code"]: p for p in alice.get("/api/v1/benefits/programmes").json()["items"]
    }
    assert "年满 80 周岁（按当月1日计）" in rules["gaoling"]["rules"][0]
    check = alice.post(
        "/api/v1/benefits/check",
        {"elder_id": old.pk, "month": str(months_ago(1))},
        content_type="application/json",
    ).json()
    gaoling = next(d for d in check if d["programme"] == "高龄津贴")
    assert (
        gaoling["eligible"]
        and gaoling["amount_fen"] == 40000
        and ["户籍在景德镇市", True] in gaoling["explanation"]
    )
    r = alice.post(
        "/api/v1/benefits/cycles",
        {"month": str(months_ago(1)), "region_code": "360200"},
        content_type="application/json",
    )
    assert r.status_code == 202
    cycle = r.json()
    assert (
        cycle["status"] == "computed" and cycle["totals"]["total_fen"] == 40000
    )  # tasks run at once in tests
    confirm = {"confirmed_total_fen": 40000}
    refused = alice.post(
        f"/api/v1/benefits/cycles/{cycle['id']}/approve",
        confirm,
        content_type="application/json",
    )
    assert refused.status_code == 422 and "计算人不能审批" in str(refused.json())
    assert (
        amy.post(
            f"/api/v1/benefits/cycles/{cycle['id']}/approve",
            confirm,
            content_type="application/json",
        ).json()["approved_by"]
        == "amy"
    )
    rows = alice.get(f"/api/v1/benefits/cycles/{cycle['id']}/entitlements").json()
    assert rows["total"] == 1 and rows["items"][0]["funding_fen"] == {
        "city": 20000,
        "county": 20000,
        "town": 0,
    }
    assert "100+岁档 400.00 元/月" in rows["items"][0]["explanation"]
    assert (
        alice.get(f"/api/v1/benefits/elders/{old.pk}/entitlements").json()["items"][0][
            "amount_fen"
        ]
        == 40000
    )
    bad = alice.post(
        "/api/v1/benefits/cycles",
        {"month": str(months_ago(1)), "region_code": "999999"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "region_code" in str(bad.json())
    dave = api_token(users["dave"])  # 浮梁县: the city's cycle is not his
    assert dave.get(f"/api/v1/benefits/elders/{old.pk}/entitlements").status_code == 404
