"""Rectification to the end: an order past its deadline is escalated once by the clock (a credit
deduction for the institution, never twice); the bureau opens a case (立案) from it and closes it
with its decision — a penalty goes on the credit record, a fine without a penalty is refused."""

import datetime as dt

import pytest

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.models import Case, CreditEntry, Rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(regions, users):
    home = Facility.objects.create(
        name="浮梁福寿院",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )
    inspection = services.inspection_start(by=users["bob"], facility=home)
    answers = {c: {"result": "pass"} for c, *_r in GB38600["items"]}
    answers["4-1"] = {"result": "fail", "note": "无消防验收材料"}
    services.inspection_record(by=users["bob"], inspection=inspection, answers=answers)
    services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    return inspection.rectifications.get()


def test_an_overdue_order_is_escalated_once(order):
    assert services.escalate_overdue(today=order.deadline) == 0  # due today: not late
    later = order.deadline + dt.timedelta(days=1)
    assert services.escalate_overdue(today=later) == 1
    assert services.escalate_overdue(today=later + dt.timedelta(days=3)) == 0
    order.refresh_from_db()
    assert order.escalated_at is not None
    overdue = CreditEntry.objects.get(kind="rectification_overdue")
    assert (overdue.facility_id, overdue.points) == (order.facility_id, -5)


def test_a_closed_order_is_not_escalated(order, users):
    Rectification.objects.filter(pk=order.pk).update(state="closed")
    assert services.escalate_overdue(today=order.deadline + dt.timedelta(days=9)) == 0


def test_a_case_opened_from_the_order_closes_with_a_penalty_on_the_credit_record(
    order, users
):
    bob = client_for(users["bob"])
    response = bob.post(
        f"/supervision/rectifications/{order.pk}/",
        {"action": "case", "summary": "未取得消防验收擅自运营，逾期未整改"},
    )
    case = Case.objects.get()
    assert response.url == f"/supervision/cases/{case.pk}/"
    assert (
        case.number.startswith("民监立〔")
        and case.source == f"rectification:{order.pk}"
    )
    page = bob.post(
        f"/supervision/cases/{case.pk}/",
        {"decision": "order", "decision_text": "责令限期改正", "fine": "5000"},
        follow=True,
    ).content.decode()
    assert "只有行政处罚可以有罚款" in page
    case.refresh_from_db()
    assert case.state == "open"
    bob.post(
        f"/supervision/cases/{case.pk}/",
        {
            "decision": "penalty",
            "decision_text": "景民罚〔2026〕7号，罚款五千元",
            "fine": "5000",
        },
    )
    case.refresh_from_db()
    assert (case.state, case.fine_fen) == ("closed", 500_000)
    penalty = CreditEntry.objects.get(kind="penalty")
    assert penalty.points == -20 and case.number in penalty.text
    with pytest.raises(ValidationFailed, match="已结案"):
        services.case_close(
            by=users["bob"], case=case, decision="none", text="撤销立案"
        )
    assert (
        client_for(users["dave"]).get(f"/supervision/cases/{case.pk}/").status_code
        == 404
    )
