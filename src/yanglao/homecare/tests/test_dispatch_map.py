"""Issue 21 §3: the provider dispatches with a map that shows the home and the suggested carers by
name, rank and distance."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for
from yanglao.homecare import services
from yanglao.homecare.tests.test_api_pages import _order

pytestmark = pytest.mark.django_db


def test_the_dispatch_map_shows_the_home_and_named_carers(hc, users):
    order = _order(hc)
    services.order_step(by=hc["boss"], order_id=order.pk, step="accept")
    page = client_for(hc["boss"]).get(f"/homecare/orders/{order.pk}/").content.decode()
    svg = page[page.index('<svg class="chart map"') :]
    svg = svg[: svg.index("</svg>")]
    assert ">王秀英<" in svg and "老人住址" in svg
    assert "1. 李护理" in svg  # the best suggestion, named with its distance
    assert "推荐服务人员（序号 姓名 距离）" in svg
