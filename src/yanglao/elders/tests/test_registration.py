import datetime as dt

import pytest

from yanglao.conftest import valid_id
from yanglao.core.errors import ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.elders.models import Elder
from yanglao.elders.services import elder_create, elder_update


def _create(users, **overrides):
    values = {
        "name": "王秀英",
        "id_number": valid_id(),
        "residence_region": "360203001001",
        "phone": "13800138000",
    }
    values.update(overrides)
    return elder_create(by=users["bob"], **values)


def test_birth_date_and_sex_come_from_the_identity_number(users):
    elder = _create(users, id_number=valid_id(birth=dt.date(1944, 7, 1), seq=13))
    assert (elder.birth_date, elder.sex) == (dt.date(1944, 7, 1), "M")
    assert elder.id_number == valid_id(birth=dt.date(1944, 7, 1), seq=13)
    assert "1944" not in elder.id_number_enc


def test_it_is_audited_without_the_protected_values(users):
    elder = _create(users)
    entry = AuditEntry.objects.get(
        action="create", object_type="elders.elder", object_id=str(elder.pk)
    )
    assert entry.actor == users["bob"]
    assert entry.after["name"] == "王秀英"
    assert not any(k.endswith(("_enc", "_hash")) for k in entry.after)


@pytest.mark.parametrize(
    "overrides, field, reason",
    [
        ({"id_number": "36020319450308001"}, "id_number", "应为18位"),
        ({"id_number": "360203194502300011"}, "id_number", "出生日期不存在"),
        (
            {"id_number": valid_id()[:17] + ("0" if valid_id()[17] != "0" else "1")},
            "id_number",
            "校验码错误",
        ),
        (
            {"id_number": valid_id(birth=dt.date(2090, 1, 1))},
            "id_number",
            "出生日期在未来",
        ),
        ({"id_number": valid_id(birth=dt.date(1980, 1, 1))}, "id_number", "未满60周岁"),
        ({"residence_region": "360299001001"}, "residence_region", "不存在"),
        (
            {"residence_region": "360222101201"},
            "residence_region",
            "不在您的管辖范围内",
        ),
        ({"phone": "12345"}, "phone", "电话号码格式不正确"),
        ({"name": "  "}, "name", "姓名不能为空"),
        ({"birth_date": dt.date(1950, 1, 1)}, "birth_date", "出生日期与身份证号不一致"),
        ({"sex": "F"}, "sex", "性别与身份证号不一致"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    users, overrides, field, reason
):
    with pytest.raises(ValidationFailed) as exc:
        _create(users, **overrides)
    assert reason in exc.value.errors[field]
    assert not Elder.objects.exists()
    assert not AuditEntry.objects.filter(
        action="create", object_type="elders.elder"
    ).exists()


def test_a_duplicate_identity_number_is_refused(users):
    _create(users)
    with pytest.raises(ValidationFailed) as exc:
        _create(users, name="另一个人")
    assert exc.value.errors["id_number"] == "该身份证号已登记，请勿重复建档"
    assert Elder.objects.count() == 1


def test_a_leader_cannot_write(users):
    with pytest.raises(ValidationFailed):
        elder_create(
            by=users["leader"],
            name="王",
            id_number=valid_id(),
            residence_region="360203001001",
        )


def test_update_records_before_and_after(users):
    elder = _create(users)
    elder_update(
        by=users["bob"], elder=elder, living_arrangement="alone", address="新村路8号"
    )
    entry = AuditEntry.objects.filter(action="update", object_id=str(elder.pk)).latest(
        "at"
    )
    assert entry.before == {"living_arrangement": "other", "address": ""}
    assert entry.after == {"living_arrangement": "alone", "address": "新村路8号"}


def test_update_refuses_moving_a_person_out_of_scope(users):
    elder = _create(users)
    with pytest.raises(ValidationFailed) as exc:
        elder_update(by=users["bob"], elder=elder, residence_region="360222101201")
    assert "不在您的管辖范围内" in exc.value.errors["residence_region"]
    elder.refresh_from_db()
    assert elder.residence_region.code == "360203001001"


def test_correcting_the_identity_number_rederives_birth_and_sex(users):
    elder = _create(users)
    elder_update(
        by=users["bob"],
        elder=elder,
        id_number=valid_id(birth=dt.date(1940, 2, 2), seq=22),
    )
    elder.refresh_from_db()
    assert (elder.birth_date, elder.sex) == (dt.date(1940, 2, 2), "F")


def test_derived_flags(users):
    old = _create(users, id_number=valid_id(birth=dt.date(1930, 1, 1)))
    assert old.is_gaoling
    assert old.age(dt.date(2026, 1, 1)) == 96
