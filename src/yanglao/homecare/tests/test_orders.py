"""An order from a family member through dispatch, check-in/out, confirmation and rating into the
month's settlement; the refusals (nothing written); quotas; plans and family care beds; meals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.assessments.services import assessment_record_historical
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.homecare import selectors, services
from yanglao.homecare.models import (
    Carer,
    Concern,
    Order,
    OrderEvent,
    Rating,
    VoucherUse,
)
from yanglao.homecare.tests.conftest import FAR, NEAR, next_weekday_at

pytestmark = pytest.mark.django_db


def _place(hc, by=None, item="bath", when=None, **kw):
    return services.order_place(
        by=by or hc["family"],
        elder=kw.pop("elder", hc["elder"]),
        provider=kw.pop("provider", hc["provider"]),
        item=hc["items"][item],
        slot_start=when or next_weekday_at(9),
        **kw,
    )


def _step(hc, order, step, who, **data):
    by = {"boss": hc["boss"], "family": hc["family"]}.get(who) or hc["carer_users"][who]
    return services.order_step(by=by, order_id=order.pk, step=step, **data)


def _settle(hc, month):
    """The month's settlement, built a month later (once every order of it is done)."""
    later = timezone.now() + dt.timedelta(days=62)
    return services.settlement_build(
        by=hc["boss"], provider=hc["provider"], month=month, now=later
    )


def _serve(hc, order, carer="li", minutes=50):
    """Dispatch to `carer` and carry the order through to 已完成, `minutes` long."""
    _step(hc, order, "accept", "boss")
    _step(hc, order, "dispatch", "boss", carer=hc["carers"][carer])
    _step(hc, order, "take", carer)
    start = order.slot_start
    _step(hc, order, "arrive", carer, lat=NEAR[0], lng=NEAR[1], now=start)
    _step(hc, order, "start", carer, now=start)
    return _step(
        hc,
        order,
        "complete",
        carer,
        lat=NEAR[0],
        lng=NEAR[1],
        done_items=["助浴"],
        now=start + dt.timedelta(minutes=minutes),
    )


def test_a_daughter_orders_a_bath_and_it_is_settled(hc, users):
    order = _place(hc, voucher=hc["voucher"], rest_paid_by="family")
    assert order.channel == "family" and order.state == "new"
    assert (order.amount_fen, order.voucher_fen, order.family_fen) == (5000, 5000, 0)
    # The provider sees suggested carers: 李护理 (near, skilled) first; 赵阿姨 (no carer qualification) never.
    suggested = selectors.suggestions(by=hc["boss"], order=order)
    assert [s.name for s in suggested] == ["李护理", "钱护士"]
    _serve(hc, order)
    order.refresh_from_db()
    assert (
        order.state == "completed"
        and order.checkin_distance_m < 300
        and order.problems == []
    )
    assert order.duration_minutes == 50
    _step(hc, order, "rate", "family", score=5, text="很细心")
    order.refresh_from_db()
    assert order.state == "rated" and order.confirmed_by == hc["family"]
    assert Rating.objects.get(order=order).carer == hc["carers"]["li"]
    actions = list(
        OrderEvent.objects.filter(order=order)
        .order_by("id")
        .values_list("action", "by__username")
    )
    assert actions == [
        ("place", "daughter"),
        ("accept", "pa"),
        ("dispatch", "pa"),
        ("take", "li"),
        ("arrive", "li"),
        ("start", "li"),
        ("complete", "li"),
        ("rate", "daughter"),
    ]
    month = timezone.localtime(order.slot_start).date()
    s = _settle(hc, month)
    assert (s.orders_count, s.amount_fen, s.voucher_fen) == (1, 5000, 5000)
    rows = list(selectors.settlement_rows(s))
    assert rows[0][0] == order.pk and rows[0][2] == "王秀英" and rows[0][-1] == 5
    services.settlement_approve(by=users["alice"], settlement=s)
    with pytest.raises(ValidationFailed, match="已审核"):
        _settle(hc, month)


