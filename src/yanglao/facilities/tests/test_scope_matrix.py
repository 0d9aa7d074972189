"""One matrix for every list, detail and write endpoint: outside the user's area is 404 (pages and
API) and never listed. bob works for 珠山区; everything here lies in 浮梁县."""

import datetime as dt
import json

import pytest

from yanglao.assessments.services import assessment_apply
from yanglao.conftest import client_for, valid_id
from yanglao.facilities.conftest import DAY
from yanglao.facilities.services import admission_create, bed_create, staff_hire


@pytest.fixture
def far(users, far_home, make_elder):
    elder = make_elder(name="远方", region="jiucheng")
    bed = bed_create(by=users["admin"], facility=far_home, code="1")
    admission = admission_create(
        by=users["admin"], elder=elder, bed=bed, admitted_on=DAY
    )
    staff = staff_hire(
        by=users["admin"],
        name="远工",
        id_number=valid_id("360222", dt.date(1980, 1, 1), 12),
        role="carer",
        hired_on=DAY,
        facility=far_home,
    )
    assessment = assessment_apply(
        by=users["admin"], elder=elder, reason="first", applicant="community"
    )
    return {
        "elder": elder,
        "assessment": assessment,
        "facility": far_home,
        "bed": bed,
        "admission": admission,
        "staff": staff,
    }


PAGES = [
    "/elders/{elder}/",
    "/elders/{elder}/edit/",
    "/elders/{elder}/contacts/new/",
    "/elders/{elder}/events/new/",
    "/elders/{elder}/categories/new/",
    "/facilities/{facility}/",
    "/facilities/{facility}/edit/",
    "/facilities/{facility}/beds/new/",
    "/facilities/{facility}/admissions/new/",
    "/facilities/admissions/{admission}/discharge/",
    "/facilities/staff/{staff}/",
    "/facilities/staff/{staff}/trainings/new/",
    "/regions/360222/",
    "/regions/360222101201/",
    "/assessments/{assessment}/",
    "/assessments/{assessment}/assign/",
    "/assessments/{assessment}/form/",
    "/assessments/{assessment}/report/",
    "/assessments/{assessment}/withdraw/",
    "/assessments/elder/{elder}/",
    "/assessments/elder/{elder}/apply/",
    "/assessments/elder/{elder}/historical/",
]
API_GETS = [
    "/api/v1/elders/{elder}",
    "/api/v1/elders/{elder}/contacts",
    "/api/v1/facilities/{facility}",
    "/api/v1/facilities/{facility}/beds",
    "/api/v1/staff/{staff}",
    "/api/v1/regions/360222",
    "/api/v1/admissions?facility_id={facility}",
    "/api/v1/assessments/{assessment}",
    "/api/v1/assessments/level?elder_id={elder}",
]
API_WRITES = [
    ("patch", "/api/v1/elders/{elder}", {"name": "改"}),
    ("post", "/api/v1/elders/{elder}/events", {"kind": "death", "date": "2026-01-01"}),
    (
        "post",
        "/api/v1/elders/{elder}/categories",
        {"category": "dibao", "start_date": "2026-01-01"},
    ),
    ("post", "/api/v1/elders/{elder}/reveal", {}),
    ("patch", "/api/v1/facilities/{facility}", {"name": "改"}),
    ("post", "/api/v1/facilities/{facility}/beds", {"code": "9"}),
    ("patch", "/api/v1/beds/{bed}", {"state": "out_of_service"}),
    (
        "post",
        "/api/v1/admissions/{admission}/discharge",
        {"discharged_on": "2026-04-01"},
    ),
    ("post", "/api/v1/staff/{staff}/leave", {"left_on": "2026-04-01"}),
    ("patch", "/api/v1/regions/360222", {"population": 1}),
    (
        "post",
        "/api/v1/assessments",
        {"elder_id": "{elder}", "reason": "first", "applicant": "community"},
    ),
    (
        "post",
        "/api/v1/assessments/{assessment}/assign",
        {"agency_id": 1, "assessor_ids": [1, 2]},
    ),
    ("post", "/api/v1/assessments/{assessment}/answers", {"part": {"coma": True}}),
    ("post", "/api/v1/assessments/{assessment}/submit", {}),
    ("post", "/api/v1/assessments/{assessment}/confirm", {}),
]


def _ids(far):
    return {k: v.pk for k, v in far.items()}


@pytest.mark.parametrize("url", PAGES)
def test_pages_outside_scope_are_404(users, far, url):
    assert client_for(users["bob"]).get(url.format(**_ids(far))).status_code == 404
    assert client_for(users["dave"]).get(url.format(**_ids(far))).status_code == 200


@pytest.mark.parametrize("url", API_GETS)
def test_api_reads_outside_scope_are_404(users, far, api_token, url):
    assert api_token(users["bob"]).get(url.format(**_ids(far))).status_code == 404
    assert api_token(users["dave"]).get(url.format(**_ids(far))).status_code == 200


@pytest.mark.parametrize("method, url, body", API_WRITES)
def test_api_writes_outside_scope_are_404_and_change_nothing(
    users, far, api_token, method, url, body
):
    client = api_token(users["bob"])
    payload = json.dumps(body).replace('"{elder}"', str(far["elder"].pk))
    r = getattr(client, method)(
        url.format(**_ids(far)), payload, content_type="application/json"
    )
    assert r.status_code == 404
    far["elder"].refresh_from_db()
    assert (far["elder"].name, far["elder"].status) == ("远方", "active")
    far["assessment"].refresh_from_db()
    assert (far["assessment"].status, far["assessment"].version) == ("applied", 0)
    assert far["elder"].assessments.count() == 1


@pytest.mark.parametrize(
    "url, key",
    [
        ("/elders/", "page"),
        ("/facilities/", "page"),
        ("/facilities/staff/", "page"),
        ("/assessments/", "page"),
        ("/assessments/due/?kind=never&include_applied=on", "page"),
    ],
)
def test_lists_never_show_another_area(users, far, url, key):
    assert client_for(users["bob"]).get(url).context[key].total == 0
    assert client_for(users["dave"]).get(url).context[key].total == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/elders",
        "/api/v1/facilities",
        "/api/v1/staff",
        "/api/v1/admissions",
        "/api/v1/assessments",
    ],
)
def test_api_lists_never_show_another_area(users, far, api_token, url):
    assert api_token(users["bob"]).get(url).json()["total"] == 0
    assert api_token(users["dave"]).get(url).json()["total"] == 1


def test_home_counts_are_scoped(users, far):
    assert client_for(users["bob"]).get("/").context["elders"]["total"] == 0
    assert client_for(users["dave"]).get("/").context["facilities"]["beds"] == 1
