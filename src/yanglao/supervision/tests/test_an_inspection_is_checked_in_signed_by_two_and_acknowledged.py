"""On site: the team checks in where the institution is (the position and its distance kept; no
position needs a reason); the phone saves each item as it is answered (a 不符合 without its finding
is refused, naming the item); two different inspectors sign — the second with their own password,
and where the drawn team has accounts, only its members; the institution confirms the signed
record, which then changes no more."""

import json

import pytest

from yanglao.conftest import PASSWORD, client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.models import Inspection, Inspector
from yanglao.supervision.tests.people import make_director

pytestmark = pytest.mark.django_db
CODES = [c for c, *_r in GB38600["items"]]


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="珠山康养院",
        type="private_home",
        ownership="private",
        region=regions["street"],
        lat=29.2920,
        lng=117.2050,
    )


def test_check_in_keeps_the_position_and_its_distance(home, users):
    inspection = services.inspection_start(by=users["bob"], facility=home)
    bob = client_for(users["bob"])
    url = f"/supervision/inspections/{inspection.pk}/"
    page = bob.post(url, {"action": "checkin"}, follow=True).content.decode()
    assert "未取得定位，请写明原因" in page
    bob.post(
        url,
        {"action": "checkin", "lat": "29.2929", "lng": "117.2050", "accuracy": "18"},
    )
    inspection.refresh_from_db()
    assert inspection.checkin_distance_m == 100 and inspection.checkin_accuracy_m == 18
    assert "距机构 100 米" in bob.get(url).content.decode()


def test_answers_from_the_phone_are_saved_one_change_at_a_time(home, users):
    inspection = services.inspection_start(by=users["bob"], facility=home)
    bob = client_for(users["bob"])
    url = f"/supervision/inspections/{inspection.pk}/answers/"

    def send(answers):
        return bob.post(
            url, json.dumps({"answers": answers}), content_type="application/json"
        )

    assert send({"4-1": {"result": "pass"}}).json() == {"answered": 1}
    refused = send({"6-6": {"result": "fail", "note": ""}, "4-2": {"result": "pass"}})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"6-6": "不符合的项请写明检查发现"}
    assert send({"4-1": {"result": "pass"}}).json() == {
        "answered": 1
    }  # sent twice: harmless
    assert bob.post(url, "not json", content_type="application/json").status_code == 422
    inspection.refresh_from_db()
    assert list(inspection.answers) == ["4-1"]
    dave = client_for(users["dave"])  # another county: the inspection is not theirs
    assert (
        dave.post(
            url, json.dumps({"answers": {}}), content_type="application/json"
        ).status_code
        == 404
    )


def test_two_inspectors_sign_and_the_institution_confirms(home, users, regions):
    inspection = services.inspection_start(by=users["bob"], facility=home)
    answers = {c: {"result": "pass"} for c in CODES}
    services.inspection_record(by=users["bob"], inspection=inspection, answers=answers)
    bob = client_for(users["bob"])
    url = f"/supervision/inspections/{inspection.pk}/"
    form = {f"r-{c}": "pass" for c in CODES} | {"action": "sign"}
    page = bob.post(url, form, follow=True).content.decode()
    assert "请第二名检查人员输入本人账号和密码确认签字" in page
    page = bob.post(
        url,
        form | {"cosigner_username": "alice", "cosigner_password": "wrong"},
        follow=True,
    ).content.decode()
    assert "第二检查人的账号或密码不正确" in page
    page = bob.post(
        url,
        form | {"cosigner_username": "bob", "cosigner_password": PASSWORD},
        follow=True,
    ).content.decode()
    assert "须由两名检查人员共同签字" in page
    page = bob.post(
        url,
        form | {"cosigner_username": "dave", "cosigner_password": PASSWORD},
        follow=True,
    ).content.decode()
    assert "第二检查人不是本辖区民政执法检查人员" in page  # 浮梁县's clerk
    inspection.refresh_from_db()
    assert inspection.state == "in_progress"
    bob.post(url, form | {"cosigner_username": "alice", "cosigner_password": PASSWORD})
    inspection.refresh_from_db()
    assert (inspection.state, inspection.cosigned_by) == ("signed", users["alice"])

    director = make_director(home)
    client_for(director).post(
        url, {"action": "acknowledge", "institution_note": "无异议"}
    )
    inspection.refresh_from_db()
    assert (
        inspection.acknowledged_by == director
        and inspection.institution_note == "无异议"
    )
    with pytest.raises(ValidationFailed, match="已确认"):
        services.inspection_acknowledge(by=director, inspection=inspection)
    with pytest.raises(ValidationFailed, match="已签署，不能修改"):
        services.inspection_record(
            by=users["bob"], inspection=inspection, answers={"4-1": {"result": "na"}}
        )


def test_a_drawn_team_with_accounts_signs_only_as_itself(home, users, regions):
    for code, user in (("T1", users["bob"]), ("T2", users["alice"])):
        Inspector.objects.create(
            code=code, name=code, department="民政局", region=regions["city"], user=user
        )
    inspection = services.inspection_start(by=users["bob"], facility=home)
    Inspection.objects.filter(pk=inspection.pk).update(team=["T1", "T2"])
    inspection.refresh_from_db()
    services.inspection_record(
        by=users["bob"],
        inspection=inspection,
        answers={c: {"result": "pass"} for c in CODES},
    )
    other = make_user("erin", "civil_affairs", regions["city"])
    with pytest.raises(ValidationFailed, match="签字人须是本次抽取的检查组成员"):
        services.inspection_sign(by=users["bob"], inspection=inspection, cosigner=other)
    signed = services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    assert signed.state == "signed"
