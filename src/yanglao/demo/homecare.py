"""Demo city, part 7: home and community services. Each county's provider serves its county with
the whole catalogue; its carers are registered for dispatch; a service-voucher programme draws on
the 养老服务补贴 decided by the benefits cycle, and a few people have a granted monthly quota; six
weeks of orders (most served, confirmed and rated, some cancelled, some with problems), last
month's settlement for each provider, family care beds with their care plans and this week's
orders, canteen menus and meals. Logins: `carer` (a carer of the demo provider, with orders
today), `family` (a daughter linked to one of that provider's older people)."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.accounts.services import user_create
from yanglao.assessments.services import assessment_record_historical
from yanglao.core.bulk import bulk_insert
from yanglao.core.errors import ValidationFailed
from yanglao.core.idnumber import age_on
from yanglao.elders.models import Elder, ElderCategory
from yanglao.facilities.models import Facility, Provider, Staff
from yanglao.homecare import rules, services
from yanglao.homecare.catalogue import MODIFICATIONS
from yanglao.homecare.models import (
    Carer,
    Concern,
    Meal,
    Menu,
    Order,
    OrderEvent,
    Price,
    ProviderArea,
    ProviderTerms,
    Rating,
    ServiceItem,
    VoucherGrant,
    VoucherProgramme,
)
from yanglao.regions.models import Region

HISTORY_DAYS = 42
POPULAR = [
    "cleaning",
    "bath",
    "meal_delivery",
    "chatting",
    "health_check",
    "shopping",
    "medical_escort",
    "basic_care",
    "home_visit",
    "medication",
]
COMMENTS = ["很细心", "准时到达，服务周到", "老人很满意", "态度好", "下次还找她", ""]


def build_home_services(*, today: dt.date, seed: int, progress) -> list[dict]:
    rng = random.Random(seed + 11)
    admin = User.objects.get(username="admin")
    city = Region.objects.get(code="360200")
    services.catalogue_load()
    items = {i.code: i for i in ServiceItem.objects.all()}
    with transaction.atomic():
        providers = _providers(rng, items)
        carers = _carers(rng)
        voucher = VoucherProgramme.objects.create(
            code="fuwuquan",
            name="居家养老服务券（政府购买服务）",
            region=city,
            kind="amount",
            benefit_code="fuwu",
        )
        grants = _grants(rng, voucher, today)
    progress(
        f"居家服务：服务商 {len(providers)} 家，服务人员 {len(carers):,} 人，服务券 {grants} 人"
    )
    demo_provider = Provider.objects.order_by("pk").first()
    if len(_served_people(demo_provider, 6, random.Random(5))) < 6:
        progress(
            "居家服务：演示城市太小，不生成工单"
        )  # a city of a few hundred people (tests)
        return []
    logins = _logins(rng, demo_provider, today)
    with transaction.atomic():
        n = _history(rng, providers, carers, items, voucher, today, admin)
    progress(f"近 {HISTORY_DAYS} 天居家服务工单：{n:,} 张")
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for p in providers:
        services.settlement_build(by=admin, provider=p, month=month)
    _today_for_demo(rng, demo_provider, items, today)
    beds = _care_beds(rng, providers, items, today, admin)
    made = services.plans_generate(week=timezone.localdate(), by=None)
    progress(f"家庭养老床位：{beds} 张，本周照护工单 {made['made']} 张")
    meals = _meals(rng, today, admin)
    progress(f"助餐：近 14 天 {meals:,} 人次")
    return logins


def _providers(rng, items) -> list[Provider]:
    providers = list(Provider.objects.select_related("region__parent").order_by("pk"))
    for p in providers:
        county = p.region.parent
        ProviderArea.objects.create(provider=p, region=county)
        ProviderTerms.objects.create(
            provider=p,
            licence_no=f"民养居{rng.randrange(10**5):05d}",
            contract_no=f"JDZ-GM-2026-{p.pk:03d}",
            contract_start=dt.date(2026, 1, 1),
            contract_end=dt.date(2026, 12, 31),
        )
        base = {
            "meal_delivery": 1500,
            "cleaning": 3500,
            "bath": 6000,
            "basic_care": 5000,
            "nursing": 8000,
            "medical_escort": 8000,
            "adapt_install": 20000,
            "adapt_survey": 0,
        }
        Price.objects.bulk_create(
            [
                Price(
                    provider=p,
                    item=item,
                    price_fen=round(base.get(code, 3000) * rng.uniform(0.9, 1.1) / 100)
                    * 100
                    or 100,
                )
                for code, item in items.items()
            ]
        )
    return providers


def _carers(rng) -> list[Carer]:
    rows = []
    sites = {p.pk: p for p in Provider.objects.select_related("region")}
    anchor = {}
    for f in Facility.objects.filter(lat__isnull=False).values(
        "region__path", "lat", "lng"
    ):
        anchor.setdefault(f["region__path"].split("/")[2], (f["lat"], f["lng"]))
    for s in Staff.objects.filter(
        provider__isnull=False, role="carer", left_on__isnull=True
    ):
        p = sites[s.provider_id]
        lat, lng = anchor.get(p.region.path.split("/")[2], (29.30, 117.21))
        quals = ["carer"] + (
            ["carer_l4"] if s.skill_level and s.skill_level <= "4" else []
        )
        if rng.random() < 0.15:
            quals.append("nurse")
        rows.append(
            Carer(
                staff=s,
                provider_id=s.provider_id,
                qualifications=quals,
                skills=rng.sample(POPULAR, 3),
                base_lat=round(lat + rng.uniform(-0.03, 0.03), 6),
                base_lng=round(lng + rng.uniform(-0.03, 0.03), 6),
                workdays=[1, 2, 3, 4, 5, 6],
                work_start=dt.time(8),
                work_end=dt.time(18),
                daily_capacity=rng.choice([6, 8, 8, 10]),
            )
        )
    return Carer.objects.bulk_create(rows)


def _grants(rng, voucher, today) -> int:
    """A granted quota (100 元/month) for 特困 people living at home; the 养老服务补贴 the benefits
    cycle decides is added to it by the programme itself (benefit_code)."""
    tekun = ElderCategory.objects.filter(
        category="tekun",
        end_date__isnull=True,
        elder__status="active",
        elder__care_setting="home",
    ).values_list("elder_id", flat=True)
    start = (today.replace(day=1) - dt.timedelta(days=HISTORY_DAYS + 31)).replace(day=1)
    grants = [
        VoucherGrant(programme=voucher, elder_id=pk, monthly_fen=10000, start=start)
        for pk in set(tekun)
    ]
    VoucherGrant.objects.bulk_create(grants)
    return len(grants)


def _served_people(provider: Provider, limit: int, rng) -> list[tuple]:
    county = provider.region.path.split("/")[2]
    people = list(
        Elder.objects.filter(
            status="active",
            care_setting="home",
            residence_region__path__contains=f"/{county}/",
            lat__isnull=False,
        ).values_list("pk", "residence_region_id", "address", "lat", "lng")[: limit * 3]
    )
    rng.shuffle(people)
    return people[:limit]


def _history(rng, providers, carers, items, voucher, today, admin) -> int:
    """Six weeks of orders, written in bulk with their events, ratings and follow-ups."""
    tz = timezone.get_current_timezone()
    by_provider: dict[int, list[Carer]] = {}
    for c in carers:
        by_provider.setdefault(c.provider_id, []).append(c)
    prices = {
        (p, i): f
        for p, i, f in Price.objects.values_list("provider_id", "item_id", "price_fen")
    }
    count = 0
    placer = {}
    for p in providers:
        team = by_provider.get(p.pk, [])
        people = _served_people(p, 60, rng)
        if not team or not people:
            continue
        for _ in range(len(people) * 6):
            pk, region_id, address, lat, lng = rng.choice(people)
            code = rng.choice(POPULAR)
            item = items[code]
            day = today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
            slot = dt.datetime.combine(
                day,
                dt.time(rng.choice([8, 9, 10, 14, 15, 16]), rng.choice([0, 30])),
                tz,
            )
            carer = rng.choice(
                [
                    c
                    for c in team
                    if rules.qualified(item.qualification, set(c.qualifications))
                ]
                or team
            )
            quantity = 2 if item.unit == "hour" and rng.random() < 0.3 else 1
            minutes = (60 if item.unit == "hour" else item.typical_minutes) * quantity
            amount = prices[(p.pk, item.pk)] * quantity
            roll = rng.random()
            state = (
                "rated" if roll < 0.72 else "completed" if roll < 0.9 else "cancelled"
            )
            served = rng.randint(max(item.min_minutes * quantity - 10, 5), minutes + 15)
            problems = (
                [f"服务时长 {served} 分钟，短于最短 {item.min_minutes * quantity} 分钟"]
                if served < item.min_minutes * quantity
                else []
            )
            cin = slot + dt.timedelta(minutes=rng.randint(-10, 20))
            order = Order(
                elder_id=pk,
                region_id=region_id,
                provider=p,
                item=item,
                quantity=quantity,
                slot_start=slot,
                minutes=minutes,
                address=address,
                lat=lat,
                lng=lng,
                channel=rng.choice(["family", "community", "family", "elder"]),
                placed_by=placer.setdefault(p.pk, admin),
                amount_fen=amount,
                self_fen=amount,
                state=state,
                version=8,
                carer=carer if state != "cancelled" else None,
                checkin_at=cin if state != "cancelled" else None,
                checkin_distance_m=rng.randint(5, 150)
                if state != "cancelled"
                else None,
                checkout_at=cin + dt.timedelta(minutes=served)
                if state != "cancelled"
                else None,
                checkout_distance_m=rng.randint(5, 150)
                if state != "cancelled"
                else None,
                done_items=[item.name] if state != "cancelled" else [],
                problems=problems,
                confirmed_at=cin + dt.timedelta(minutes=served + 30)
                if state == "rated" or (state == "completed" and roll < 0.85)
                else None,
                confirmed_by=admin if state != "cancelled" else None,
                reason="老人临时外出" if state == "cancelled" else "",
            )
            count += 1
            _save_with_events(order, rng, admin)
    return count


def _save_with_events(order: Order, rng, admin) -> None:
    order.save()
    t = order.slot_start - dt.timedelta(days=1)
    steps = [
        ("place", "", "new", t),
        ("accept", "new", "accepted", t + dt.timedelta(minutes=20)),
    ]
    if order.state == "cancelled":
        steps.append(("cancel", "accepted", "cancelled", t + dt.timedelta(hours=3)))
    else:
        cin = order.checkin_at
        steps += [
            ("dispatch", "accepted", "dispatched", t + dt.timedelta(minutes=40)),
            ("take", "dispatched", "taken", t + dt.timedelta(hours=1)),
            ("arrive", "taken", "arrived", cin),
            ("start", "arrived", "serving", cin + dt.timedelta(minutes=1)),
            ("complete", "serving", "completed", order.checkout_at),
        ]
        if order.state == "rated":
            steps.append(("rate", "completed", "rated", order.confirmed_at))
    carer_user = admin
    bulk_insert(
        OrderEvent,
        (
            {
                "order_id": order.pk,
                "action": a,
                "from_state": f,
                "to_state": to,
                "at": at,
                "by_id": carer_user.pk,
                "note": "",
            }
            for a, f, to, at in steps
        ),
    )
    if order.state == "rated":
        score = rng.choices([5, 4, 3, 2, 1], [60, 25, 9, 4, 2])[0]
        Rating.objects.create(
            order=order,
            score=score,
            text=rng.choice(COMMENTS),
            by=admin,
            provider_id=order.provider_id,
            carer=order.carer,
        )
        if score <= 2:
            Concern.objects.create(
                order=order,
                region_id=order.region_id,
                kind="low_rating",
                text=f"{score} 星：服务不够细致",
                opened_by=admin,
            )
    if order.problems:
        Concern.objects.create(
            order=order,
            region_id=order.region_id,
            kind="abnormal",
            text="；".join(order.problems),
            opened_by=admin,
        )


def _logins(rng, provider: Provider, today) -> list[dict]:
    logins = []
    carer = (
        Carer.objects.filter(provider=provider)
        .select_related("staff")
        .order_by("pk")
        .first()
    )
    family_elder = _served_people(provider, 1, random.Random(3))[0][0]
    elder = Elder.objects.select_related("residence_region").get(pk=family_elder)
    for username, name, role in [
        ("carer", f"{carer.staff.name}（护理员）", "carer"),
        ("family", f"{elder.name}的女儿", "family"),
    ]:
        password = secrets.token_urlsafe(9)
        user = user_create(
            by=None, username=username, password=password, role=role, full_name=name
        )
        scope = provider.name if role == "carer" else f"老人：{elder.name}"
        logins.append(
            {
                "username": username,
                "password": password,
                "role": role,
                "role_name": user.role_name,
                "scope": scope,
            }
        )
    carer.staff.user = User.objects.get(username="carer")
    carer.staff.save(update_fields=["user"])
    worker = User.objects.filter(
        role="community", region=elder.residence_region
    ).first() or User.objects.get(username="admin")
    services.family_link(
        by=worker,
        user=User.objects.get(username="family"),
        elder=elder,
        relation="女儿",
        consent="elder",
    )
    return logins


def _today_for_demo(rng, provider: Provider, items, today) -> None:
    """The demo carer's day: three orders dispatched to them; two new orders waiting for the
    provider; one overdue (nobody has checked in)."""
    carer = Carer.objects.get(staff__user__username="carer")
    boss = User.objects.get(username="provider")
    admin = User.objects.get(username="admin")
    family = User.objects.get(username="family")
    elder = Elder.objects.get(family_links__user=family)
    people = [
        Elder.objects.get(pk=pk)
        for pk, *_ in _served_people(provider, 6, random.Random(5))
    ]
    tz = timezone.get_current_timezone()
    base = timezone.localtime().replace(
        minute=0, second=0, microsecond=0
    ) + dt.timedelta(hours=1)
    carer.workdays = [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]  # the demo carer is on duty whenever the demo is shown
    carer.work_start, carer.work_end = dt.time(0), dt.time(23, 59)
    carer.save()
    for k, (code, person) in enumerate(
        [("cleaning", people[1]), ("chatting", people[2]), ("bath", elder)]
    ):
        slot = base + dt.timedelta(hours=2 * k)
        o = services.order_place(
            by=admin if person != elder else family,
            elder=person,
            provider=provider,
            item=items[code],
            slot_start=slot,
            rest_paid_by="family" if person == elder else "self",
        )
        services.order_step(by=boss, order_id=o.pk, step="accept")
        services.order_step(by=boss, order_id=o.pk, step="dispatch", carer=carer)
    tomorrow = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(10), tz
    )
    for person, code in [(people[3], "bath"), (people[4], "shopping")]:
        services.order_place(
            by=admin,
            elder=person,
            provider=provider,
            item=items[code],
            slot_start=tomorrow,
        )
    late = services.order_place(
        by=admin,
        elder=people[5],
        provider=provider,
        item=items["cleaning"],
        slot_start=timezone.now() + dt.timedelta(minutes=1),
    )
    Order.objects.filter(pk=late.pk).update(
        slot_start=timezone.now() - dt.timedelta(minutes=45)
    )


def _care_beds(rng, providers, items, today, admin) -> int:
    made = 0
    for p in providers:
        county = p.region.path.split("/")[2]
        home = Facility.objects.filter(
            region__path__contains=f"/{county}/",
            type__in=["welfare_home", "private_home", "tekun_home"],
        ).first()
        if home is None:
            continue
        people = Elder.objects.filter(
            status="active",
            care_setting="home",
            ability_level__gte=2,
            residence_region__path__contains=f"/{county}/",
        )[:3]
        for person in people:
            if person.ability_level is None:
                continue
            try:
                bed = services.care_bed_sign(
                    by=admin,
                    elder=person,
                    facility=home,
                    provider=p,
                    signed_on=today - dt.timedelta(days=rng.randint(20, 200)),
                    modifications=rng.sample(MODIFICATIONS, 4),
                )
            except (
                ValidationFailed
            ):  # no completed assessment at level ≥ 1 on record for this one
                assessment_record_historical(
                    by=admin,
                    elder=person,
                    standard="GB/T 42195-2022",
                    assessed_on=today - dt.timedelta(days=30),
                    final_level=person.ability_level,
                )
                bed = services.care_bed_sign(
                    by=admin,
                    elder=person,
                    facility=home,
                    provider=p,
                    signed_on=today - dt.timedelta(days=rng.randint(1, 20)),
                    modifications=rng.sample(MODIFICATIONS, 4),
                )
            for code, days, hour in [
                ("bath", [2], 9),
                ("basic_care", [1, 3, 5], 10),
                ("home_visit", [6], 15),
            ]:
                services.plan_create(
                    by=admin,
                    elder=person,
                    provider=p,
                    item=items[code],
                    weekdays=days,
                    at=dt.time(hour),
                    start=today - dt.timedelta(days=today.weekday()),
                    bed=bed,
                )
            made += 1
    return made


def _meals(rng, today, admin) -> int:
    canteens = list(Facility.objects.filter(type="canteen").select_related("region"))
    rows = []
    held: dict[int, set[str]] = {}
    for elder_id, category in ElderCategory.objects.filter(
        end_date__isnull=True
    ).values_list("elder_id", "category"):
        held.setdefault(elder_id, set()).add(category)
    table = settings.HOMECARE_MEAL_SUBSIDY_FEN
    for c in canteens:
        diners = list(
            Elder.objects.filter(
                status="active", residence_region=c.region
            ).values_list("pk", "residence_region_id", "birth_date")[:25]
        )
        for back in range(14):
            day = today - dt.timedelta(days=back)
            price = rng.choice([1000, 1200, 1500])
            Menu.objects.create(
                canteen=c,
                day=day,
                price_fen=price,
                dishes=rng.choice(
                    [
                        "红烧肉、炒青菜、冬瓜汤",
                        "清蒸鱼、番茄炒蛋、紫菜汤",
                        "土豆烧鸡、炒豆角、米饭",
                    ]
                ),
            )
            for pk, region_id, birth in diners:
                if rng.random() < 0.55:
                    category = rules.meal_category(
                        age_on(birth, day), held.get(pk, set())
                    )
                    subsidy = rules.meal_subsidy(price, category, table)
                    rows.append(
                        {
                            "canteen_id": c.pk,
                            "elder_id": pk,
                            "region_id": region_id,
                            "day": day,
                            "kind": "lunch",
                            "mode": "delivered" if rng.random() < 0.2 else "dine_in",
                            "category": category,
                            "price_fen": price,
                            "subsidy_fen": subsidy,
                            "paid_fen": price - subsidy,
                            "by_id": admin.pk,
                        }
                    )
    return bulk_insert(Meal, rows)
