"""The city's 适老化改造 programme (an item programme of the benefits engine: 60+ in a 特困, 低保 or
低收入 household, basic items paid in full up to 3,000 元), its price list, a contractor with its
administrator, and an assessor."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.benefits import services as benefits
from yanglao.conftest import make_user, valid_id
from yanglao.facilities.conftest import home  # noqa: F401  (a fixture)
from yanglao.facilities.models import Provider
from yanglao.facilities.services import staff_hire
from yanglao.homesupport import services

PRICES = {"F01": 8000, "W01": 15000, "W05": 12000, "B02": 20000, "A06": 30000}
PRICES |= {"W02": 60000, "A07": 25000, "E01": 5000}
CEILING_FEN = 300000


@pytest.fixture
def shilaohua(users, regions):
    alice, city = users["alice"], regions["city"]
    programme = benefits.programme_create(
        by=alice,
        code="shilaohua",
        name="居家适老化改造补贴",
        region=city,
        unit="item",
        funding={"city": 50, "county": 50},
    )
    benefits.version_create(
        by=alice,
        programme=programme,
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        effective_to=None,
        conditions={"min_age": 60, "categories_any": ["tekun", "dibao", "dibao_edge"]},
        amount={"by": "flat", "flat_fen": CEILING_FEN, "share_percent": 100},
    )
    services.price_list_adopt(by=alice, region=city, prices=PRICES)
    return programme


@pytest.fixture
def contractor(users, regions):
    firm = Provider.objects.create(name="安居适老化工程公司", region=regions["zhushan"])
    boss = make_user("builder", "provider_admin", None)
    head = staff_hire(
        by=users["admin"],
        name="施工负责人",
        id_number=valid_id("360203", dt.date(1980, 1, 1), 31),
        role="director",
        hired_on=dt.date(2024, 1, 1),
        provider=firm,
    )
    head.user = boss
    head.save()
    return firm, boss


@pytest.fixture
def assessor(regions):
    return make_user("pinggu", "assessor", None)


@pytest.fixture
def chuanxi(users, regions):
    """喘息服务: people at home with 重度失能 or worse, 21 days a year, 100 元 a day to the
    institution."""
    alice = users["alice"]
    programme = benefits.programme_create(
        by=alice,
        code="chuanxi",
        name="喘息服务补贴",
        region=regions["city"],
        unit="item",
        funding={"city": 100},
    )
    benefits.version_create(
        by=alice,
        programme=programme,
        version="2025",
        effective_from=dt.date(2025, 1, 1),
        effective_to=None,
        conditions={"min_level": 3, "in_institution": False},
        amount={"by": "flat", "flat_fen": 10000, "per_year": 21},
    )
    return programme


def assess(users, elder, level):
    from yanglao.assessments.models import GBT_42195
    from yanglao.assessments.services import assessment_record_historical

    assessment_record_historical(
        by=users["alice"],
        elder=elder,
        standard=GBT_42195,
        assessed_on=dt.date.today() - dt.timedelta(days=30),
        final_level=level,
    )
