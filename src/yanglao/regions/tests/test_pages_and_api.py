import json

from django.db.models import Q

from yanglao.accounts.models import User
from yanglao.conftest import client_for, make_region
from yanglao.elders.models import Elder
from yanglao.regions.selectors import in_scope_q


def test_the_tree_shows_children_with_population(users, regions):
    r = client_for(users["alice"]).get("/regions/360203001/")
    assert r.status_code == 200
    assert "塘坪社区" in r.content.decode()
    assert (
        "5000" in r.content.decode()
    )  # zh-hans number format has no thousands separator


def test_a_region_outside_scope_is_404(users, regions):
    assert client_for(users["dave"]).get("/regions/360203001/").status_code == 404
    assert client_for(users["dave"]).get("/regions/360222101/").status_code == 200


def test_api_lists_only_the_users_subtree(users, regions, api_token):
    r = api_token(users["dave"]).get("/api/v1/regions?level=5")
    codes = [x["code"] for x in r.json()["items"]]
    assert codes == ["360222101201"]


def test_api_create_refuses_a_code_that_does_not_nest(users, regions, api_token):
    client = api_token(users["alice"])
    body = {"code": "360223101", "name": "某镇", "level": 4, "parent_code": "360222"}
    r = client.post(
        "/api/v1/regions", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "parent"
    assert "前6位" in r.json()["detail"][0]["msg"]


def test_api_updates_population(users, regions, api_token):
    client = api_token(users["bob"])
    r = client.patch(
        "/api/v1/regions/360203001001",
        json.dumps({"population_80": 120}),
        content_type="application/json",
    )
    assert r.status_code == 200
    regions["tangping"].refresh_from_db()
    assert regions["tangping"].population_80 == 120


def test_community_workers_cannot_change_region_figures(users, regions, api_token):
    client = api_token(users["carol"])
    r = client.patch(
        "/api/v1/regions/360203001001",
        json.dumps({"population_80": 120}),
        content_type="application/json",
    )
    assert r.status_code == 422
    regions["tangping"].refresh_from_db()
    assert regions["tangping"].population_80 == 0


def test_scope_filter_is_dropped_only_when_the_subtree_is_everything(users, regions):
    # The city holds every region in this database: no filter is needed.
    assert in_scope_q(users["alice"], "residence_region") == Q()
    assert in_scope_q(users["bob"], "residence_region") != Q()
    # Another city appears; the next request loads the user afresh and is filtered again.
    make_region("360300", "萍乡市", 2, regions["province"])
    alice = User.objects.get(username="alice")
    assert in_scope_q(alice, "residence_region") != Q()
    assert not Elder.objects.filter(
        in_scope_q(users["dave"], "residence_region")
    ).exists()
