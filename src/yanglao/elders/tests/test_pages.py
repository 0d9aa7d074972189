import datetime as dt

from yanglao.conftest import client_for, valid_id
from yanglao.core.models import AuditEntry
from yanglao.elders.models import Elder
from yanglao.elders.services import contact_add


def test_the_list_searches_by_name_identity_number_and_phone(users, make_elder):
    wang = make_elder(name="王秀英", phone="13800138000")
    li = make_elder(name="李国华", sex="M")
    contact_add(
        by=users["admin"], elder=li, name="李明", relation="儿子", phone="13900139000"
    )
    client = client_for(users["bob"])
    assert _names(client.get("/elders/?q=王")) == ["王秀英"]
    assert _names(client.get(f"/elders/?q={wang.id_number}")) == ["王秀英"]
    assert _names(client.get("/elders/?q=138 0013 8000")) == ["王秀英"]
    assert _names(client.get("/elders/?q=13900139000")) == [
        "李国华"
    ]  # a family contact's phone
    assert _names(client.get("/elders/?q=秀英")) == ["王秀英"]  # any part of the name


def _names(response):
    assert response.status_code == 200
    return [e.name for e in response.context["page"].items]


def test_the_list_filters_by_age_band_living_arrangement_and_region(users, make_elder):
    make_elder(name="高寿", birth=dt.date(1940, 1, 1), living_arrangement="alone")
    make_elder(name="年轻", birth=dt.date(1960, 1, 1), region="xincun")
    client = client_for(users["alice"])
    assert _names(client.get("/elders/?age_band=80-89")) == ["高寿"]
    assert _names(client.get("/elders/?living_arrangement=alone")) == ["高寿"]
    assert _names(client.get("/elders/?region=360203001")) == ["高寿", "年轻"]


def test_the_list_paginates_with_a_fixed_number_of_queries(
    users, make_elder, django_assert_max_num_queries
):
    for i in range(25):
        make_elder(name=f"张{i:02d}")
    client = client_for(users["bob"])
    with django_assert_max_num_queries(10):
        r = client.get("/elders/?page=2")
    assert r.context["page"].total == 25
    assert len(r.context["page"].items) == 5
    assert "共 25 条，第 21–25 条" in r.content.decode()


def test_identity_numbers_are_masked_in_lists_and_details(users, make_elder):
    elder = make_elder()
    body = client_for(users["bob"]).get(f"/elders/{elder.pk}/").content.decode()
    assert elder.id_number not in body
    assert elder.id_number_masked in body


def test_a_full_view_is_a_permission_and_is_audited(users, make_elder):
    elder = make_elder(phone="13800138000")
    r = client_for(users["bob"]).post(f"/elders/{elder.pk}/reveal/")
    assert elder.id_number in r.content.decode()
    assert "13800138000" in r.content.decode()
    assert AuditEntry.objects.filter(
        action="view_pii", actor=users["bob"], object_id=str(elder.pk)
    ).exists()
    assert (
        client_for(users["carol"]).post(f"/elders/{elder.pk}/reveal/").status_code
        == 404
    )
    assert not AuditEntry.objects.filter(
        action="view_pii", actor=users["carol"]
    ).exists()


def test_the_create_form_explains_errors_in_chinese_and_writes_nothing(users, regions):
    client = client_for(users["bob"])
    r = client.post(
        "/elders/new/",
        {
            "name": "王",
            "id_number": "360203194502300011",
            "residence_region": "360203001001",
            "living_arrangement": "alone",
            "care_setting": "home",
        },
    )
    assert r.status_code == 200
    assert "身份证号中的出生日期不存在" in r.content.decode()
    assert not Elder.objects.exists()


def test_the_create_form_registers_a_person(users, regions):
    r = client_for(users["carol"]).post(
        "/elders/new/",
        {
            "name": "赵桂兰",
            "id_number": valid_id(),
            "residence_region": "360203001001",
            "living_arrangement": "alone",
            "care_setting": "home",
            "phone": "",
        },
    )
    elder = Elder.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/elders/{elder.pk}/"
    assert elder.living_arrangement == "alone"


def test_the_detail_shows_contacts_categories_and_timeline(users, make_elder):
    elder = make_elder()
    contact_add(
        by=users["admin"],
        elder=elder,
        name="王明",
        relation="儿子",
        phone="13900139000",
        is_emergency=True,
    )
    body = client_for(users["carol"]).get(f"/elders/{elder.pk}/").content.decode()
    assert "王明（儿子）" in body and "139****9000" in body and "紧急联系人" in body


def test_home_shows_counts_and_charts_for_the_scope(users, make_elder):
    make_elder(name="甲", birth=dt.date(1940, 1, 1))
    make_elder(name="乙", region="jiucheng")
    r = client_for(users["bob"]).get("/")
    assert r.context["elders"]["total"] == 1
    assert "<svg" in r.content.decode()
    assert client_for(users["alice"]).get("/").context["elders"]["total"] == 2
    levels = dict(r.context["elders"]["ability_levels"])
    assert levels[None] == 1 and sum(levels.values()) == 1  # 未评估
    assert "能力等级（GB/T 42195-2022）" in r.content.decode()


def test_home_figures_are_shared_for_a_minute_and_say_when(users, make_elder):
    make_elder(name="甲")
    first = client_for(users["bob"]).get("/")
    make_elder(name="乙")
    again = client_for(users["bob"]).get("/")
    assert first.context["elders"]["total"] == again.context["elders"]["total"] == 1
    assert "统计时间" in again.content.decode()
    # Another scope is computed on its own.
    assert client_for(users["alice"]).get("/").context["elders"]["total"] == 2


def test_the_create_form_shows_every_problem_at_once(users, regions):
    r = client_for(users["bob"]).post(
        "/elders/new/",
        {
            "name": "王",
            "id_number": "360203194503080010",
            "phone": "123",
            "living_arrangement": "alone",
            "care_setting": "home",
        },
    )
    body = r.content.decode()
    assert (
        "身份证号校验码错误" in body
        and "电话号码格式不正确" in body
        and "此项为必填项" in body
    )
    assert not Elder.objects.exists()
