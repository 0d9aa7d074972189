"""Facility, bed and staff rosters: through the facilities services (the 从业禁止 check included),
matched so that re-importing changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.conftest import valid_id
from yanglao.facilities.models import Bed, Facility, Staff
from yanglao.facilities.services import ban_add
from yanglao.imports import services

pytestmark = pytest.mark.django_db


def _csv(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def _import(users, kind, data, who="alice"):
    job = services.import_check(
        job=services.import_upload(
            by=users[who], kind=kind, file_name="l.csv", data=data
        )
    )
    if job.errors or job.status == "failed":
        return job
    return services.import_run(job=services.import_confirm(by=users[who], job=job))


def test_facilities_beds_and_staff(users, regions):
    homes = _csv(
        "名称,类型,性质,所在区划,内设医疗机构",
        [
            "颐养院,民办养老机构,民办,周路口街道,是",
            "幸福食堂,老年助餐点/幸福食堂,公办,360203001001,否",
        ],
    )
    assert _import(users, "facilities", homes).counts["new"] == 2
    assert Facility.objects.get(name="颐养院").has_medical_unit is True
    assert _import(users, "facilities", homes).counts["unchanged"] == 2
    beds = _csv("机构名称,床位号,床位类型", ["颐养院,101,护理型", "颐养院,102,普通"])
    assert _import(users, "beds", beds).counts["new"] == 2
    assert Bed.objects.get(code="101").kind == "nursing"
    assert _import(users, "beds", beds).counts["unchanged"] == 2
    nurse = valid_id("360203", dt.date(1980, 1, 1), 12)
    staff = _csv(
        "姓名,身份证号,岗位,入职日期,所在机构",
        [f"张护理,{nurse},养老护理员,2024-03-01,颐养院"],
    )
    assert _import(users, "staff", staff).counts["new"] == 1
    assert _import(users, "staff", staff).counts["unchanged"] == 1
    assert Staff.objects.count() == 1


def test_banned_person_and_bad_rows(users, regions):
    _import(
        users,
        "facilities",
        _csv("名称,类型,性质,所在区划", ["颐养院,民办养老机构,民办,周路口街道"]),
    )
    banned = valid_id("360203", dt.date(1975, 5, 5), 14)
    ban_add(
        by=users["alice"],
        name="禁",
        id_number=banned,
        reason="虐待老人",
        source="法院判决",
        start_date=dt.date(2024, 1, 1),
    )
    rows = _csv(
        "姓名,身份证号,岗位,入职日期,所在机构",
        [
            f"禁,{banned},养老护理员,2024-03-01,颐养院",
            f"某,{valid_id('360203', dt.date(1980, 2, 2), 16)},飞行员,2024-03-01,颐养院",
            f"某,{valid_id('360203', dt.date(1980, 3, 3), 16)},养老护理员,2024-03-01,不存在的院",
        ],
    )
    job = _import(users, "staff", rows)
    reasons = {row: reason for _s, row, _c, _v, reason in job.errors}
    assert "从业禁止" in reasons[2]
    assert "应为" in reasons[3]
    assert "找不到该机构" in reasons[4]
    assert not Staff.objects.exists()
    bad = _import(
        users,
        "facilities",
        _csv(
            "名称,类型,性质,所在区划",
            ["X,火箭,民办,周路口街道", "Y,民办养老机构,民办,火星"],
        ),
    )
    assert len(bad.errors) == 2 and Facility.objects.count() == 1


def test_the_health_bureaus_list_of_medical_institutions(users, regions):
    from yanglao.medical.models import MedicalInstitution

    listing = _csv(
        "名称,类别,所在区划,等级,医保定点,执业许可证登记号",
        [
            "浮梁镇卫生院,乡镇卫生院,浮梁镇,一级,是,PDY-001",
            "珠山区人民医院,医院,360203,二级,是,",
        ],
    )
    assert _import(users, "medical_institutions", listing).counts["new"] == 2
    centre = MedicalInstitution.objects.get(licence_no="PDY-001")
    assert (centre.kind, centre.grade, centre.insured) == ("township", "1", True)
    assert _import(users, "medical_institutions", listing).counts["unchanged"] == 2
    renamed = _csv(
        "名称,类别,所在区划,等级,医保定点,执业许可证登记号",
        ["浮梁镇中心卫生院,乡镇卫生院,浮梁镇,一级,是,PDY-001"],
    )
    assert _import(users, "medical_institutions", renamed).counts["updated"] == 1
    assert MedicalInstitution.objects.get(pk=centre.pk).name == "浮梁镇中心卫生院"
    wrong = _csv(
        "名称,类别,所在区划,医保定点",
        ["某诊所,药店,浮梁镇,是", "某卫生室,村卫生室,不存在的村,也许"],
    )
    job = _import(users, "medical_institutions", wrong)
    reasons = {(e[2], e[4].split("：")[0]) for e in job.errors}
    assert ("类别", "应为") in reasons and ("医保定点", "应为“是”或“否”") in reasons
    assert "所在区划" in {e[2] for e in job.errors}
    assert MedicalInstitution.objects.count() == 2
