"""Issue 21 (smaller things, 适老化): prices were cut off in the order form's item list on a phone.
The offers are now choices one taps, grouped under their provider, each showing the item and its
price whole."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db


def test_each_offer_is_a_whole_choice_with_its_price_under_its_provider(hc):
    response = client_for(hc["family"]).get("/homecare/order/new/")
    groups = dict(response.context["form"].fields["offer"].choices)
    assert "助浴 50.00元/次" in dict(groups["安康居家服务中心"]).values()
    page = response.content.decode()
    assert '<legend>服务项目和服务商<span class="req"' in page
    assert 'type="radio" name="offer"' in page and '<select name="offer"' not in page
