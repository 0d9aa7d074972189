"""Inspections against the GB 38600-2019 checklist: item by item, a 不符合 needs its finding,
signing needs every item and makes a rectification order per failed item with a deadline by
severity; a signed inspection is not edited; the institution answers with evidence, and the bureau
closes only with evidence."""

import datetime as dt

import pytest

from yanglao.conftest import PASSWORD, client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.tests.people import make_director

pytestmark = pytest.mark.django_db
CODES = [c for c, *_rest in GB38600["items"]]


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="周路口敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
    )


def test_the_checklist_is_worked_through_and_signed_into_rectification(home, users):
    bob = client_for(users["bob"])
    inspection = services.inspection_start(by=users["bob"], facility=home)
    form = {f"r-{c}": "pass" for c in CODES}
    form["r-6-6"], form["r-4-4"] = "fail", "fail"  # 防跌倒 (重大), 巡查交接班 (一般)
    form["n-4-4"] = "交接班记录缺11月"
    form.update(cosigner_username="alice", cosigner_password=PASSWORD)
    page = bob.post(
        f"/supervision/inspections/{inspection.pk}/", {**form, "action": "sign"}
    ).content.decode()
    assert "不符合的项请写明检查发现" in page  # 6-6 has no finding: nothing signed
    form["n-6-6"] = "二楼走廊扶手松动"
    bob.post(f"/supervision/inspections/{inspection.pk}/", {**form, "action": "sign"})
    inspection.refresh_from_db()
    assert inspection.state == "signed"
    orders = {r.item_code: r for r in inspection.rectifications.all()}
    today = dt.date.today()
    assert orders["6-6"].deadline == today + dt.timedelta(days=7)
    assert orders["4-4"].deadline == today + dt.timedelta(days=30)
    with pytest.raises(ValidationFailed, match="已签署，不能修改"):
        services.inspection_record(
            by=users["bob"],
            inspection=inspection,
            answers={"4-1": {"result": "fail", "note": "x"}},
        )


def test_signing_needs_every_item(home, users):
    inspection = services.inspection_start(by=users["bob"], facility=home)
    services.inspection_record(
        by=users["bob"], inspection=inspection, answers={"4-1": {"result": "pass"}}
    )
    with pytest.raises(ValidationFailed, match="还有 20 项未检查"):
        services.inspection_sign(
            by=users["bob"], inspection=inspection, cosigner=users["alice"]
        )


def test_the_institution_answers_and_the_bureau_closes_only_with_evidence(
    home, users, regions
):
    inspection = services.inspection_start(by=users["bob"], facility=home)
    answers = {c: {"result": "pass"} for c in CODES}
    answers["7-2"] = {"result": "fail", "note": "今年未组织消防演练"}
    services.inspection_record(by=users["bob"], inspection=inspection, answers=answers)
    services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    order = inspection.rectifications.get()
    with pytest.raises(ValidationFailed, match="尚未提交整改佐证"):
        services.rectification_verify(by=users["bob"], rectification=order, accept=True)
    director = make_director(home)
    client = client_for(director)
    assert "7-2" in client.get("/supervision/rectifications/").content.decode()
    client.post(
        f"/supervision/rectifications/{order.pk}/",
        {
            "action": "answer",
            "evidence": "12月3日组织全员消防疏散演练，附照片和签到表。",
        },
    )
    order.refresh_from_db()
    assert order.state == "submitted"
    services.rectification_verify(by=users["bob"], rectification=order, accept=True)
    order.refresh_from_db()
    assert order.state == "closed" and order.verified_by == users["bob"]
    other = Facility.objects.create(
        name="别家", type="private_home", ownership="private", region=regions["street"]
    )
    assert (
        client_for(director).get(f"/supervision/rectifications/{order.pk}/").status_code
        == 200
    )
    assert other.pk  # the director sees only their own facility's orders
    stranger = make_user("dir2", "facility_admin", regions["street"])
    assert (
        client_for(stranger).get(f"/supervision/rectifications/{order.pk}/").status_code
        == 404
    )
