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


def _carer(
    i,
    *,
    lat=29.3,
    lng=117.2,
    quals=("carer",),
    skills=(),
    works=True,
    hours=True,
    busy=False,
    n=0,
    cap=8,
):
    return rules.CarerFacts(
        i,
        f"c{i}",
        lat,
        lng,
        frozenset(quals),
        frozenset(skills),
        works,
        hours,
        busy,
        n,
        cap,
    )


def test_ranking_keeps_hard_limits_and_prefers_near_light_and_skilled():
    home = (29.3, 117.2)
    carers = [
        _carer(1, lat=29.33),  # ~3.3 km
        _carer(2, lat=29.301),  # ~0.1 km
        _carer(3, lat=29.3, quals=()),  # unqualified
        _carer(4, busy=True),
        _carer(5, works=False),
        _carer(6, n=8, cap=8),  # full
        _carer(7, lat=29.31, skills=("bath",)),  # ~1.1 km, skilled: bonus 2 km
        _carer(8, lat=29.301, n=3),  # near but three orders already
    ]
    ranked = rules.rank_carers(carers, home=home, needed="carer", item_code="bath")
    # 7: 1.1 km − 2 (skilled); 2: 0.1 km; 8: 0.1 km + 3 orders; 1: 3.3 km.
    assert [s.carer_id for s in ranked] == [7, 2, 8, 1]
    assert ranked[0].skilled and "擅长该项服务" in ranked[0].reasons
    assert rules.rank_carers(carers, home=home, needed="nurse", item_code="bath") == []
    assert rules.qualified("carer", {"nurse"}) and not rules.qualified(
        "nurse", {"carer_l4"}
    )


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
    found = rules.service_problems(checkin_distance_m=None, checkout_distance_m=900, minutes_served=10,
                                   min_minutes=30, tolerance_m=300)  # fmt: skip
    assert found == [
        "签到未定位",
        "签退位置距住址约 900 米",
        "服务时长 10 分钟，短于最短 30 分钟",
    ]
    assert rules.service_problems(checkin_distance_m=20, checkout_distance_m=30, minutes_served=45,
                                  min_minutes=30, tolerance_m=300) == []  # fmt: skip


def test_plan_occurrences_respect_start_and_end():
    week = dt.date(2026, 3, 2)  # a Monday
    at = dt.time(9, 30)
    assert rules.occurrences([2, 5], at, dt.date(2026, 1, 1), None, week) == [
        dt.datetime(2026, 3, 3, 9, 30), dt.datetime(2026, 3, 6, 9, 30)]  # fmt: skip
    assert rules.occurrences([2, 5], at, dt.date(2026, 3, 4), None, week) == [
        dt.datetime(2026, 3, 6, 9, 30)
    ]
    assert rules.occurrences([2, 5], at, dt.date(2026, 1, 1), dt.date(2026, 3, 5), week) == [
        dt.datetime(2026, 3, 3, 9, 30)]  # fmt: skip
    assert rules.week_start(dt.date(2026, 3, 8)) == week


def test_meal_category_and_subsidy():
    table = {"tekun": 1500, "dibao": 500, "age80": 300, "general": 100}
    assert rules.meal_category(70, {"tekun", "dibao"}) == "tekun"
    assert rules.meal_category(85, set()) == "age80"
    assert rules.meal_category(85, {"low_income"}) == "dibao"
    assert rules.meal_subsidy(1200, "tekun", table) == 1200  # never more than the price
    assert rules.meal_subsidy(1200, "general", table) == 100
    assert OrderState.NEW in rules.BEFORE_ARRIVAL
