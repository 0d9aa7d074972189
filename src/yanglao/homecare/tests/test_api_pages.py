"""The API and the pages for each role, and scope: outside it is 404 and never listed."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder
from openpyxl import load_workbook

from yanglao.conftest import client_for
from yanglao.homecare import services
from yanglao.homecare.api import OrderOut
from yanglao.homecare.models import Order
from yanglao.homecare.tests.conftest import NEAR, next_weekday_at

pytestmark = pytest.mark.django_db


def _order(hc, **kw):
    return services.order_place(
        by=hc["family"],
        elder=hc["elder"],
        provider=hc["provider"],
        item=hc["items"]["bath"],
        slot_start=next_weekday_at(9),
        **kw,
    )


def _to_serving(hc, order):
    """受理, 派给李护理, 接单, 到达 at the home, 开始服务."""
    li = hc["carer_users"]["li"]
    for by, step, data in [
        (hc["boss"], "accept", {}),
        (hc["boss"], "dispatch", {"carer": hc["carers"]["li"]}),
        (li, "take", {}),
        (li, "arrive", {"lat": NEAR[0], "lng": NEAR[1]}),
        (li, "start", {}),
    ]:
        services.order_step(by=by, order_id=order.pk, step=step, **data)


def test_the_whole_order_through_the_api(hc, api_token, users, checkin_any_day):
    family, boss, li = (
        api_token(hc["family"]),
        api_token(hc["boss"]),
        api_token(hc["carer_users"]["li"]),
    )
    slot = next_weekday_at(10)
    r = family.post(
        "/api/v1/homecare/orders",
        {
            "elder_id": hc["elder"].pk,
            "provider_id": hc["provider"].pk,
            "item": "bath",
            "slot_start": slot.isoformat(),
            "voucher": "svc",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    order = r.json()
    assert (
        order["state"] == "new"
        and order["voucher_fen"] == 5000
        and order["next_steps"] == ["cancel"]
    )
    oid = order["id"]

    def step(client, name, **body):
        r = client.post(
            f"/api/v1/homecare/orders/{oid}/steps/{name}",
            body,
            content_type="application/json",
        )
        if (
            r.status_code == 200
        ):  # as validating it against OrderOut would have written it (it is not)
            valid = OrderOut.model_validate(r.json()).model_dump()
            assert json.loads(json.dumps(valid, cls=NinjaJSONEncoder)) == r.json()
        return r

    assert step(boss, "accept", version=0).json()["state"] == "accepted"
    r = step(boss, "accept", version=0)  # a second press with the old version
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "version"
    sugg = boss.get(f"/api/v1/homecare/orders/{oid}/suggestions").json()
    assert sugg[0]["name"] == "李护理" and sugg[0]["reasons"]
    assert family.get(f"/api/v1/homecare/orders/{oid}/suggestions").status_code == 404
    assert (
        step(boss, "dispatch", carer_id=sugg[0]["carer_id"]).json()["carer_name"]
        == "李护理"
    )
    day = li.get(
        f"/api/v1/homecare/carer/day?day={timezone.localtime(slot).date()}"
    ).json()
    assert [o["id"] for o in day] == [oid] and day[0]["next_steps"] == [
        "take",
        "decline",
    ]
    step(li, "take")
    r = step(li, "arrive")
    assert r.status_code == 422 and "定位" in r.json()["detail"][0]["msg"]
    step(li, "arrive", lat=NEAR[0], lng=NEAR[1])
    step(li, "start")
    r = step(li, "complete", lat=NEAR[0], lng=NEAR[1])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "done_items"
    assert (
        step(
            li, "complete", lat=NEAR[0], lng=NEAR[1], done_items=["助浴", "更衣"]
        ).json()["state"]
        == "completed"
    )
    assert step(family, "rate", score=4, text="好").json()["state"] == "rated"
    listed = family.get("/api/v1/homecare/orders?state=rated").json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == oid
    # Served in no time at all (this walk checks out at once): 异常, held out of the settlement of
    # the month it was signed out in until the street office has looked at it.
    month = str(timezone.localdate())
    s = boss.post(
        "/api/v1/homecare/settlements",
        {"provider_id": hc["provider"].pk, "month": month},
        content_type="application/json",
    )
    assert s.status_code == 201
    assert (s.json()["orders_count"], s.json()["excluded_disputed"]) == (0, 1)
    assert step(api_token(users["bob"]), "settle_dispute").status_code == 200
    s = boss.post(
        "/api/v1/homecare/settlements",
        {"provider_id": hc["provider"].pk, "month": month},
        content_type="application/json",
    )
    assert s.status_code == 201
    assert s.json()["orders_count"] == 1
    x = boss.get(f"/api/v1/homecare/settlements/{s.json()['id']}/export.xlsx")
    sheet = load_workbook(
        io.BytesIO(b"".join(x.streaming_content) if x.streaming else x.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工单号" and oid in [row[0] for row in rows[1:]]
    page = client_for(hc["boss"]).get(
        reverse("homecare:settlement_export", args=[s.json()["id"]])
    )
    assert (
        list(
            load_workbook(
                io.BytesIO(b"".join(page.streaming_content))
            ).active.iter_rows(values_only=True)
        )
        == rows
    )
    assert (
        boss.post(f"/api/v1/homecare/settlements/{s.json()['id']}/approve").status_code
        == 422
    )  # bureau approves
    assert (
        api_token(users["alice"])
        .post(f"/api/v1/homecare/settlements/{s.json()['id']}/approve")
        .json()["status"]
        == "approved"
    )


def test_scope_is_404_and_lists_hold_only_what_is_in_scope(
    hc, api_token, users, make_elder
):
    order = _order(hc)
    dave = api_token(users["dave"])  # 浮梁县
    assert dave.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 404
    assert (
        dave.post(
            f"/api/v1/homecare/orders/{order.pk}/steps/cancel",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert dave.get("/api/v1/homecare/orders").json()["total"] == 0
    assert (
        api_token(hc["carer_users"]["qian"])
        .get(f"/api/v1/homecare/orders/{order.pk}")
        .status_code
        == 404
    )
    stranger = services.family_link  # another family account, linked to someone else
    other = make_elder(name="邻居", lat=29.3, lng=117.2)
    from yanglao.conftest import make_user

    nosy = make_user("nosy", "family", None)
    stranger(
        by=users["carol"], user=nosy, elder=other, relation="儿子", consent="community"
    )
    assert api_token(nosy).get(f"/api/v1/homecare/orders/{order.pk}").status_code == 404
    r = api_token(nosy).post(
        "/api/v1/homecare/orders",
        {
            "elder_id": hc["elder"].pk,
            "provider_id": hc["provider"].pk,
            "item": "bath",
            "slot_start": next_weekday_at(11).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 404 and Order.objects.count() == 1
    dave = client_for(users["dave"])
    assert dave.get(f"/homecare/orders/{order.pk}/").status_code == 404
    for path in ("/homecare/orders/", "/homecare/supervision/"):
        r = dave.get(path)
        assert r.status_code == 200
        assert order.elder.name not in r.content.decode()


def test_pages_for_each_role(hc, users):
    order = _order(hc)
    services.order_step(by=hc["boss"], order_id=order.pk, step="accept")
    family = client_for(hc["family"])
    page = family.get("/homecare/").url
    assert page == "/homecare/family/"
    body = family.get(page).content.decode()
    assert "王秀英" in body and "助浴" in body
    assert (
        "为王秀英预约服务"
        in family.get(f"/homecare/order/new/?elder={hc['elder'].pk}").content.decode()
    )
    boss_page = (
        client_for(hc["boss"]).get(f"/homecare/orders/{order.pk}/").content.decode()
    )
    assert "推荐服务人员" in boss_page and "李护理" in boss_page and "<svg" in boss_page
    r = client_for(hc["boss"]).post(
        f"/homecare/orders/{order.pk}/step/dispatch/",
        {"carer": hc["carers"]["zhao"].pk, "version": 1},
    )
    assert r.status_code == 302
    assert "资质" in "".join(m.message for m in r.wsgi_request._messages)
    client_for(hc["boss"]).post(
        f"/homecare/orders/{order.pk}/step/dispatch/", {"carer": hc["carers"]["li"].pk}
    )
    li = client_for(hc["carer_users"]["li"])
    assert li.get("/").url == "/homecare/"
    day = li.get(
        f"/homecare/carer/?day={timezone.localtime(order.slot_start).date()}"
    ).content.decode()
    assert "王秀英" in day and "接单" in day
    carol = client_for(users["carol"])
    for path in (
        "/homecare/orders/",
        "/homecare/supervision/",
        "/homecare/beds/",
        "/homecare/meals/",
        "/homecare/figures/",
        "/homecare/settlements/",
        f"/homecare/order/new/?elder={hc['elder'].pk}",
    ):
        assert carol.get(path).status_code == 200, path
    listed = carol.get("/homecare/orders/?q=王").content.decode()
    assert "王秀英" in listed
    export = carol.get("/homecare/orders/export.csv")
    assert "王秀英" in b"".join(export.streaming_content).decode("utf-8-sig")
    # A family member ordering with a past date gets the reason in Chinese, on the form.
    r = family.post(
        "/homecare/order/new/",
        {
            "elder": hc["elder"].pk,
            "offer": f"{hc['provider'].pk}:{hc['items']['bath'].pk}",
            "day": str(timezone.localdate() - dt.timedelta(days=2)),
            "time": "09:00",
            "quantity": 1,
            "rest_paid_by": "family",
        },
    )
    assert r.status_code == 200 and "预约时间已过" in r.content.decode()


def test_the_community_links_and_unlinks_a_family_account(hc, users):
    from yanglao.conftest import make_user
    from yanglao.homecare.models import FamilyLink

    son = make_user("son", "family", None)
    carol = client_for(users["carol"])
    r = carol.post(
        "/homecare/family-links/",
        {
            "username": "nobody",
            "elder_id": hc["elder"].pk,
            "relation": "儿子",
            "consent": "elder",
        },
    )
    assert "没有这个账户" in r.content.decode()
    r = carol.post(
        "/homecare/family-links/",
        {
            "username": "son",
            "elder_id": hc["far_elder"].pk,
            "relation": "儿子",
            "consent": "elder",
        },
    )
    assert "不在您的管辖范围内" in r.content.decode()
    r = carol.post(
        "/homecare/family-links/",
        {
            "username": "son",
            "elder_id": hc["elder"].pk,
            "relation": "儿子",
            "consent": "community",
        },
    )
    assert r.status_code == 302
    link = FamilyLink.objects.get(user=son, revoked_at__isnull=True)
    assert "儿子" in carol.get("/homecare/family-links/?q=王").content.decode()
    assert (
        "儿子"
        not in client_for(users["dave"]).get("/homecare/family-links/").content.decode()
    )
    assert (
        client_for(users["dave"])
        .post(f"/homecare/family-links/{link.pk}/end/")
        .status_code
        == 404
    )
    carol.post(f"/homecare/family-links/{link.pk}/end/")
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert (
        client_for(son).get(f"/homecare/order/new/?elder={hc['elder'].pk}").status_code
        == 302
    )  # no one to order for


def test_canteen_staff_register_meals_for_people_of_the_county(hc, users, regions):
    """A 幸福食堂's own 机构管理员 registers lunch for a community elder (nobody's resident) on the
    canteen page; a person from another county is refused with the reason, nothing written."""
    from yanglao.conftest import make_user, valid_id
    from yanglao.facilities.models import Facility
    from yanglao.facilities.services import staff_hire
    from yanglao.homecare.models import Meal

    canteen = Facility.objects.create(
        name="塘坪幸福食堂",
        type="canteen",
        ownership="public",
        region=regions["tangping"],
    )
    cook = staff_hire(
        by=users["admin"],
        name="食堂负责人",
        id_number=valid_id("360203", dt.date(1980, 3, 3), 51),
        role="director",
        hired_on=dt.date(2024, 1, 1),
        facility=canteen,
    )
    cook.user = make_user("cook", "facility_admin", None)
    cook.save()
    services.menu_set(
        by=users["carol"],
        canteen=canteen,
        day=timezone.localdate(),
        dishes="红烧鱼、青菜、米饭",
        price_fen=1200,
    )
    page = client_for(cook.user)
    url = reverse("homecare:canteen", args=[canteen.pk])
    r = page.post(url, {"elder_id": hc["elder"].pk, "kind": "lunch", "mode": "dine_in"})
    assert r.status_code == 302
    assert Meal.objects.get(canteen=canteen, elder=hc["elder"]).subsidy_fen == 300
    r = page.post(
        url, {"elder_id": hc["far_elder"].pk, "kind": "lunch", "mode": "dine_in"}
    )
    assert r.status_code == 200
    assert "不在本助餐点所在县（区）的在册老人中" in r.content.decode()
    assert not Meal.objects.filter(elder=hc["far_elder"]).exists()


def test_a_wrong_period_is_said_not_silently_replaced(hc, users):
    page = client_for(users["carol"])
    url = reverse("homecare:meals")
    body = page.get(
        url, {"since": "2026-10-20", "until": "2026-10-01"}
    ).content.decode()
    assert "结束日期不能早于开始日期" in body and "以下显示" in body
    body = page.get(
        url, {"since": "2026-13-01", "until": "2026-10-01"}
    ).content.decode()
    assert "日期有误" in body
    body = page.get(
        url, {"since": "2026-10-01", "until": "2026-10-20"}
    ).content.decode()
    assert "日期有误" not in body and "2026-10-20" in body


def test_the_carer_adds_a_photo_at_check_out_seen_only_in_scope(
    hc, users, settings, tmp_path, checkin_any_day
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yanglao.core.models import AuditEntry

    settings.MEDIA_ROOT = tmp_path
    order = _order(hc)
    li = hc["carer_users"]["li"]
    _to_serving(hc, order)
    page = client_for(li)
    url = reverse("homecare:order_step", args=[order.pk, "complete"])
    fields = {"lat": NEAR[0], "lng": NEAR[1], "done_items": ["助浴"]}
    r = page.post(
        url,
        {**fields, "photo": SimpleUploadedFile("a.png", b"not an image", "image/png")},
        follow=True,
    )
    assert "照片应为 JPEG、PNG 或 WebP 图片" in r.content.decode()
    order.refresh_from_db()
    assert order.state == "serving" and not order.photo  # refused, nothing written
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = page.post(
        url,
        {**fields, "photo": SimpleUploadedFile("现场.png", png, "image/png")},
        follow=True,
    )
    assert "照片应为" not in r.content.decode() and "已完成签退" in r.content.decode()
    order.refresh_from_db()
    assert order.state == "completed" and order.photo.name.endswith(".png")
    photo = reverse("homecare:order_photo", args=[order.pk])
    family = client_for(hc["family"])
    assert (
        photo in family.get(reverse("homecare:order", args=[order.pk])).content.decode()
    )
    got = family.get(photo)
    assert got.status_code == 200 and b"".join(got.streaming_content) == png
    assert AuditEntry.objects.filter(
        actor=hc["family"], action="view_pii", object_id=str(order.pk)
    ).exists()
    assert (
        client_for(users["dave"]).get(photo).status_code == 404
    )  # 浮梁县: not their area


def test_the_api_takes_a_photo_after_check_out(
    hc, api_token, settings, tmp_path, checkin_any_day
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yanglao.homecare.models import OrderEvent

    settings.MEDIA_ROOT = tmp_path
    order = _order(hc)
    li = hc["carer_users"]["li"]
    url = f"/api/v1/homecare/orders/{order.pk}/photo"
    jpg = b"\xff\xd8\xff\xe0" + b"\x00" * 64

    def send(client):
        return client.post(
            url, {"photo": SimpleUploadedFile("p.jpg", jpg, "image/jpeg")}
        )

    _to_serving(hc, order)
    r = send(api_token(li))
    assert r.status_code == 422 and "完成签退后" in r.json()["detail"][0]["msg"]
    services.order_step(
        by=li,
        order_id=order.pk,
        step="complete",
        lat=NEAR[0],
        lng=NEAR[1],
        done_items=["助浴"],
    )
    r = send(api_token(hc["family"]))
    assert r.status_code == 422 and "服务人员或服务商" in r.json()["detail"][0]["msg"]
    r = send(api_token(li))
    assert r.status_code == 200, r.content
    order.refresh_from_db()
    assert (
        order.photo.name.endswith(".jpg")
        and (tmp_path / order.photo.name).read_bytes() == jpg
    )
    assert OrderEvent.objects.filter(order=order, action="photo", by=li).count() == 1
