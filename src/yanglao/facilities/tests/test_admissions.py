import pytest
from django.db import IntegrityError, transaction

from yanglao.core.errors import ValidationFailed
from yanglao.elders.services import life_event_record
from yanglao.facilities.conftest import DAY
from yanglao.facilities.models import Admission
from yanglao.facilities.selectors import facility_counts
from yanglao.facilities.services import (
    admission_create,
    admission_discharge,
    bed_update,
)


def test_admission_puts_the_elder_in_the_bed_and_sets_care_setting(
    users, home, make_elder
):
    elder = make_elder()
    bed = home.beds.get(code="1-101-1")
    admission_create(by=users["bob"], elder=elder, bed=bed, admitted_on=DAY)
    elder.refresh_from_db()
    assert elder.care_setting == "institution"
    counts = facility_counts(by=users["bob"])
    assert (counts["beds"], counts["nursing_beds"], counts["occupied_beds"]) == (
        2,
        1,
        1,
    )
    assert counts["nursing_share"] == 0.5


def test_a_second_bed_for_one_elder_is_refused(users, home, make_elder):
    elder = make_elder()
    first, second = home.beds.order_by("code")
    admission_create(by=users["bob"], elder=elder, bed=first, admitted_on=DAY)
    with pytest.raises(ValidationFailed) as exc:
        admission_create(by=users["bob"], elder=elder, bed=second, admitted_on=DAY)
    assert "该老人已入住 塘坪敬老院 1-101-1 床" in exc.value.errors["elder"]
    assert Admission.objects.count() == 1


def test_an_occupied_bed_is_refused(users, home, make_elder):
    bed = home.beds.first()
    admission_create(
        by=users["bob"], elder=make_elder(name="甲"), bed=bed, admitted_on=DAY
    )
    with pytest.raises(ValidationFailed) as exc:
        admission_create(
            by=users["bob"], elder=make_elder(name="乙"), bed=bed, admitted_on=DAY
        )
    assert exc.value.errors["bed"] == "该床位已有老人入住"


def test_the_database_itself_refuses_two_open_admissions(users, home, make_elder):
    elder = make_elder()
    first, second = home.beds.order_by("code")
    Admission.objects.create(elder=elder, bed=first, admitted_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.create(elder=elder, bed=second, admitted_on=DAY)


def test_discharge_frees_the_bed(users, home, make_elder):
    elder = make_elder()
    bed = home.beds.first()
    adm = admission_create(by=users["bob"], elder=elder, bed=bed, admitted_on=DAY)
    with pytest.raises(ValidationFailed) as exc:
        admission_discharge(
            by=users["bob"], admission=adm, discharged_on=DAY.replace(month=1)
        )
    assert exc.value.errors["discharged_on"] == "退住日期不能早于入住日期"
    admission_discharge(
        by=users["bob"],
        admission=adm,
        discharged_on=DAY.replace(month=6),
        reason="回家居住",
    )
    admission_create(
        by=users["bob"],
        elder=make_elder(name="乙"),
        bed=bed,
        admitted_on=DAY.replace(month=7),
    )
    elder.refresh_from_db()
    assert elder.care_setting == "home"


def test_a_dead_person_cannot_be_admitted_and_an_occupied_bed_cannot_be_closed(
    users, home, make_elder
):
    dead = make_elder(name="甲")
    life_event_record(by=users["bob"], elder=dead, kind="death", date=DAY)
    with pytest.raises(ValidationFailed) as exc:
        admission_create(
            by=users["bob"], elder=dead, bed=home.beds.first(), admitted_on=DAY
        )
    assert "已死亡" in exc.value.errors["elder"]
    admission_create(
        by=users["bob"],
        elder=make_elder(name="乙"),
        bed=home.beds.first(),
        admitted_on=DAY,
    )
    with pytest.raises(ValidationFailed) as exc:
        bed_update(by=users["bob"], bed=home.beds.first(), state="out_of_service")
    assert exc.value.errors["state"] == "床位上有在住老人，不能停用"
