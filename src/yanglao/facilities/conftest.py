import datetime as dt

import pytest

from yanglao.facilities.services import bed_create, facility_create


@pytest.fixture
def home(users, regions):
    """A 敬老院 in 塘坪社区 with two beds (one 护理型)."""
    facility = facility_create(
        by=users["admin"],
        name="塘坪敬老院",
        type="tekun_home",
        ownership="public",
        region="360203001001",
    )
    bed_create(by=users["admin"], facility=facility, code="1-101-1", kind="nursing")
    bed_create(by=users["admin"], facility=facility, code="1-101-2")
    return facility


@pytest.fixture
def far_home(users, regions):
    return facility_create(
        by=users["admin"],
        name="浮梁镇敬老院",
        type="tekun_home",
        ownership="public",
        region="360222101201",
    )


DAY = dt.date(2026, 3, 1)