def test_refusals_write_nothing(hc, users):
    before = (
        Order.objects.count(),
        OrderEvent.objects.count(),
        VoucherUse.objects.count(),
    )
    with pytest.raises(
        ValidationFailed
    ) as exc:  # the other provider does not serve 塘坪社区
        _place(hc, provider=hc["other"])
    assert "服务区域不包括" in exc.value.errors["provider"]
    with pytest.raises(ValidationFailed) as exc:
        _place(hc, when=timezone.now() - dt.timedelta(hours=2))
    assert "预约时间已过" in exc.value.errors["slot_start"]
    with pytest.raises(NotInScope):  # the daughter is not linked to 远村
        _place(hc, elder=hc["far_elder"], provider=hc["other"])
    with pytest.raises(
        NotInScope
    ):  # a community worker of 塘坪 cannot order for 旧城村
        _place(hc, by=users["carol"], elder=hc["far_elder"], provider=hc["other"])
    assert (
        Order.objects.count(),
        OrderEvent.objects.count(),
        VoucherUse.objects.count(),
    ) == before


def test_dispatch_checks_qualification_and_double_booking(hc):
    order = _place(hc)
    _step(hc, order, "accept", "boss")
    with pytest.raises(ValidationFailed, match="没有“养老护理员”资质"):
        _step(hc, order, "dispatch", "boss", carer=hc["carers"]["zhao"])
    _step(hc, order, "dispatch", "boss", carer=hc["carers"]["li"])
    clash = _place(
        hc, item="cleaning", when=order.slot_start + dt.timedelta(minutes=30)
    )
    _step(hc, clash, "accept", "boss")
    with pytest.raises(ValidationFailed, match="时间冲突"):
        _step(hc, clash, "dispatch", "boss", carer=hc["carers"]["li"])
    # 赵阿姨 may clean (no qualification needed), and 李护理 is not suggested while busy.
    assert "李护理" not in [
        s.name for s in selectors.suggestions(by=hc["boss"], order=clash)
    ]
    _step(hc, clash, "dispatch", "boss", carer=hc["carers"]["zhao"])


def test_check_in_far_away_or_twice_is_refused(hc, checkin_any_day):
    order = _place(hc)
    _step(hc, order, "accept", "boss")
    _step(hc, order, "dispatch", "boss", carer=hc["carers"]["li"])
    with pytest.raises(NotInScope):  # another carer does not even see it
        _step(hc, order, "take", "qian")
    _step(hc, order, "take", "li")
    with pytest.raises(ValidationFailed) as exc:
        _step(hc, order, "arrive", "li", lat=FAR[0], lng=FAR[1])
    assert "超过 300 米" in exc.value.errors["lat"]
    with pytest.raises(ValidationFailed, match="需要手机定位"):
        _step(hc, order, "arrive", "li")
    _step(hc, order, "arrive", "li", lat=NEAR[0], lng=NEAR[1])
    with pytest.raises(ValidationFailed, match="不能到达签到"):
        _step(hc, order, "arrive", "li", lat=NEAR[0], lng=NEAR[1])
    assert OrderEvent.objects.filter(order=order, action="arrive").count() == 1


def test_a_stale_version_is_refused_not_doubled(hc):
    order = _place(hc)
    _step(hc, order, "accept", "boss", version=0)
    with pytest.raises(ValidationFailed, match="已被他人更新"):
        _step(hc, order, "reject", "boss", version=0, reason="人手不足")
    order.refresh_from_db()
    assert order.state == "accepted" and order.version == 1


def test_quota_is_drawn_released_and_refused_when_used_up(hc):
    first = _place(hc, voucher=hc["voucher"])  # 50 元 of 80
    second = _place(
        hc, item="cleaning", quantity=2, voucher=hc["voucher"], when=next_weekday_at(14)
    )
    assert (second.amount_fen, second.voucher_fen, second.self_fen) == (
        6000,
        3000,
        3000,
    )
    with pytest.raises(ValidationFailed, match="额度已用完"):
        _place(hc, item="chatting", voucher=hc["voucher"], when=next_weekday_at(16))
    services.order_step(
        by=hc["family"], order_id=first.pk, step="cancel", reason="老人住院"
    )
    assert selectors.quota_left(
        hc["elder"].pk, hc["voucher"], first.slot_start.date()
    ) == (5000, 0)
    third = _place(hc, item="chatting", voucher=hc["voucher"], when=next_weekday_at(16))
    assert third.voucher_fen == 2000
    with pytest.raises(ValidationFailed, match="没有"):  # 远村 has no grant
        services.order_place(
            by=hc["boss"].__class__.objects.get(username="root"),
            elder=hc["far_elder"],
            provider=hc["other"],
            item=hc["items"]["bath"],
            slot_start=next_weekday_at(9),
            voucher=hc["voucher"],
        )


