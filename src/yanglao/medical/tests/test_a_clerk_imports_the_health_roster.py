"""The health system's roster (家庭医生签约及健康服务名单): a bureau clerk imports it — people matched
by the identity number's keyed hash, all or nothing, with row errors naming the row, the column
and the reason — and sees 中医药健康管理率 and 建档率 per township, the lists of those not
covered, LT-13 and SY-9, and each person's family doctor on their page."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for, valid_id
from yanglao.core import pii
from yanglao.imports import services as imports
from yanglao.medical import services
from yanglao.medical.measures import MEASURES
from yanglao.medical.models import FamilyDoctorContract, HealthService

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
COUNT = {m.code: m.count for m in MEASURES}
HEADER = "身份证号,姓名,年度,健康档案,年度体检,中医药健康管理,服务日期,家庭医生签约机构,家庭医生团队,签约起始日期,签约截止日期,解约日期,解约原因"


def _csv(lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _import(by, data):
    job = imports.import_check(
        job=imports.import_upload(
            by=by, kind="health_roster", file_name="r.csv", data=data
        )
    )
    if job.errors or job.status == "failed":
        return job
    return imports.import_run(job=imports.import_confirm(by=by, job=job))


@pytest.fixture
def people(make_elder, users, regions):
    services.institution_save(
        by=users["bob"],
        region=regions["street"],
        name="周路口卫生服务中心",
        kind="community_centre",
    )
    return [
        make_elder(name="甲", birth=dt.date(1950, 1, 1)),
        make_elder(name="乙", birth=dt.date(1948, 1, 1)),
        make_elder(name="丙", birth=dt.date(1952, 5, 5)),
        make_elder(name="丁", birth=dt.date(1949, 2, 2), region="jiucheng"),
    ]


def _number(person):
    return pii.decrypt(person.id_number_enc)


def test_import_and_coverage(users, people, regions):
    a, b, c, _other = people
    roster = _csv(
        [
            f"{_number(a)},甲,{YEAR},是,是,是,{YEAR}-03-01,周路口卫生服务中心,全科一组,{YEAR}-01-01,{YEAR}-12-31,,",
            f"{_number(b)},乙,{YEAR},是,否,否,,,,,,,",
        ]
    )
    job = _import(users["bob"], roster)
    assert job.status == "done", job.errors
    assert job.counts["new"] == 2
    assert HealthService.objects.count() == 4
    contract = FamilyDoctorContract.objects.get()
    assert (contract.elder_id, contract.team) == (a.pk, "全科一组")
    region = a.residence_region_id
    assert COUNT["medical.aged_65"](TODAY, TODAY)[region] == 3
    assert COUNT["medical.aged_65_record"](TODAY, TODAY) == {region: 2}  # LT-13
    assert COUNT["medical.aged_65_tcm"](TODAY, TODAY) == {region: 1}  # SY-9
    # Importing the same roster again changes nothing; ending the contract updates it.
    assert _import(users["bob"], roster).counts == {
        "new": 0,
        "updated": 0,
        "unchanged": 2,
        "errors": 0,
    }
    ended = _csv(
        [
            f"{_number(a)},甲,{YEAR},是,是,是,,周路口卫生服务中心,全科一组,{YEAR}-01-01,{YEAR}-12-31,{TODAY},迁出"
        ]
    )
    assert _import(users["bob"], ended).counts["updated"] == 1
    assert FamilyDoctorContract.objects.get().end_reason == "moved"

    page = client_for(users["bob"])
    body = page.get(
        f"/medical/health/?year={YEAR}&region={regions['street'].code}"
    ).content.decode()
    assert (
        "中医药健康管理率" in body
        and f'data-region="{regions["tangping"].code}"' in body
    )
    assert "1（33.3%）" in body  # tcm: 1 of 3 in 塘坪
    missing = page.get(
        f"/medical/health/uncovered/?year={YEAR}&region={regions['tangping'].code}&kind=tcm"
    ).content.decode()
    assert "乙" in missing and "丙" in missing and ">甲<" not in missing
    person = page.get(f"/elders/{a.pk}/").content.decode()
    assert (
        "家庭医生签约：周路口卫生服务中心 全科一组" in person
        and "已解约（迁出）" in person
    )


def test_one_bad_row_keeps_the_whole_roster_out(users, people, regions):
    a, b, _c, other = people
    roster = _csv(
        [
            f"{_number(a)},甲,{YEAR},是,是,是,,,,,,,",
            f"{valid_id('360203', dt.date(1950, 1, 1), 77)},无名,{YEAR},是,否,否,,,,,,,",
            "36020319500101001X,坏号,2026,是,否,否,,,,,,,",
            f"{_number(b)},错名,{YEAR},是,否,否,,,,,,,",
            f"{_number(a)},甲,{YEAR},是,否,否,,,,,,,",
            f"{_number(b)},乙,{YEAR},也许,否,否,,某医院,,{YEAR}-01-01,{YEAR}-12-31,,",
        ]
    )
    job = _import(users["bob"], roster)
    rows = {(e[1], e[2]) for e in job.errors}
    assert (3, "身份证号") in rows  # unknown person
    assert (4, "身份证号") in rows  # invalid check digit
    assert (5, "姓名") in rows
    assert (6, "身份证号") in rows  # the same person and year twice
    assert (7, "健康档案") in rows and (7, "家庭医生签约机构") in rows
    assert (
        not HealthService.objects.exists() and not FamilyDoctorContract.objects.exists()
    )
    # Another county's person is not the street clerk's to import.
    outside = _import(
        users["bob"], _csv([f"{_number(other)},丁,{YEAR},是,否,否,,,,,,,"])
    )
    assert outside.errors and "找不到该身份证号" in outside.errors[0][4]
