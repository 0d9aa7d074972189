"""Issue 21 §5: a clerk finds a person as they type — any part of the name, its pinyin, its
initials, a common name with the identity number's last four — on the page, in the API and in the
lists that search by the person (orders, assessments); names are listed in pinyin order. The keys
follow the name through an edit and an import."""

import datetime as dt

from yanglao.conftest import client_for
from yanglao.elders.services import elder_update


def _names(response):
    assert response.status_code == 200
    return [e.name for e in response.context["page"].items]


def test_part_of_a_name_pinyin_and_initials_find_the_person(users, make_elder):
    make_elder(name="李德祥", sex="M")
    make_elder(name="王秀英")
    make_elder(name="汪洋")
    client = client_for(users["bob"])
    assert _names(client.get("/elders/?q=德祥")) == ["李德祥"]
    assert _names(client.get("/elders/?q=wxy")) == ["王秀英"]
    assert _names(client.get("/elders/?q=wangxiuying")) == ["王秀英"]
    assert _names(client.get("/elders/?q=Wang Xiuying")) == ["王秀英"]
    assert _names(client.get("/elders/?q=wang")) == [
        "汪洋",
        "王秀英",
    ]  # wāng before wáng
    assert _names(client.get("/elders/?q=zhang")) == []


def test_a_common_name_with_the_last_four_of_the_identity_number(users, make_elder):
    first = make_elder(name="王秀英")
    make_elder(name="王秀英")
    client = client_for(users["bob"])
    assert len(_names(client.get("/elders/?q=王秀英"))) == 2
    found = client.get(f"/elders/?q=王秀英 {first.id_number[-4:]}").context["page"]
    assert [e.pk for e in found.items] == [first.pk]


def test_the_list_is_in_pinyin_order(users, make_elder):
    for name in ("王秀英", "安宁", "万德", "汪洋"):
        make_elder(name=name)
    assert _names(client_for(users["bob"]).get("/elders/")) == [
        "安宁",
        "万德",
        "汪洋",
        "王秀英",
    ]


def test_the_api_searches_the_same_way(users, make_elder, api_token):
    make_elder(name="李德祥", sex="M")
    make_elder(name="王秀英")
    response = api_token(users["bob"]).get("/api/v1/elders?q=dx")
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["items"]] == ["李德祥"]


def test_an_edited_name_is_found_by_its_new_name_only(users, make_elder):
    elder = make_elder(name="王秀英")
    elder_update(by=users["admin"], elder=elder, name="赵德祥")
    client = client_for(users["bob"])
    assert _names(client.get("/elders/?q=wxy")) == []
    assert _names(client.get("/elders/?q=zdx")) == ["赵德祥"]


def test_orders_and_assessments_search_by_part_of_the_name(users, make_elder):
    from yanglao.assessments.services import assessment_apply

    elder = make_elder(name="李德祥", sex="M", birth=dt.date(1940, 3, 1))
    assessment_apply(
        by=users["carol"], elder=elder, reason="first", applicant="community"
    )
    page = client_for(users["bob"]).get("/assessments/?q=德祥").context["page"]
    assert [a.elder.name for a in page.items] == ["李德祥"]


def test_imported_and_renamed_by_import_people_are_found(users, regions):
    from yanglao.imports import services as imports
    from yanglao.imports.tests.test_elders_import import good_rows, run, xlsx

    imports.import_run(
        job=imports.import_confirm(by=users["bob"], job=run(users, xlsx(good_rows())))
    )
    client = client_for(users["bob"])
    assert _names(client.get("/elders/?q=jianguo")) == ["张建国"]
    rows = good_rows()
    rows[1][1] = "张建军"
    imports.import_run(
        job=imports.import_confirm(by=users["bob"], job=run(users, xlsx(rows)))
    )
    assert _names(client.get("/elders/?q=jianguo")) == []
    assert _names(client.get("/elders/?q=zjj")) == ["张建军"]


def test_typed_pinyin_ranks_whole_syllables_first(users, make_elder):
    """ "wang" also matches 万根宝 (wan·gen·bao reads "wangenbao"): 王 and 汪 come first, then the
    rest in pinyin order."""
    for name in ("万根宝", "王秀英", "汪洋"):
        make_elder(name=name)
    client = client_for(users["bob"])
    assert _names(client.get("/elders/?q=wang")) == ["汪洋", "王秀英", "万根宝"]
    assert _names(client.get("/elders/?q=wangen")) == ["万根宝"]
    assert _names(client.get("/elders/?q=wangxiuy")) == ["王秀英"]
