import datetime as dt
import json

from yanglao.conftest import client_for, make_user, valid_id
from yanglao.facilities.conftest import DAY
from yanglao.facilities.models import Facility, Staff
from yanglao.facilities.services import staff_hire


def test_create_form_explains_errors_and_saves(users, regions):
    client = client_for(users["bob"])
    r = client.post(
        "/facilities/new/",
        {
            "name": "",
            "type": "tekun_home",
            "ownership": "public",
            "region": "360203001001",
            "fire_safety": "accepted",
        },
    )
    assert "此项为必填项" in r.content.decode()
    r = client.post(
        "/facilities/new/",
        {
            "name": "新村日间照料中心",
            "type": "community_centre",
            "ownership": "public",
            "region": "360203001002",
            "fire_safety": "accepted",
        },
    )
    assert "已验收或已备案的需填写日期" in r.content.decode()
    assert not Facility.objects.exists()
    r = client.post(
        "/facilities/new/",
        {
            "name": "新村日间照料中心",
            "type": "community_centre",
            "ownership": "public",
            "region": "360203001002",
            "fire_safety": "pending",
        },
    )
    assert r.status_code == 302
    assert Facility.objects.get().region.code == "360203001002"


def test_list_filters_and_detail_shows_beds(users, home, far_home):
    client = client_for(users["alice"])
    r = client.get("/facilities/?region=360222")
    assert [f.name for f in r.context["page"].items] == ["浮梁镇敬老院"]
    r = client.get(f"/facilities/{home.pk}/")
    assert r.context["bed_total"] == 2 and r.context["bed_nursing"] == 1


def test_a_facility_admin_sees_only_their_own(users, home, far_home):
    manager = make_user("director", "facility_admin", home.region)
    staff_hire(
        by=users["admin"],
        name="院长",
        id_number=valid_id("360203", dt.date(1970, 1, 1), 11),
        role="director",
        hired_on=DAY,
        facility=home,
    )
    Staff.objects.update(user=manager)
    client = client_for(manager)
    assert [f.name for f in client.get("/facilities/").context["page"].items] == [
        "塘坪敬老院"
    ]
    assert client.get(f"/facilities/{far_home.pk}/").status_code == 404


def test_api_admission_flow(users, home, make_elder, api_token):
    elder = make_elder()
    client = api_token(users["bob"])
    bed = client.get(f"/api/v1/facilities/{home.pk}/beds").json()["items"][0]
    r = client.post(
        "/api/v1/admissions",
        json.dumps(
            {
                "bed_id": bed["id"],
                "id_number": elder.id_number,
                "admitted_on": "2026-03-01",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r2 = client.post(
        "/api/v1/admissions",
        json.dumps(
            {"bed_id": bed["id"], "elder_id": elder.pk, "admitted_on": "2026-03-01"}
        ),
        content_type="application/json",
    )
    assert r2.status_code == 422
    assert {d["field"] for d in r2.json()["detail"]} == {"elder", "bed"}
    r3 = client.post(
        f"/api/v1/admissions/{r.json()['id']}/discharge",
        json.dumps({"discharged_on": "2026-04-01"}),
        content_type="application/json",
    )
    assert r3.json()["discharged_on"] == "2026-04-01"


def test_lists_do_a_fixed_number_of_queries(
    users, home, far_home, make_elder, api_token, django_assert_max_num_queries
):
    for i in range(5):
        make_elder(name=f"周{i}")
    page_client, api_client = client_for(users["alice"]), api_token(users["alice"])
    with django_assert_max_num_queries(9):
        assert page_client.get("/facilities/").status_code == 200
    # 9 for the facility, its beds, residents and staff; 5 for supervision's section (grade,
    # evaluation, credit record, lists, inspections); 1 for its fire detectors (none here); 2 for
    # 医养结合 (contracts, in-house unit)
    with django_assert_max_num_queries(17):
        assert page_client.get(f"/facilities/{home.pk}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/elders?per_page=50").json()["total"] == 5
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/facilities").json()["total"] == 2