def test_rating_low_or_before_completion_and_disputes(hc, users):
    order = _place(hc)
    with pytest.raises(ValidationFailed, match="不能评价"):
        _step(hc, order, "rate", "family", score=5)
    _serve(hc, order, minutes=10)  # too short for a bath (30 minutes at least)
    order.refresh_from_db()
    assert order.problems == ["服务时长 10 分钟，短于最短 30 分钟"]
    with pytest.raises(ValidationFailed, match="1 到 5"):
        _step(hc, order, "rate", "family", score=9)
    _step(hc, order, "rate", "family", score=1, text="没洗完就走了")
    kinds = set(Concern.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == {"abnormal", "low_rating"}
    assert {c.pk for c in selectors.concerns(by=users["carol"])} >= set(
        Concern.objects.filter(order=order).values_list("pk", flat=True)
    )
    assert not selectors.concerns(
        by=users["dave"]
    ).exists()  # 浮梁县 sees none of 珠山区's
    _step(hc, order, "dispute", "family", reason="时长不足，不应全额结算")
    month = timezone.localtime(order.slot_start).date()
    s = _settle(hc, month)
    assert (s.orders_count, s.excluded_disputed) == (0, 1)
    services.order_step(by=users["bob"], order_id=order.pk, step="settle_dispute")
    s = _settle(hc, month)
    assert (s.orders_count, s.excluded_disputed) == (1, 0)


def test_unconfirmed_orders_wait_for_confirmation(hc):
    order = _place(hc)
    _serve(hc, order)
    month = timezone.localtime(order.slot_start).date()
    assert _settle(hc, month).orders_count == 0
    _step(hc, order, "confirm", "family")
    assert _settle(hc, month).orders_count == 1


def test_a_family_care_bed_makes_its_weekly_orders(hc, users, regions):
    elder = hc["elder"]
    home = Facility.objects.create(
        name="珠山区福利院",
        type="welfare_home",
        ownership="public",
        region=regions["zhushan"],
    )
    with pytest.raises(ValidationFailed, match="轻度失能及以上"):
        services.care_bed_sign(
            by=users["carol"],
            elder=elder,
            facility=home,
            provider=hc["provider"],
            signed_on=timezone.localdate(),
        )
    assessment_record_historical(
        by=users["admin"],
        elder=elder,
        standard="GB/T 42195-2022",
        assessed_on=timezone.localdate() - dt.timedelta(days=10),
        final_level=2,
    )
    bed = services.care_bed_sign(
        by=users["carol"],
        elder=elder,
        facility=home,
        provider=hc["provider"],
        signed_on=timezone.localdate(),
        modifications=["卫生间扶手", "护理床"],
    )
    services.care_plan_add(
        by=users["carol"],
        bed=bed,
        item=hc["items"]["bath"],
        weekdays=[2],
        at=dt.time(9),
    )
    services.care_plan_add(
        by=users["carol"],
        bed=bed,
        item=hc["items"]["cleaning"],
        weekdays=[1, 4],
        at=dt.time(15),
    )
    week = timezone.localdate() + dt.timedelta(days=7)
    made = services.plans_generate(week=week, by=users["carol"])
    assert (made["made"], made["refused"]) == (3, 0)
    again = services.plans_generate(week=week, by=users["carol"])
    assert (again["made"], again["existing"]) == (0, 3)
    assert Order.objects.filter(plan__bed=bed, channel="plan").count() == 3
    monday = week - dt.timedelta(days=week.weekday())
    report = selectors.bed_report(bed, monday, monday + dt.timedelta(days=6))
    assert [
        (r["plan"].item.code, r["planned"], r["made"], r["delivered"]) for r in report
    ] == [("bath", 1, 1, 0), ("cleaning", 2, 2, 0)]
    with pytest.raises(ValidationFailed, match="已签约"):
        services.care_bed_sign(
            by=users["carol"],
            elder=elder,
            facility=home,
            provider=hc["provider"],
            signed_on=timezone.localdate(),
        )


def test_meals_are_priced_by_category(hc, users, regions):
    canteen = Facility.objects.create(
        name="塘坪幸福食堂",
        type="canteen",
        ownership="public",
        region=regions["tangping"],
    )
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="没有菜单"):
        services.meal_serve(
            by=users["carol"],
            canteen=canteen,
            elder=hc["elder"],
            day=today,
            kind="lunch",
            mode="dine_in",
        )
    services.menu_set(
        by=users["carol"],
        canteen=canteen,
        day=today,
        dishes="红烧鱼、青菜、米饭",
        price_fen=1200,
    )
    meal = services.meal_serve(
        by=users["carol"],
        canteen=canteen,
        elder=hc["elder"],
        day=today,
        kind="lunch",
        mode="dine_in",
    )
    assert (meal.category, meal.subsidy_fen, meal.paid_fen) == ("age80", 300, 900)
    with pytest.raises(ValidationFailed, match="已登记"):
        services.meal_serve(
            by=users["carol"],
            canteen=canteen,
            elder=hc["elder"],
            day=today,
            kind="lunch",
            mode="delivered",
        )
    with pytest.raises(NotInScope):
        services.meal_serve(
            by=users["dave"],
            canteen=canteen,
            elder=hc["elder"],
            day=today,
            kind="supper",
            mode="dine_in",
        )
    counts = selectors.meal_counts(by=users["bob"], since=today, until=today)
    assert counts["total"] == 1 and counts["per_canteen"][0]["subsidy"] == 300


