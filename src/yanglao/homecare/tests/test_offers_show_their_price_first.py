"""Issue 21 (smaller things): prices were cut off in the order form's item list on a phone."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db


def test_each_offer_shows_its_price_before_the_provider(hc):
    """On a phone a select cuts a long label at its end: the price comes first, the provider
    last (prices were cut off)."""
    form = client_for(hc["family"]).get("/homecare/order/new/").context["form"]
    labels = [label for value, label in form.fields["offer"].choices if value]
    assert "助浴 50.00元/次 · 安康居家服务中心" in labels
