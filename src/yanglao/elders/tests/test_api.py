import json

from yanglao.conftest import valid_id
from yanglao.core.models import AuditEntry
from yanglao.elders.models import Contact, Elder


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_it_creates_and_reads_an_elder(users, regions, api_token):
    client = api_token(users["bob"])
    r = _post(
        client,
        "/api/v1/elders",
        {
            "name": "王秀英",
            "id_number": valid_id(),
            "residence_region": "360203001001",
            "living_arrangement": "alone",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["birth_date"] == "1945-03-08" and body["sex"] == "M"
    assert body["id_number_masked"] == "3602**********" + valid_id()[-4:]
    r = client.get(f"/api/v1/elders/{body['id']}")
    assert r.json()["living_arrangement"] == "alone"


def test_invalid_input_answers_422_naming_every_field(users, regions, api_token):
    client = api_token(users["bob"])
    r = _post(
        client,
        "/api/v1/elders",
        {"name": "", "id_number": "123", "residence_region": "999999", "phone": "1"},
    )
    assert r.status_code == 422
    fields = {d["field"]: d["msg"] for d in r.json()["detail"]}
    assert set(fields) == {"name", "id_number", "residence_region", "phone"}
    assert fields["id_number"] == "身份证号应为18位，实际为3位"
    assert not Elder.objects.exists()


def test_a_missing_required_field_is_a_422_too(users, regions, api_token):
    r = _post(api_token(users["bob"]), "/api/v1/elders", {"name": "王"})
    assert r.status_code == 422
    assert {tuple(d["loc"]) for d in r.json()["detail"]} >= {
        ("body", "body", "id_number")
    }


def test_schema_errors_name_the_field_in_chinese(users, regions, api_token):
    """A request that does not fit the schema says which field and why, in Chinese, like a
    refusal by the services (docs/api.md)."""
    client = api_token(users["bob"])
    detail = _post(client, "/api/v1/elders", {"name": "王"}).json()["detail"]
    assert {"field": "id_number", "msg": "必填"}.items() <= next(
        d for d in detail if d["field"] == "id_number"
    ).items()
    r = client.post(
        "/api/v1/homecare/orders",
        {"elder_id": "甲", "provider_id": 1, "item": "bath", "slot_start": "昨天"},
        content_type="application/json",
    )
    by_field = {d["field"]: d["msg"] for d in r.json()["detail"]}
    assert r.status_code == 422 and by_field == {
        "elder_id": "应为整数",
        "slot_start": "应为日期时间，如 2026-12-01T09:00:00+08:00",
    }
    r = client.post("/api/v1/elders", "{not json", content_type="application/json")
    assert (r.status_code, r.json()) == (400, {"detail": "请求体无法解析（应为 JSON）"})


def test_list_filters_searches_and_paginates(users, make_elder, api_token):
    for i in range(3):
        make_elder(name=f"李{i}")
    make_elder(name="王秀英", region="jiucheng")
    client = api_token(users["alice"])
    r = client.get("/api/v1/elders?q=李&per_page=2&page=2")
    body = r.json()
    assert (body["total"], body["pages"], body["page"], len(body["items"])) == (
        3,
        2,
        2,
        1,
    )
    assert client.get("/api/v1/elders?region=360222").json()["total"] == 1


def test_outside_scope_is_404_for_read_and_write(users, make_elder, api_token):
    elder = make_elder(region="jiucheng")
    client = api_token(users["bob"])
    assert client.get(f"/api/v1/elders/{elder.pk}").status_code == 404
    assert (
        _patch(client, f"/api/v1/elders/{elder.pk}", {"name": "改"}).status_code == 404
    )
    assert (
        _post(
            client,
            f"/api/v1/elders/{elder.pk}/contacts",
            {"name": "甲", "relation": "子", "phone": "13800138000"},
        ).status_code
        == 404
    )
    elder.refresh_from_db()
    assert elder.name == "王秀英" and not Contact.objects.exists()


def test_update_contacts_events_and_categories(users, make_elder, api_token):
    elder = make_elder()
    client = api_token(users["carol"])
    assert (
        _patch(client, f"/api/v1/elders/{elder.pk}", {"address": "塘坪路1号"}).json()[
            "address"
        ]
        == "塘坪路1号"
    )
    r = _post(
        client,
        f"/api/v1/elders/{elder.pk}/contacts",
        {
            "name": "王明",
            "relation": "儿子",
            "phone": "13900139000",
            "is_emergency": True,
        },
    )
    assert r.status_code == 201 and r.json()["phone_masked"] == "139****9000"
    r = _post(
        client,
        f"/api/v1/elders/{elder.pk}/categories",
        {"category": "tekun", "start_date": "2024-01-01"},
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/elders/{elder.pk}").json()["categories"] == ["tekun"]
    r = _post(
        client,
        f"/api/v1/elders/{elder.pk}/events",
        {"kind": "death", "date": "2026-01-01"},
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/elders/{elder.pk}").json()["status"] == "deceased"


def test_reveal_is_audited_and_needs_the_permission(users, make_elder, api_token):
    elder = make_elder(phone="13800138000")
    r = _post(api_token(users["bob"]), f"/api/v1/elders/{elder.pk}/reveal", {})
    assert r.json() == {"id_number": elder.id_number, "phone": "13800138000"}
    assert AuditEntry.objects.filter(action="view_pii", actor=users["bob"]).count() == 1
    assert (
        _post(
            api_token(users["carol"]), f"/api/v1/elders/{elder.pk}/reveal", {}
        ).status_code
        == 404
    )


def test_openapi_document_is_served(users, client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/elders" in r.json()["paths"]


def test_a_contact_can_be_removed_and_it_is_audited(users, make_elder, api_token):
    elder = make_elder()
    client = api_token(users["carol"])
    contact = _post(
        client,
        f"/api/v1/elders/{elder.pk}/contacts",
        {"name": "王明", "relation": "儿子", "phone": "13900139000"},
    ).json()
    r = client.delete(f"/api/v1/elders/{elder.pk}/contacts/{contact['id']}")
    assert r.status_code == 204
    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(
        action="delete", object_type="elders.contact"
    ).exists()
    assert (
        client.delete(f"/api/v1/elders/{elder.pk}/contacts/{contact['id']}").status_code
        == 404
    )
