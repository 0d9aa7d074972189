"""Issue 21 §2: the carer an order is dispatched to calls the person from their day list while the
order is under way — the number once, as a tel: link, audited with the order as the purpose;
another carer, or the same carer before dispatch or after check-out, is refused."""

from __future__ import annotations

import pytest

from yanglao.conftest import client_for
from yanglao.core.models import AuditEntry
from yanglao.elders.services import elder_update
from yanglao.homecare import services
from yanglao.homecare.tests.test_api_pages import _order

pytestmark = pytest.mark.django_db


def _dispatched(hc):
    order = _order(hc)
    for by, step, data in [
        (hc["boss"], "accept", {}),
        (hc["boss"], "dispatch", {"carer": hc["carers"]["li"]}),
    ]:
        services.order_step(by=by, order_id=order.pk, step=step, **data)
    return order


def test_the_dispatched_carer_dials_the_person(hc, users):
    elder_update(by=users["admin"], elder=hc["elder"], phone="13600136000")
    order = _dispatched(hc)
    li = client_for(hc["carer_users"]["li"])
    day = li.get(f"/homecare/carer/?day={order.slot_start:%Y-%m-%d}").content.decode()
    assert f'action="/homecare/orders/{order.pk}/call/"' in day
    assert "13600136000" not in day  # only in the answer to the call, once
    page = li.post(f"/homecare/orders/{order.pk}/call/").content.decode()
    assert 'href="tel:13600136000"' in page
    entry = AuditEntry.objects.get(action="view_pii")
    assert entry.actor == hc["carer_users"]["li"]
    assert f"工单 #{order.pk}" in entry.summary


def test_another_carer_gets_404_and_no_number(hc, users):
    elder_update(by=users["admin"], elder=hc["elder"], phone="13600136000")
    order = _dispatched(hc)
    response = client_for(hc["carer_users"]["zhao"]).post(
        f"/homecare/orders/{order.pk}/call/"
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="view_pii").exists()


def test_no_call_before_dispatch(hc, users):
    elder_update(by=users["admin"], elder=hc["elder"], phone="13600136000")
    order = _order(hc)
    services.order_step(by=hc["boss"], order_id=order.pk, step="accept")
    response = client_for(hc["carer_users"]["li"]).post(
        f"/homecare/orders/{order.pk}/call/", follow=True
    )
    assert "13600136000" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="view_pii").exists()
