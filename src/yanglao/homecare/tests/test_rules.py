"""The pure rules: who may take which step, carer ranking, payment split, problems, plans, meals."""

from __future__ import annotations

import datetime as dt

from yanglao.homecare import rules
from yanglao.homecare.rules import Actor, OrderState


def test_each_step_has_its_states_and_actors():
    assert rules.step_refusal("accept", "new", {Actor.PROVIDER}) == ""
    assert "不能对该工单" in rules.step_refusal("accept", "new", {Actor.CARER})
    assert "已完成" in rules.step_refusal("arrive", "completed", {Actor.CARER})
    assert "不能到达签到" in rules.step_refusal(
        "arrive", "arrived", {Actor.CARER}
    )  # twice
    assert "不能评价" in rules.step_refusal(
        "rate", "serving", {Actor.PLACER}
    )  # not completed yet
    assert rules.step_refusal("cancel", "taken", {Actor.PLACER}) == ""
    assert (
        rules.step_refusal("cancel", "serving", {Actor.PLACER}) != ""
    )  # too late once started
    assert rules.step_refusal("fly", "new", {Actor.STAFF}).startswith("未知的操作")
    assert rules.steps_open_to("dispatched", {Actor.CARER}) == ["take", "decline"]


SLOT = dt.datetime(2026, 11, 24, 9, 0)  # a Tuesday


def _carer(
    i,
    *,
    lat=29.3,
    lng=117.2,
    quals=("carer",),
    skills=(),
    days=(1, 2, 3, 4, 5),
    hours=(dt.time(8), dt.time(18)),
    cap=8,
):
    return rules.CarerStanding(
        i,
        lat,
        lng,
        frozenset(quals),
        frozenset(skills),
        frozenset(days),
        hours[0],
        hours[1],
        cap,
        name=f"c{i}",
    )


def _rank(
    carers, *, counts=None, needed="carer", limit=10, busy=(), asked=None, minutes=60
):
    def days_of(ids):
        if asked is not None:
            asked.append(ids)
        return {i: rules.CarerDay((counts or {}).get(i, 0), i in busy) for i in ids}

    return rules.rank_carers(
        carers,
        slot_start=SLOT,
        minutes=minutes,
        home=(29.3, 117.2),
        needed=needed,
        item_code="bath",
        days_of=days_of,
        limit=limit,
    )


def test_ranking_keeps_hard_limits_and_prefers_near_light_and_skilled():
    carers = [
        _carer(1, lat=29.33),  # ~3.3 km
        _carer(2, lat=29.301),  # ~0.1 km
        _carer(3, lat=29.3, quals=()),  # unqualified
        _carer(4),  # busy at the slot
        _carer(5, days=(1, 3, 5)),  # not on Tuesdays
        _carer(6, cap=8),  # full: eight orders already
        _carer(7, lat=29.31, skills=("bath",)),  # ~1.1 km, skilled: bonus 2 km
        _carer(8, lat=29.301),  # near but three orders already
        _carer(
            9, hours=(dt.time(9, 30), dt.time(18))
        ),  # starts work after the slot begins
        _carer(
            10, hours=(dt.time(8), dt.time(9, 30))
        ),  # goes home before the hour is over
    ]
    ranked = _rank(carers, counts={6: 8, 8: 3}, busy={4})
    # 7: 1.1 km − 2 (skilled); 2: 0.1 km; 8: 0.1 km + 3 orders; 1: 3.3 km.
    assert [s.carer_id for s in ranked] == [7, 2, 8, 1]
    assert ranked[0].skilled and "擅长该项服务" in ranked[0].reasons
    assert ranked[2].orders_that_day == 3 and "当天已有 3/8 单" in ranked[2].reasons
    assert _rank(carers, needed="nurse") == []
    assert [s.carer_id for s in _rank([_carer(1, quals=("nurse",))])] == [
        1
    ]  # a nurse may do it
    assert rules.qualified("carer", {"nurse"}) and not rules.qualified(
        "nurse", {"carer_l4"}
    )


def test_ranking_reads_days_only_while_a_carer_can_still_make_the_list():
    carers = [
        _carer(i, lat=29.3 + i / 1000) for i in range(1, 201)
    ]  # 0.11 km apart, nearest first
    asked: list[list[int]] = []
    odd = {
        i for i in range(1, 201) if i % 2
    }  # every odd-numbered carer is at another home then
    ranked = _rank(carers, limit=5, busy=odd, asked=asked)
    assert [s.carer_id for s in ranked] == [2, 4, 6, 8, 10]
    read = [pk for a in asked for pk in a]
    assert sorted(read) == list(range(1, len(read) + 1))  # the nearest, each once
    assert len(read) <= 40  # not two hundred
    # When the nearest are all busy, it reads further out.
    asked.clear()
    ranked = _rank(carers, limit=3, busy=set(range(1, 51)), asked=asked)
    assert [s.carer_id for s in ranked] == [51, 52, 53]
    assert len([pk for a in asked for pk in a]) < 100


