"""Issue 21 §7: an order that sits 待受理 is flagged on its provider's list after
HOMECARE_UNACCEPTED_PROVIDER_MINUTES, and after HOMECARE_UNACCEPTED_COMMUNITY_MINUTES a follow-up
(超时未受理) is opened once for the community, which sees it on 监管."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.homecare import services
from yanglao.homecare.models import Concern, Order
from yanglao.homecare.tests.test_api_pages import _order

pytestmark = pytest.mark.django_db


def _placed_hours_ago(order, hours: float):
    Order.objects.filter(pk=order.pk).update(
        placed_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_the_provider_is_told_first(hc, settings):
    settings.HOMECARE_UNACCEPTED_PROVIDER_MINUTES = 120
    order = _order(hc)
    boss = client_for(hc["boss"])
    assert "仍待受理" not in boss.get("/homecare/orders/").content.decode()
    _placed_hours_ago(order, 3)
    page = boss.get("/homecare/orders/").content.decode()
    assert "1 张工单超过 2.0 小时仍待受理" in page


def test_the_community_gets_a_follow_up_once(hc, users, settings):
    settings.HOMECARE_UNACCEPTED_COMMUNITY_MINUTES = 24 * 60
    order, accepted = _order(hc), _order(hc)
    services.order_step(by=hc["boss"], order_id=accepted.pk, step="accept")
    _placed_hours_ago(order, 23)
    _placed_hours_ago(accepted, 30)
    assert services.escalate_unaccepted() == 0  # not yet; the accepted one never
    _placed_hours_ago(order, 25)
    assert services.escalate_unaccepted() == 1
    assert services.escalate_unaccepted() == 0  # once per order
    concern = Concern.objects.get(kind="unaccepted")
    assert concern.order == order and concern.opened_by is None
    assert "已 25 小时未受理" in concern.text
    page = client_for(users["carol"]).get("/homecare/supervision/?kind=unaccepted")
    assert (
        "超时未受理" in page.content.decode()
        and "已 25 小时未受理" in page.content.decode()
    )
