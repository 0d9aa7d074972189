"""Each role lands on its own work (issue 21, "a home per role"), and its menu shows only what it
can use: bureau staff and the leader get their region's dashboard; a facility admin 我的机构; a
provider its orders; an assessor 我的评估; an operator the 接警台 and the shift lead 值班监控."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from yanglao.conftest import client_for, make_user
from yanglao.facilities.models import Facility, Provider, Staff

pytestmark = pytest.mark.django_db


def _staff_of(user, **place):
    Staff.objects.create(
        name=user.username,
        id_number_enc="",
        id_number_hash=secrets.token_hex(16),
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        role="director",
        hired_on=dt.date(2020, 1, 1),
        user=user,
        **place,
    )


def _lands(user) -> str:
    response = client_for(user).get("/")
    return response["Location"] if response.status_code == 302 else "dashboard"


def test_bureau_staff_and_the_leader_get_their_regions_dashboard(users):
    assert _lands(users["alice"]) == "dashboard"
    assert _lands(users["leader"]) == "dashboard"
    assert _lands(users["carol"]) == "dashboard"


def test_a_facility_admin_lands_on_their_facility(regions):
    home = Facility.objects.create(
        name="颐养院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
    )
    admin = make_user("fa", "facility_admin", regions["zhushan"])
    _staff_of(admin, facility=home)
    assert _lands(admin) == f"/facilities/{home.pk}/"
    menu = client_for(admin).get(f"/facilities/{home.pk}/").content.decode()
    assert "我的机构" in menu
    assert "探访关爱" not in menu
    assert "行政区划" not in menu


@pytest.mark.parametrize(
    "role, place",
    [
        ("provider_admin", "/homecare/orders/"),
        ("assessor", "/assessments/"),
        ("operator", "/alarms/"),
        ("dispatch_lead", "/alarms/supervisor/"),
        ("family", "/homecare/"),
    ],
)
def test_other_roles_land_on_their_own_work(regions, role, place):
    user = make_user(f"u-{role}", role, regions["zhushan"])
    assert _lands(user) == place


def test_a_providers_menu_leads_only_to_its_work(regions):
    provider = Provider.objects.create(name="安康服务社", region=regions["zhushan"])
    boss = make_user("boss", "provider_admin", regions["zhushan"])
    _staff_of(boss, provider=provider)
    menu = client_for(boss).get("/homecare/orders/").content.decode()
    nav = menu[menu.index('class="main-nav"') : menu.index("</nav>")]
    for absent in (
        "老年人",
        "能力评估",
        "探访关爱",
        "养老机构",
        "行政区划",
        "补贴津贴",
    ):
        assert absent not in nav, absent
    assert "居家服务" in nav
    assert "从业人员" in nav