def test_ranking_is_exact_whatever_the_carers_days():
    """The lazy, near-first reading gives the list a full reading would, on random providers
    (a town's, a county's spread over 50 km, some carers without a location)."""
    import random

    rng = random.Random(11)
    home = (29.3, 117.2)
    for round_ in range(40):
        spread = 0.05 if round_ % 2 else 0.5

        def place(spread=spread):
            if rng.random() < 0.05:
                return None, None
            return home[0] + rng.uniform(-spread, spread), home[1] + rng.uniform(
                -spread, spread
            )

        carers = [
            _carer(
                i,
                lat=lat,
                lng=lng,
                skills=("bath",) if rng.random() < 0.4 else (),
                cap=rng.choice((4, 8)),
            )
            for i, (lat, lng) in ((i, place()) for i in range(1, 301))
        ]
        counts = {c.id: rng.choice((0, 0, 1, 2, 3, 5, 8)) for c in carers}
        busy = {c.id for c in carers if rng.random() < 0.2}

        def score(c, counts=counts):
            km = (
                10.0 if c.lat is None else rules.distance_m(home, (c.lat, c.lng)) / 1000
            )
            return round(km + counts[c.id] - (2 if c.skills else 0), 6)

        full = sorted(
            (score(c), c.id)
            for c in carers
            if c.id not in busy and counts[c.id] < c.capacity
        )[:10]
        ranked = _rank(carers, counts=counts, busy=busy)
        assert [s.carer_id for s in ranked] == [pk for _, pk in full]


def test_payment_split():
    s = rules.split_payment(
        5000, 60, quota_kind="amount", left_fen=3000, rest_paid_by="family"
    )
    assert (s.voucher_fen, s.family_fen, s.self_fen) == (3000, 2000, 0)
    s = rules.split_payment(6000, 120, quota_kind="hours", left_minutes=60)
    assert (s.voucher_fen, s.voucher_minutes, s.self_fen) == (3000, 60, 3000)
    s = rules.split_payment(6000, 60, quota_kind=None)
    assert (s.voucher_fen, s.self_fen) == (0, 6000)


def test_problems_and_lateness():
    slot = dt.datetime(2026, 3, 3, 9, 0)
    assert rules.late_for_checkin("taken", slot, slot + dt.timedelta(minutes=31))
    assert not rules.late_for_checkin("taken", slot, slot + dt.timedelta(minutes=29))
    assert not rules.late_for_checkin("arrived", slot, slot + dt.timedelta(hours=2))
    found = rules.service_problems(
        checkin_distance_m=None,
        checkout_distance_m=900,
        minutes_served=10,
        min_minutes=30,
        tolerance_m=300,
    )
    assert found == [
        "签到未定位",
        "签退位置距住址约 900 米",
        "服务时长 10 分钟，短于最短 30 分钟",
    ]
    assert (
        rules.service_problems(
            checkin_distance_m=20,
            checkout_distance_m=30,
            minutes_served=45,
            min_minutes=30,
            tolerance_m=300,
        )
        == []
    )


def test_plan_occurrences_respect_start_and_end():
    week = dt.date(2026, 3, 2)  # a Monday
    at = dt.time(9, 30)
    assert rules.occurrences([2, 5], at, dt.date(2026, 1, 1), None, week) == [
        dt.datetime(2026, 3, 3, 9, 30),
        dt.datetime(2026, 3, 6, 9, 30),
    ]
    assert rules.occurrences([2, 5], at, dt.date(2026, 3, 4), None, week) == [
        dt.datetime(2026, 3, 6, 9, 30)
    ]
    assert rules.occurrences(
        [2, 5], at, dt.date(2026, 1, 1), dt.date(2026, 3, 5), week
    ) == [dt.datetime(2026, 3, 3, 9, 30)]
    assert rules.week_start(dt.date(2026, 3, 8)) == week


def test_meal_category_and_subsidy():
    table = {"tekun": 1500, "dibao": 500, "age80": 300, "general": 100}
    assert rules.meal_category(70, {"tekun", "dibao"}) == "tekun"
    assert rules.meal_category(85, set()) == "age80"
    assert rules.meal_category(85, {"low_income"}) == "dibao"
    assert rules.meal_subsidy(1200, "tekun", table) == 1200  # never more than the price
    assert rules.meal_subsidy(1200, "general", table) == 100
    assert OrderState.NEW in rules.BEFORE_ARRIVAL
