"""康复辅具 lending (issue 25 §2): a lending point lends a wheelchair to a person who may borrow it,
takes it back, and it cannot be lent again until it has been cleaned, disinfected and passed
inspection; the person's page shows what they hold. Refused with the reason, writing nothing:
a device in cleaning, a person at the limit or not eligible, a return of a device not on loan."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import Elder, ElderCategory
from yanglao.homesupport import rules, services
from yanglao.homesupport.models import AidDevice, DeviceLog, Loan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def point(users, regions):
    return services.point_create(
        by=users["carol"], name="塘坪社区辅具借用点", region=regions["tangping"].code
    )


def _device(users, point, serial, kind="wheelchair", deposit_fen=20000):
    return services.device_add(
        by=users["carol"],
        point=point,
        kind=kind,
        serial=serial,
        acquired_on=TODAY,
        deposit_fen=deposit_fen,
    )


def _frail(make_elder, name, level=2, **kw):
    person = make_elder(name=name, **kw)
    Elder.objects.filter(pk=person.pk).update(ability_level=level)
    return Elder.objects.get(pk=person.pk)


def test_lend_return_clean_then_lend_again(users, make_elder, point):
    chair = _device(users, point, "LY-0001")
    frail = _frail(make_elder, "借用甲")
    page = client_for(users["carol"])
    # The community worker who runs the point reaches it from the main menu.
    assert 'href="/homesupport/aids/"' in page.get("/").content.decode()
    response = page.post(
        f"/homesupport/aids/devices/{chair.pk}/", {"do": "lend", "elder": frail.name}
    )
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert (
        loan.due_on == TODAY + dt.timedelta(days=rules.LOAN_DAYS)
        and loan.deposit_fen == 20000
    )
    assert "轮椅 LY-0001" in page.get(f"/elders/{frail.pk}/").content.decode()
    page.post(f"/homesupport/aids/devices/{chair.pk}/", {"do": "return"})
    chair.refresh_from_db()
    assert chair.state == "cleaning" and Loan.objects.get().returned_on == TODAY
    other = _frail(make_elder, "借用乙")
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(by=users["carol"], device_id=chair.pk, elder=other)
    assert exc.value.errors == {"__all__": "该辅具当前“待清洁消毒”，不能借出"}
    body = page.get(f"/homesupport/aids/devices/{chair.pk}/").content.decode()
    assert "已清洁消毒，检验合格" in body and 'value="lend"' not in body
    page.post(f"/homesupport/aids/devices/{chair.pk}/", {"do": "pass"})
    services.loan_create(by=users["carol"], device_id=chair.pk, elder=other)
    assert [
        e.action for e in DeviceLog.objects.filter(device=chair).order_by("pk")
    ] == [
        "add",
        "lend",
        "return",
        "pass",
        "lend",
    ]


def test_refusals_write_nothing(users, make_elder, point):
    chair, walker, bed = (_device(users, point, s) for s in ("LY-1", "ZX-1", "HL-1"))
    able = _frail(make_elder, "健康丙", level=0, birth=dt.date(1955, 1, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(by=users["carol"], device_id=chair.pk, elder=able)
    assert "借用条件" in exc.value.errors["elder"]
    frail = _frail(make_elder, "失能丁")
    ElderCategory.objects.create(
        elder=frail, category="tekun", start_date=dt.date(2020, 1, 1)
    )
    services.loan_create(by=users["carol"], device_id=chair.pk, elder=frail)
    assert Loan.objects.get().deposit_fen == 0  # 特困: no deposit
    services.loan_create(by=users["carol"], device_id=walker.pk, elder=frail)
    with pytest.raises(ValidationFailed) as exc:
        services.loan_create(by=users["carol"], device_id=bed.pk, elder=frail)
    assert "达到每人 2 件的上限" in exc.value.errors["elder"]
    with pytest.raises(ValidationFailed) as exc:
        services.loan_return(by=users["carol"], device_id=bed.pk)
    assert "不在借出中" in exc.value.errors["__all__"]
    with pytest.raises(ValidationFailed) as exc:
        services.device_add(
            by=users["carol"],
            point=point,
            kind="wheelchair",
            serial="LY-1",
            acquired_on=TODAY,
        )
    assert exc.value.errors == {"serial": "该编号已登记"}
    assert (
        Loan.objects.count() == 2
        and AidDevice.objects.get(pk=bed.pk).state == "available"
    )


def test_another_areas_staff_get_404(users, point, regions, make_elder):
    chair = _device(users, point, "LY-9")
    outsider = make_user("outsider", "community", regions["jiucheng"])
    page = client_for(outsider)
    assert page.get(f"/homesupport/aids/devices/{chair.pk}/").status_code == 404
    assert page.get(f"/homesupport/aids/{point.pk}/").status_code == 404
    frail = _frail(make_elder, "借用戊")
    assert (
        page.post(
            f"/homesupport/aids/devices/{chair.pk}/",
            {"do": "lend", "elder": frail.name},
        ).status_code
        == 404
    )
    assert not Loan.objects.exists()
    assert (
        client_for(users["bob"]).get(f"/homesupport/aids/{point.pk}/").status_code
        == 200
    )


def test_utilisation_counts_devices_on_loan(users, make_elder, point):
    from yanglao.homesupport.measures import MEASURES

    count = {m.code: m.count for m in MEASURES}
    chair, _walker = _device(users, point, "LY-7"), _device(users, point, "ZX-7")
    services.loan_create(
        by=users["carol"], device_id=chair.pk, elder=_frail(make_elder, "借用己")
    )
    region = point.region_id
    assert count["homesupport.aids_in_service"](TODAY, TODAY) == {region: 2}
    assert count["homesupport.aids_on_loan"](TODAY, TODAY) == {region: 1}
    yesterday = TODAY - dt.timedelta(days=1)
    assert count["homesupport.aids_in_service"](yesterday, yesterday) == {}
    page = client_for(users["bob"]).get("/homesupport/aids/").content.decode()
    assert "塘坪社区辅具借用点" in page and "康复辅具利用率" in page


def test_the_waiting_list_is_served_by_a_loan(users, make_elder, point):
    chair = _device(users, point, "LY-5")
    first, second = _frail(make_elder, "候借庚"), _frail(make_elder, "候借辛")
    services.loan_create(by=users["carol"], device_id=chair.pk, elder=first)
    page = client_for(users["carol"])
    response = page.post(
        f"/homesupport/aids/{point.pk}/", {"elder": second.name, "kind": "wheelchair"}
    )
    assert response.status_code == 302
    again = page.post(
        f"/homesupport/aids/{point.pk}/", {"elder": second.name, "kind": "wheelchair"}
    )
    assert "该老人已在等候此类辅具" in again.content.decode()
    able = _frail(make_elder, "健康壬", level=0, birth=dt.date(1955, 1, 1))
    refused = page.post(
        f"/homesupport/aids/{point.pk}/", {"elder": able.name, "kind": "walker"}
    )
    assert "借用条件" in refused.content.decode()
    nobody = page.post(
        f"/homesupport/aids/{point.pk}/", {"elder": "查无此人", "kind": "walker"}
    )
    assert "在您的管辖范围内找不到此人" in nobody.content.decode()
    services.loan_return(by=users["carol"], device_id=chair.pk)
    services.device_step(by=users["carol"], device_id=chair.pk, action="pass")
    body = page.get(f"/homesupport/aids/{point.pk}/").content.decode()
    assert "候借辛" in body and "现有可借" in body
    services.loan_create(by=users["carol"], device_id=chair.pk, elder=second)
    from yanglao.homesupport.models import WaitingRequest

    assert WaitingRequest.objects.get().status == "served"


def test_loans_due_within_a_week_are_listed_for_a_reminder(users, make_elder, point):
    soon = _device(users, point, "LY-0100")
    later = _device(users, point, "LY-0101")
    first, second = _frail(make_elder, "到期甲"), _frail(make_elder, "未到期乙")
    services.loan_create(
        by=users["carol"],
        device_id=soon.pk,
        elder=first,
        lent_on=TODAY - dt.timedelta(days=rules.LOAN_DAYS - 5),
    )
    services.loan_create(by=users["carol"], device_id=later.pk, elder=second)
    body = (
        client_for(users["carol"])
        .get(f"/homesupport/aids/{point.pk}/")
        .content.decode()
    )
    section = body.split("7天内到期")[1].split("</section>")[0]
    assert "到期甲" in section and "未到期乙" not in section
