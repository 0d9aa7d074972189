"""A provider serving 周路口街道 (塘坪 and 新村), its administrator and carers, a family member
linked to 王秀英 in 塘坪社区, prices and a service-voucher programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import make_user, valid_id
from yanglao.facilities.models import Provider
from yanglao.facilities.services import staff_hire
from yanglao.homecare import services
from yanglao.homecare.models import ServiceItem, VoucherProgramme

HOME = (29.2950, 117.2100)  # 王秀英's home
NEAR = (29.2960, 117.2105)  # ~120 m away
FAR = (29.3200, 117.2400)  # ~4 km away


def next_weekday_at(hour: int, weekday: int = 2) -> dt.datetime:
    """A moment in the coming week (default Tuesday) at `hour`, local time."""
    today = timezone.localdate()
    days = (weekday - today.isoweekday()) % 7 or 7
    return timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour))
    )


@pytest.fixture
def hc(users, regions, make_elder):
    admin = users["admin"]
    provider = Provider.objects.create(
        name="安康居家服务中心", region=regions["street"]
    )
    other = Provider.objects.create(name="浮梁乐龄服务社", region=regions["town"])
    services.provider_area_set(by=admin, provider=provider, regions=[regions["street"]])
    services.provider_area_set(by=admin, provider=other, regions=[regions["town"]])
    boss = make_user("pa", "provider_admin", None)
    head = staff_hire(
        by=admin,
        name="站长",
        id_number=valid_id("360203", dt.date(1980, 1, 1), 11),
        role="director",
        hired_on=dt.date(2024, 1, 1),
        provider=provider,
    )
    head.user = boss
    head.save()
    carers = {}
    for i, (name, role, level, base, username) in enumerate(
        [
            ("李护理", "carer", "4", NEAR, "li"),
            ("赵阿姨", "other", "", FAR, "zhao"),
            ("钱护士", "nurse", "", FAR, "qian"),
        ]
    ):
        s = staff_hire(
            by=admin,
            name=name,
            id_number=valid_id("360203", dt.date(1975, 5, 5), 21 + i * 2),
            role=role,
            hired_on=dt.date(2024, 1, 1),
            provider=provider,
            skill_level=level,
        )
        s.user = make_user(username, "carer", None)
        s.save()
        carers[username] = services.carer_enrol(
            by=admin,
            staff=s,
            base_lat=base[0],
            base_lng=base[1],
            workdays=[1, 2, 3, 4, 5, 6, 7],
            skills=["bath"] if i == 0 else [],
        )
    services.catalogue_load()
    items = {i.code: i for i in ServiceItem.objects.all()}
    for code, fen in (
        ("bath", 5000),
        ("cleaning", 3000),
        ("nursing", 8000),
        ("chatting", 2000),
    ):
        services.price_set(by=admin, provider=provider, item=items[code], price_fen=fen)
    services.price_set(by=admin, provider=other, item=items["bath"], price_fen=4500)
    elder = make_elder(
        name="王秀英", lat=HOME[0], lng=HOME[1], address="塘坪社区 3 栋 201"
    )
    far_elder = make_elder(name="远村", region="jiucheng", lat=29.4, lng=117.3)
    family = make_user("daughter", "family", None)
    services.family_link(
        by=users["carol"], user=family, elder=elder, relation="女儿", consent="elder"
    )
    voucher = VoucherProgramme.objects.create(
        code="svc", name="居家养老服务券", region=regions["city"], kind="amount"
    )
    services.voucher_grant(
        by=admin,
        programme=voucher,
        elder=elder,
        monthly_fen=8000,
        start=timezone.localdate().replace(day=1) - dt.timedelta(days=400),
    )
    return {
        "provider": provider,
        "other": other,
        "boss": boss,
        "carers": carers,
        "items": items,
        "elder": elder,
        "far_elder": far_elder,
        "family": family,
        "voucher": voucher,
        "carer_users": {k: c.staff.user for k, c in carers.items()},
    }


@pytest.fixture
def checkin_any_day(settings):
    """Walks through an order in real time check in days before its booked time (the order is
    placed for next week); the check-in window itself is tested in
    test_settlement_pays_only_services_that_happened.py."""
    settings.HOMECARE_CHECKIN_EARLY_MINUTES = 14 * 24 * 60