def test_suggestions_follow_changes_to_carers_at_once(hc, users):
    """Suggestions keep a provider's carers in memory; adding, changing or busying one shows in
    the very next list."""
    from yanglao.conftest import valid_id
    from yanglao.facilities.services import staff_hire

    def hire(i, lat, lng, **kw):
        staff = staff_hire(
            by=users["admin"],
            name=f"护理{i}",
            id_number=valid_id("360203", dt.date(1970, 1, 1), 101 + i * 2),
            role="carer",
            hired_on=dt.date(2024, 1, 1),
            provider=hc["provider"],
            skill_level="4",
        )
        return services.carer_enrol(
            by=users["admin"],
            staff=staff,
            base_lat=lat,
            base_lng=lng,
            skills=["bath"],
            workdays=kw.pop("workdays", [1, 2, 3, 4, 5, 6, 7]),
            **kw,
        )

    order = _place(hc)
    for i in range(12):  # 11 m, 22 m, … from the home: nearer than the fixture's carers
        hire(i, order.lat + 0.0001 * (i + 1), order.lng)
    first = [s.name for s in selectors.suggestions(by=hc["boss"], order=order, limit=3)]
    assert first == ["护理0", "护理1", "护理2"]
    near = hire(20, order.lat + 0.00005, order.lng)  # a new carer next door
    assert (
        selectors.suggestions(by=hc["boss"], order=order, limit=1)[0].carer_id
        == near.pk
    )
    services.carer_enrol(
        by=users["admin"],
        staff=near.staff,
        base_lat=near.base_lat,
        base_lng=near.base_lng,
        skills=["bath"],
        workdays=[d for d in range(1, 8) if d != order.slot_start.isoweekday()],
    )
    assert [
        s.name for s in selectors.suggestions(by=hc["boss"], order=order, limit=3)
    ] == first
    # 护理0 is sent to another home at the same hour: the list moves up, still three long.
    other = _place(hc, when=order.slot_start)
    _step(hc, other, "accept", "boss")
    _step(hc, other, "dispatch", "boss", carer=Carer.objects.get(staff__name="护理0"))
    assert [
        s.name for s in selectors.suggestions(by=hc["boss"], order=order, limit=3)
    ] == ["护理1", "护理2", "护理3"]
