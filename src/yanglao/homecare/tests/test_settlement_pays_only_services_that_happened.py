"""Settlement pays only for services that happened (issue 20, findings 6 and 7): an order with
异常 flags at check-out, or a low rating that complains, is held out until staff resolve it; a
settlement counts only orders signed out within its month and before it is built; and a carer
checks in only around the booked time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core.errors import ValidationFailed
from yanglao.homecare import services
from yanglao.homecare.tests.conftest import NEAR, next_weekday_at
from yanglao.homecare.tests.test_orders import _place, _serve, _settle, _step

pytestmark = pytest.mark.django_db


def test_a_zero_minute_bath_is_held_out_until_resolved(hc, users):
    order = _place(hc)
    _serve(hc, order, minutes=0)
    _step(hc, order, "rate", "family", score=2, text="没有给妈妈洗澡")
    order.refresh_from_db()
    assert order.problems
    assert order.disputed
    month = timezone.localtime(order.slot_start).date()
    settlement = _settle(hc, month)
    assert (
        settlement.orders_count,
        settlement.amount_fen,
        settlement.excluded_disputed,
    ) == (0, 0, 1)
    services.order_step(by=users["bob"], order_id=order.pk, step="settle_dispute")
    assert _settle(hc, month).orders_count == 1


def test_a_low_rating_with_a_complaint_holds_a_normal_order(hc):
    order = _place(hc)
    _serve(hc, order)
    _step(hc, order, "rate", "family", score=2, text="态度很差，提前走了")
    order.refresh_from_db()
    assert order.problems == []
    assert order.disputed
    assert _settle(hc, timezone.localtime(order.slot_start).date()).orders_count == 0


def test_a_low_rating_without_words_is_followed_up_but_paid(hc):
    order = _place(hc)
    _serve(hc, order)
    _step(hc, order, "rate", "family", score=2)
    order.refresh_from_db()
    assert not order.disputed
    assert _settle(hc, timezone.localtime(order.slot_start).date()).orders_count == 1


def test_a_settlement_built_before_an_order_is_done_leaves_it_out(hc):
    order = _place(hc)
    _serve(hc, order)
    _step(hc, order, "confirm", "family")
    order.refresh_from_db()
    month = timezone.localtime(order.slot_start).date()
    before = services.settlement_build(
        by=hc["boss"],
        provider=hc["provider"],
        month=month,
        now=order.checkout_at - dt.timedelta(hours=1),
    )
    assert before.orders_count == 0
    after = services.settlement_build(
        by=hc["boss"],
        provider=hc["provider"],
        month=month,
        now=order.checkout_at + dt.timedelta(hours=1),
    )
    assert after.orders_count == 1


def _ready(hc, when):
    order = _place(hc, when=when)
    _step(hc, order, "accept", "boss")
    _step(hc, order, "dispatch", "boss", carer=hc["carers"]["li"])
    _step(hc, order, "take", "li")
    return order


def test_no_check_in_hours_before_the_booked_time(hc):
    order = _ready(hc, next_weekday_at(0))  # booked for 00:00
    evening_before = order.slot_start - dt.timedelta(hours=3)
    with pytest.raises(ValidationFailed, match="最早可提前 60 分钟签到"):
        _step(hc, order, "arrive", "li", lat=NEAR[0], lng=NEAR[1], now=evening_before)
    order.refresh_from_db()
    assert order.state == "taken"
    assert order.checkin_at is None


def test_check_in_within_the_window_and_not_long_after(hc):
    order = _ready(hc, next_weekday_at(9))
    with pytest.raises(ValidationFailed, match="已超过 240 分钟"):
        _step(
            hc,
            order,
            "arrive",
            "li",
            lat=NEAR[0],
            lng=NEAR[1],
            now=order.slot_start + dt.timedelta(hours=5),
        )
    _step(
        hc,
        order,
        "arrive",
        "li",
        lat=NEAR[0],
        lng=NEAR[1],
        now=order.slot_start - dt.timedelta(minutes=30),
    )
    order.refresh_from_db()
    assert order.state == "arrived"
