"""Issue 21 (smaller things): the family was offered a voucher programme the person had no quota
in, and the order was then refused. The order form offers only the vouchers the person has left
this month, each with what is left."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for
from yanglao.homecare.models import VoucherProgramme

pytestmark = pytest.mark.django_db


def test_the_family_sees_only_vouchers_with_something_left(hc, regions):
    VoucherProgramme.objects.create(
        code="meal", name="助餐券", region=regions["city"], kind="amount"
    )
    form = client_for(hc["family"]).get("/homecare/order/new/").context["form"]
    labels = [label for value, label in form.fields["voucher"].choices if value]
    assert labels == ["居家养老服务券（本月剩余 80.00元）"]
