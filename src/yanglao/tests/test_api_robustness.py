"""The API's answers to what a hostile or careless client sends (issue 20, finding 11): one URL
convention (no trailing slash; the other form is a JSON 404, never a redirect that turns a write
into a read, never a server error), numbers beyond any column, explicit nulls in a PATCH, text
longer than its column, odd search text, and a body nested 100,000 deep."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from yanglao.elders.models import Elder
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


def _api_routes():
    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver(), "") if r.startswith("api/")]


def test_no_api_route_ends_in_a_slash():
    routes = _api_routes()
    assert len(routes) > 50
    assert [r for r in routes if r.endswith("/") and r != "api/"] == []


@pytest.mark.parametrize("method", ["post", "patch", "delete", "put"])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/elders/", "/api/v1/regions/", "/api/v1/assessments/", "/api/v1/imports/"],
)
def test_the_slashed_form_is_a_json_404_not_a_redirect(users, api_token, method, path):
    response = getattr(api_token(users["bob"]), method)(
        path, {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "不存在"}


def test_writes_reach_the_unslashed_collection(users, regions, api_token):
    response = api_token(users["alice"]).post(
        "/api/v1/regions",
        {
            "code": "360203001003",
            "name": "新社区",
            "level": 5,
            "parent_code": "360203001",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Region.objects.filter(code="360203001003").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/elders/9223372036854775808",
        "/api/v1/assessments/level?elder_id=99999999999999999999",
        "/api/v1/staff?facility_id=123456789012345678901234567890",
    ],
)
def test_numbers_beyond_a_column_are_refused_by_name(users, api_token, url):
    response = api_token(users["alice"]).get(url)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["msg"] == "数值超出允许范围"
    assert problem["field"] in ("elder_id", "facility_id")


def test_a_word_where_an_id_goes_is_refused(users, api_token):
    response = api_token(users["alice"]).get("/api/v1/staff?facility_id=abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "facility_id"


def test_an_explicit_null_does_not_become_the_text_none(users, api_token, make_elder):
    elder = make_elder(name="王秀英")
    response = api_token(users["bob"]).patch(
        f"/api/v1/elders/{elder.pk}",
        {"name": None, "lat": None},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {d["field"]: d["msg"] for d in response.json()["detail"]}
    assert set(fields) == {"name"}  # lat may be cleared; the name may not
    assert "不能为空" in fields["name"]
    elder.refresh_from_db()
    assert elder.name == "王秀英"


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/v1/regions/360203", {"name": None}),
        ("/api/v1/facilities/{facility}", {"name": None, "region": None}),
    ],
)
def test_null_patches_of_facilities_and_regions_are_refused(
    users, api_token, url, body
):
    from yanglao.facilities.services import facility_create

    facility = facility_create(
        by=users["admin"],
        name="颐养院",
        type="welfare_home",
        ownership="public",
        region="360203001001",
    )
    response = api_token(users["alice"]).patch(
        url.format(facility=facility.pk), body, content_type="application/json"
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == set(body)


def test_text_longer_than_its_column_is_refused(users, api_token, make_elder):
    elder = make_elder(name="王秀英")
    response = api_token(users["bob"]).patch(
        f"/api/v1/elders/{elder.pk}",
        {"name": "王" * 10_000},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"
    assert "最多 50 个字符" in response.json()["detail"][0]["msg"]
    assert Elder.objects.get(pk=elder.pk).name == "王秀英"


@pytest.mark.parametrize("q", ["³", "²³⁴⁵⁶⁷⁸", "١٢٣٤٥٦٧٨", "%", "_"])
def test_odd_search_text_is_searched_not_a_crash(users, api_token, make_elder, q):
    make_elder(name="王秀英")
    response = api_token(users["bob"]).get("/api/v1/elders", {"q": q})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_body_nested_100000_deep_is_refused(users, api_token):
    body = "[" * 100_000 + "]" * 100_000
    response = api_token(users["bob"]).post(
        "/api/v1/elders", body, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


@pytest.mark.parametrize("q", ["³", "١٢٣٤٥٦٧", "0" * 18, "²" * 18])
def test_every_api_list_takes_odd_search_text(users, api_token, q):
    client = api_token(users["alice"])
    lists = [
        r for r in _api_routes() if "<" not in r and not r.endswith(("token", "revoke"))
    ]
    for route in lists:
        response = client.get("/" + route, {"q": q})
        assert response.status_code < 500, (route, response.content[:200])


@pytest.mark.parametrize("q", ["³", "١٢٣٤٥٦٧", "²" * 18])
def test_every_page_list_takes_odd_search_text(users, q):
    from yanglao.conftest import client_for

    client = client_for(users["alice"])
    for path in (
        "/elders/",
        "/facilities/",
        "/facilities/staff/",
        "/assessments/",
        "/homecare/orders/",
        "/alarms/history/",
        "/benefits/applications/",
        "/regions/",
        "/alarms/devices/",
    ):
        response = client.get(path, {"q": q})
        assert response.status_code == 200, (path, q)


@pytest.mark.parametrize("limit", [0, -1, 51])
def test_suggestions_take_a_limit_from_1_to_50(users, api_token, limit):
    response = api_token(users["alice"]).get(
        "/api/v1/homecare/orders/1/suggestions", {"limit": limit}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "limit"


# Lists that are not pages, and why: a ranked shortlist with its own `limit`, a carer's day in
# visiting order (all of it, on a phone), the SLA report's rows (one per region).
NOT_PAGED = {
    "/api/v1/homecare/orders/{order_id}/suggestions",
    "/api/v1/homecare/carer/day",
    "/api/v1/alarm-sla",
}


def test_every_collection_answers_in_one_page_shape(client):
    """{"items", "total", "page", "per_page", "pages"} with ?page= and ?per_page= (≤ 200)."""
    schema = client.get("/api/openapi.json").json()
    bare = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        body = (
            get["responses"]
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
        )
        if body.get("schema", {}).get("type") == "array" and path not in NOT_PAGED:
            bare.append(path)
    assert bare == []


def test_a_number_beyond_a_column_in_the_body_is_refused_by_name(users, api_token):
    response = api_token(users["alice"]).patch(
        "/api/v1/regions/360203",
        '{"population": 99999999999999999999}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "population"
    assert response.json()["detail"][0]["msg"] == "数值超出允许范围"
