import datetime as dt
import json

import pytest

from yanglao.conftest import client_for, valid_id
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.conftest import DAY
from yanglao.facilities.models import Staff
from yanglao.facilities.services import ban_add, staff_hire, training_add

CARER_ID = valid_id("360203", dt.date(1980, 5, 5), 22)


def test_hiring_checks_the_ban_list_and_explains(users, home):
    ban_add(
        by=users["alice"],
        name="赵某",
        id_number=CARER_ID,
        reason="虐待老年人",
        source="景德镇市民政局",
        start_date=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationFailed) as exc:
        staff_hire(
            by=users["bob"],
            name="赵某",
            id_number=CARER_ID,
            role="carer",
            hired_on=DAY,
            facility=home,
        )
    assert (
        exc.value.errors["id_number"]
        == "该人员在从业禁止名单中（虐待老年人；景德镇市民政局；终身），不得录用"
    )
    assert not Staff.objects.exists()


def test_an_expired_ban_does_not_block(users, home):
    ban_add(
        by=users["alice"],
        name="赵某",
        id_number=CARER_ID,
        reason="违规",
        source="民政局",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2023, 1, 1),
    )
    staff = staff_hire(
        by=users["bob"],
        name="赵某",
        id_number=CARER_ID,
        role="carer",
        hired_on=DAY,
        facility=home,
        skill_level="4",
    )
    assert (staff.sex, staff.birth_date) == ("F", dt.date(1980, 5, 5))


def test_staff_identity_numbers_are_protected(users, home):
    staff = staff_hire(
        by=users["bob"],
        name="钱某",
        id_number=CARER_ID,
        role="carer",
        hired_on=DAY,
        facility=home,
    )
    assert CARER_ID not in staff.id_number_enc
    body = (
        client_for(users["bob"]).get(f"/facilities/staff/{staff.pk}/").content.decode()
    )
    assert CARER_ID not in body and "3602**********" in body


def test_training_records(users, home):
    staff = staff_hire(
        by=users["bob"],
        name="钱某",
        id_number=CARER_ID,
        role="carer",
        hired_on=DAY,
        facility=home,
    )
    training_add(
        by=users["bob"],
        staff=staff,
        kind="induction",
        title="养老护理员岗前培训",
        completed_on=DAY,
    )
    with pytest.raises(ValidationFailed) as exc:
        training_add(
            by=users["bob"],
            staff=staff,
            kind="induction",
            title="x",
            completed_on=dt.date(2099, 1, 1),
        )
    assert exc.value.errors["completed_on"] == "完成日期不能在未来"
    assert (
        "养老护理员岗前培训"
        in client_for(users["bob"])
        .get(f"/facilities/staff/{staff.pk}/")
        .content.decode()
    )


def test_only_civil_affairs_keeps_the_ban_list(users):
    with pytest.raises(ValidationFailed):
        ban_add(
            by=users["carol"],
            name="赵某",
            id_number=CARER_ID,
            reason="x",
            source="y",
            start_date=DAY,
        )
    assert (
        client_for(users["carol"]).get("/facilities/bans/").context["page"].total == 0
    )


def test_staff_api_hires_and_refuses_banned_people(users, home, api_token):
    client = api_token(users["bob"])
    body = {
        "name": "孙某",
        "id_number": CARER_ID,
        "role": "carer",
        "hired_on": "2026-03-01",
        "facility_id": home.pk,
    }
    r = client.post("/api/v1/staff", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    ban_add(
        by=users["alice"],
        name="周某",
        id_number=valid_id("360203", dt.date(1975, 1, 1), 11),
        reason="侵占财产",
        source="民政局",
        start_date=dt.date(2024, 1, 1),
    )
    body.update(name="周某", id_number=valid_id("360203", dt.date(1975, 1, 1), 11))
    r = client.post("/api/v1/staff", json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    assert "从业禁止名单" in r.json()["detail"][0]["msg"]


def test_staff_api_updates_and_refuses_bad_values(users, home, api_token):
    staff = staff_hire(
        by=users["bob"],
        name="钱某",
        id_number=CARER_ID,
        role="carer",
        hired_on=DAY,
        facility=home,
    )
    client = api_token(users["bob"])
    r = client.patch(
        f"/api/v1/staff/{staff.pk}",
        json.dumps({"skill_level": "3"}),
        content_type="application/json",
    )
    assert r.json()["skill_level"] == "3"
    r = client.patch(
        f"/api/v1/staff/{staff.pk}",
        json.dumps({"role": "boss", "phone": "1"}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["detail"]} == {"role", "phone"}
    staff.refresh_from_db()
    assert (staff.role, staff.skill_level) == ("carer", "3")
