"""The visit pages: the worker's list, recording with a finding, the inbox, the rates table, and
404 outside scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.visits import services
from yanglao.visits.models import FollowUp, RosterEntry, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(users, make_elder):
    make_elder(name="独居甲", living_arrangement="alone", lat=29.3, lng=117.2)
    services.roster_build(month=timezone.localdate().replace(day=1))
    return RosterEntry.objects.get()


def test_worker_records_a_visit_and_the_inbox_shows_the_finding(users, entry):
    carol = client_for(users["carol"])
    page = carol.get("/visits/").content.decode()
    assert "独居甲" in page and "已完成 0 / 1 人" in page
    form = carol.get(f"/visits/entry/{entry.pk}/").context["form"]
    client_id = form.initial["client_id"]
    bad = carol.post(
        f"/visits/entry/{entry.pk}/", {"kind": "home", "client_id": client_id}
    )
    assert "上门探访需要签到位置" in bad.content.decode()
    data = {
        "kind": "home",
        "client_id": client_id,
        "lat": "29.3001",
        "lng": "117.2001",
        "health": "良好",
        "findings": ["无取暖/降温"],
        "confirmed": "on",
    }
    r = carol.post(f"/visits/entry/{entry.pk}/", data, follow=True)
    assert "已记录对 独居甲 的探访" in r.content.decode()
    carol.post(f"/visits/entry/{entry.pk}/", data)  # sent twice: one record
    assert Visit.objects.count() == 1
    inbox = carol.get("/visits/follow-ups/").content.decode()
    assert "无取暖/降温" in inbox
    f = FollowUp.objects.get()
    carol.post(f"/visits/follow-ups/{f.pk}/close/", {"note": "已送取暖器"})
    f.refresh_from_db()
    assert f.status == "closed"


def test_rates_page_and_scope(users, entry):
    page = (
        client_for(users["alice"]).get("/visits/rates/", {"level": 5}).content.decode()
    )
    assert "塘坪社区" in page and "月探访率" in page and "<svg" in page
    dave = client_for(users["dave"])
    assert dave.get(f"/visits/entry/{entry.pk}/").status_code == 404
    assert "独居甲" not in dave.get("/visits/overdue/").content.decode()
    assert "独居甲" in client_for(users["bob"]).get("/visits/overdue/").content.decode()


def test_plan_can_be_changed_by_the_community(users, entry, regions):
    from yanglao.conftest import make_user

    other = make_user("grid2", "community", regions["tangping"])
    carol = client_for(users["carol"])
    page = carol.get("/visits/plan/").content.decode()
    assert "独居甲" in page and "grid2" in page
    carol.post(f"/visits/entry/{entry.pk}/assign/", {"visitor": other.pk})
    entry.refresh_from_db()
    assert entry.visitor == other
    far = make_user("farworker", "community", regions["jiucheng"])
    carol.post(
        f"/visits/entry/{entry.pk}/assign/", {"visitor": far.pk}
    )  # outside: refused
    entry.refresh_from_db()
    assert entry.visitor == other


def test_rates_export_and_unvisited_map(users, entry):
    import csv
    import io

    alice = client_for(users["alice"])
    body = b"".join(
        alice.get("/visits/rates/export.csv", {"level": 5}).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    tangping = next(r for r in rows if r[0] == "塘坪社区")
    assert tangping[2:5] == ["1", "0", "0.0%"]
    page = alice.get("/visits/overdue/").content.decode()
    assert "<circle" in page and "尚未探访 1人" in page


def test_photo_is_kept_and_shown_only_in_scope(users, entry, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    carol = client_for(users["carol"])
    form = carol.get(f"/visits/entry/{entry.pk}/").context["form"]
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 100
    base = {"kind": "home", "lat": "29.3", "lng": "117.2"}
    bad = carol.post(
        f"/visits/entry/{entry.pk}/",
        base | {"client_id": "x1", "photo": SimpleUploadedFile("a.gif", b"GIF89a")},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 422 and "JPEG" in bad.json()["errors"]["photo"]
    ok = carol.post(
        f"/visits/entry/{entry.pk}/",
        base
        | {
            "client_id": form.initial["client_id"],
            "photo": SimpleUploadedFile("a.jpg", jpeg),
        },
        HTTP_ACCEPT="application/json",
    )
    assert ok.json() == {"ok": True, "next": "/visits/"}
    visit = Visit.objects.get()
    assert carol.get(f"/visits/visit/{visit.pk}/photo/").status_code == 200
    assert (
        client_for(users["dave"]).get(f"/visits/visit/{visit.pk}/photo/").status_code
        == 404
    )


def test_every_visit_url_outside_scope_is_404(users, entry, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    carol = client_for(users["carol"])
    client_id = (
        carol.get(f"/visits/entry/{entry.pk}/").context["form"].initial["client_id"]
    )
    carol.post(
        f"/visits/entry/{entry.pk}/",
        {
            "kind": "home",
            "lat": "29.3",
            "lng": "117.2",
            "client_id": client_id,
            "findings": ["跌倒风险"],
            "photo": SimpleUploadedFile("a.png", b"\x89PNG...."),
        },
    )
    visit, follow_up = Visit.objects.get(), FollowUp.objects.get()
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/visits/entry/{entry.pk}/").status_code == 404
    assert (
        dave.post(
            f"/visits/entry/{entry.pk}/", {"kind": "phone", "client_id": "z"}
        ).status_code
        == 404
    )
    assert (
        dave.post(
            f"/visits/entry/{entry.pk}/assign/", {"visitor": users["dave"].pk}
        ).status_code
        == 404
    )
    assert dave.get(f"/visits/visit/{visit.pk}/photo/").status_code == 404
    assert (
        dave.post(
            f"/visits/follow-ups/{follow_up.pk}/close/", {"note": "x"}
        ).status_code
        == 404
    )
    for url in ("/visits/follow-ups/", "/visits/overdue/", "/visits/plan/"):
        assert entry.elder.name not in dave.get(url).content.decode(), url
    follow_up.refresh_from_db()
    assert follow_up.status == "open" and Visit.objects.count() == 1
