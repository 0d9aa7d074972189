"""Jingdezhen-style programmes for the test city: 高龄津贴 (automatic, by age), 特困照料护理费
(automatic, by level), 养老服务补贴 (on application, three approval steps) and the institution
operating subsidy (per resident, paid to the institution)."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits import services
from yanglao.conftest import make_user
from yanglao.core.dates import add_months
from yanglao.facilities.conftest import home  # noqa: F401  (a fixture)

FROM = dt.date(2025, 1, 1)


def this_month() -> dt.date:
    from django.utils import timezone

    return timezone.localdate().replace(day=1)


def months_ago(n: int) -> dt.date:
    return add_months(this_month(), -n)


@pytest.fixture
def staff(users, regions):
    """A second bureau clerk to approve cycles, a street clerk for the middle approval step."""
    return {
        "amy": make_user("amy", "civil_affairs", regions["city"]),
        "sam": make_user("sam", "street", regions["street"]),
        "cid": make_user("cid", "community", regions["tangping"]),
    }


@pytest.fixture
def programmes(users, regions):
    alice, city = users["alice"], regions["city"]
    made = {}
    made["gaoling"] = services.programme_create(
        by=alice,
        code="gaoling",
        name="高龄津贴",
        region=city,
        funding={"city": 50, "county": 50},
        order=10,
    )
    services.version_create(
        by=alice,
        programme=made["gaoling"],
        version="2025",
        effective_from=FROM,
        effective_to=None,
        conditions={"min_age": 80, "hukou_local": True},
        amount={
            "by": "age",
            "tiers": [
                {"low": 80, "high": 89, "amount_fen": 5000},
                {"low": 90, "high": 99, "amount_fen": 10000},
                {"low": 100, "high": None, "amount_fen": 40000},
            ],
        },
    )
    made["tekun_care"] = services.programme_create(
        by=alice, code="tekun_care", name="特困人员照料护理费", region=city, order=5
    )
    services.version_create(
        by=alice,
        programme=made["tekun_care"],
        version="2025",
        effective_from=FROM,
        effective_to=None,
        conditions={"categories_any": ["tekun"]},
        amount={
            "by": "level",
            "tiers": [
                {"low": 0, "high": 0, "amount_fen": 7000},
                {"low": 1, "high": 2, "amount_fen": 30000},
                {"low": 3, "high": 4, "amount_fen": 120000},
            ],
        },
    )
    made["fuwu"] = services.programme_create(
        by=alice,
        code="fuwu",
        name="养老服务补贴",
        region=city,
        needs_application=True,
        steps=["community", "street", "civil_affairs"],
        order=20,
    )
    services.version_create(
        by=alice,
        programme=made["fuwu"],
        version="2025",
        effective_from=FROM,
        effective_to=None,
        conditions={
            "min_age": 60,
            "categories_any": ["dibao", "dibao_edge"],
            "excludes": ["tekun_care"],
        },
        amount={"by": "flat", "flat_fen": 5000},
    )
    made["yunying"] = services.programme_create(
        by=alice,
        code="yunying",
        name="养老机构运营补贴",
        region=city,
        unit="institution",
        order=30,
    )
    services.version_create(
        by=alice,
        programme=made["yunying"],
        version="2025",
        effective_from=FROM,
        effective_to=None,
        conditions={"in_institution": True, "min_level": 1},
        amount={
            "by": "level",
            "tiers": [
                {"low": 1, "high": 2, "amount_fen": 10000},
                {"low": 3, "high": 4, "amount_fen": 20000},
            ],
        },
    )
    return made


def run_cycle(by, month, region):
    cycle = services.cycle_start(by=by, month=month, region=region)
    return services.cycle_run(cycle.pk)


@pytest.fixture
def person(make_elder, regions):
    """An older person whose 户籍 is where they live."""

    def make(region="tangping", **kw):
        return make_elder(region=region, hukou_region=regions[region].code, **kw)

    return make
