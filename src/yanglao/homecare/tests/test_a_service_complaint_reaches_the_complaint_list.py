"""A family's complaint about a home-care order joins the bureau's one complaint list (投诉举报):
about the provider, routed to the street of the order's community, with the deadlines; upheld, it
goes on the provider's credit record."""

import pytest

from yanglao.conftest import client_for
from yanglao.homecare import services
from yanglao.homecare.tests.test_orders import _place
from yanglao.supervision import services as supervision
from yanglao.supervision.models import Complaint, CreditEntry

pytestmark = pytest.mark.django_db


def test_the_complaint_reaches_the_street_and_the_providers_credit(hc, users, regions):
    order = _place(hc)
    services.complaint_file(
        by=hc["family"], order=order, text="护理员迟到一小时，没洗完就走了"
    )
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.subject, complaint.provider) == (
        "order",
        "provider",
        hc["provider"],
    )
    assert complaint.region == regions["street"]  # the order's community's street
    assert (
        complaint.source == f"order:{order.pk}" and "没洗完就走了" in complaint.content
    )
    bob = client_for(users["bob"])
    listed = bob.get("/supervision/complaints/?channel=order").content.decode()
    assert complaint.code in listed and "安康居家服务中心" in listed
    assert (
        complaint.code
        not in bob.get("/supervision/complaints/?channel=phone").content.decode()
    )
    supervision.complaint_answer(
        by=users["bob"],
        complaint=complaint,
        answer="经核实属实，已约谈服务商",
        upheld=True,
    )
    entry = CreditEntry.objects.get()
    assert (entry.provider, entry.kind, entry.points) == (
        hc["provider"],
        "complaint_upheld",
        -3,
    )
    overview = client_for(users["alice"]).get("/supervision/credit/").content.decode()
    assert "安康居家服务中心</a></td><td>A 守信（97）" in overview
