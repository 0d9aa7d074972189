"""The 适老化改造 pages carry a project through its steps as each user would: the community worker
files from the visit findings list, the assessor ticks the phone checklist after a photo, the
street prices the plan, the contractor uploads a photo and completes, the worker accepts with the
family's confirmation; the list shows the year's progress. Another firm or an assessor not sent
there gets 404; a form's refusal names the field in Chinese."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for, make_user
from yanglao.elders.services import category_add
from yanglao.homesupport import services
from yanglao.homesupport.models import ModificationProject
from yanglao.homesupport.tests.test_a_modification_goes_from_application_to_subsidy import (
    PNG,
    _finding,
)

pytestmark = pytest.mark.django_db


def test_the_project_walks_through_the_pages(
    users, regions, make_elder, shilaohua, contractor, assessor
):
    person = make_elder(name="页面甲", birth=dt.date(1942, 2, 2))
    category_add(
        by=users["alice"],
        elder=person,
        category="tekun",
        start_date=dt.date(2024, 1, 1),
    )
    follow_up = _finding(person, regions, users, "居住环境不安全")
    services.quota_set(
        by=users["alice"],
        region=regions["zhushan"],
        year=dt.date.today().year,
        households=3,
    )
    carol = client_for(users["carol"])
    listing = carol.get("/homesupport/modifications/findings/").content.decode()
    assert "页面甲" in listing and f"?follow_up={follow_up.pk}" in listing
    form = carol.get(f"/homesupport/modifications/new/?follow_up={follow_up.pk}")
    assert "来自探访发现：页面甲 · 居住环境不安全" in form.content.decode()
    response = carol.post(
        "/homesupport/modifications/new/",
        {
            "elder": "页面甲",
            "source": "community",
            "applicant_name": "页面甲",
            "assessor": str(assessor.pk),
            "follow_up": str(follow_up.pk),
        },
    )
    project = ModificationProject.objects.get()
    assert response.status_code == 302 and project.source == "visit"
    # The assessor on the phone: nothing ticked without a photo first.
    phone = client_for(assessor)
    response = phone.post(
        f"/homesupport/modifications/{project.pk}/checklist/", {"need_W01": "on"}
    )
    assert "请先上传至少一张改造前照片" in response.content.decode()
    phone.post(
        f"/homesupport/modifications/{project.pk}/photos/before/",
        {"photo": SimpleUploadedFile("a.png", PNG, "image/png"), "next": "checklist"},
    )
    response = phone.post(
        f"/homesupport/modifications/{project.pk}/checklist/",
        {"need_W01": "on", "note_W01": "无扶手", "need_A07": "on"},
    )
    assert response.status_code == 302
    street = client_for(make_user("sj", "street", regions["street"]))
    page = street.get(f"/homesupport/modifications/{project.pk}/").content.decode()
    assert "确定方案，交付施工" in page and "安居适老化工程公司" in page
    response = street.post(
        f"/homesupport/modifications/{project.pk}/",
        {"do": "plan", "qty_W01": "x", "contractor": str(contractor[0].pk)},
    )
    assert "安装扶手：数量应为整数" in response.content.decode()
    street.post(
        f"/homesupport/modifications/{project.pk}/",
        {
            "do": "plan",
            "qty_W01": "2",
            "sub_W01": "on",
            "qty_A07": "1",
            "contractor": str(contractor[0].pk),
        },
    )
    project.refresh_from_db()
    assert project.state == "in_progress" and project.subsidy_fen == 30000
    firm = client_for(contractor[1])
    firm.post(
        f"/homesupport/modifications/{project.pk}/photos/after/",
        {"photo": SimpleUploadedFile("b.png", PNG, "image/png")},
    )
    firm.post(
        f"/homesupport/modifications/{project.pk}/",
        {"do": "complete", "serial_A07": "SOS-PAGE-1"},
    )
    project.refresh_from_db()
    assert project.state == "completed"
    response = carol.post(
        f"/homesupport/modifications/{project.pk}/",
        {"do": "accept", "confirmed_by": "页面甲"},
    )
    body = response.content.decode()
    assert (
        "须经老年人本人或家属确认改造完成" in body
        and "请填写确认人与老年人的关系" in body
    )
    carol.post(
        f"/homesupport/modifications/{project.pk}/",
        {
            "do": "accept",
            "confirmed": "on",
            "confirmed_by": "页面甲",
            "relation": "本人",
        },
    )
    project.refresh_from_db()
    assert project.state == "accepted"
    page = carol.get(f"/homesupport/modifications/{project.pk}/").content.decode()
    assert "待下一发放周期" in page and "300.00" in page
    listing = (
        client_for(users["bob"]).get("/homesupport/modifications/").content.decode()
    )
    assert "1 / 3" in listing  # 珠山区: one accepted of its task of three


def test_outsiders_get_404(users, regions, make_elder, shilaohua, contractor, assessor):
    person = make_elder(name="范围甲", birth=dt.date(1942, 2, 2))
    category_add(
        by=users["alice"],
        elder=person,
        category="tekun",
        start_date=dt.date(2024, 1, 1),
    )
    project = services.project_apply(
        by=users["carol"], elder=person, source="self", applicant_name="范围甲"
    )
    url = f"/homesupport/modifications/{project.pk}/"
    assert client_for(users["carol"]).get(url).status_code == 200
    for outsider, checklist in (
        (users["dave"], 404),  # 浮梁县
        (make_user("p2", "assessor", None), 404),  # not sent there
        (contractor[1], 403),  # not its contractor (yet), and firms do not assess
    ):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(url + "checklist/").status_code == checklist


def test_garbage_in_the_forms_is_named_not_a_server_error(users, regions, shilaohua):
    alice = client_for(users["alice"])
    response = alice.post(
        "/homesupport/modifications/tasks/", {"do": "prices", "price_F01": "NaN"}
    )
    assert (
        response.status_code == 200 and "F01：单价应为金额" in response.content.decode()
    )
    response = alice.post(
        "/homesupport/modifications/tasks/",
        {"do": "quota", "region": "999999", "year": "2026", "households": "10"},
    )
    assert response.status_code == 200
    page = client_for(users["carol"]).post(
        "/homesupport/modifications/999999/", {"do": "plan", "contractor": "x"}
    )
    assert page.status_code == 404
