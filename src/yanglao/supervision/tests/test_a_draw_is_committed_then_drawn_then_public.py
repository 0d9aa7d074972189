"""双随机 end to end on a small area: the plan, the commitment published before the random value,
the draw, the public page anyone reads without logging in, the record the verify command
re-derives; exclusions from the staff register; nothing is edited after the draw."""

import datetime as dt
import json

import pytest
from django.test import Client

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility, Staff
from yanglao.supervision import services
from yanglao.supervision.models import Draw, Inspector

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(users, regions):
    homes = [
        Facility.objects.create(
            name=f"养老院{i}",
            type="welfare_home" if i % 2 else "private_home",
            ownership="public" if i % 2 else "private",
            region=regions["street"],
            fire_safety="accepted" if i < 4 else "pending",
        )
        for i in range(6)
    ]
    Facility.objects.create(  # a community centre is not an institution: not drawn
        name="日间照料中心",
        type="community_centre",
        ownership="public",
        region=regions["tangping"],
    )
    people = []
    for i in range(5):
        inspector = Inspector.objects.create(
            code=f"I{i}",
            name=f"检查员{i}",
            department="民政局",
            region=regions["zhushan"],
            id_number_hash=f"hash{i}",
        )
        people.append(inspector)
    people[0].declared_excludes.add(homes[0])
    Staff.objects.create(  # 检查员1 once worked at 养老院2
        name="检查员1",
        id_number_hash="hash1",
        sex="F",
        birth_date=dt.date(1980, 1, 1),
        role="other",
        facility=homes[2],
        hired_on=dt.date(2015, 1, 1),
        left_on=dt.date(2018, 1, 1),
    )
    plan = services.plan_create(
        by=users["bob"],
        region=regions["zhushan"],
        code="ZS-2026-12",
        name="12月养老机构安全检查",
        item="GB 38600-2019 执行情况",
        share_percent=50,
        team_size=2,
        max_teams=None,
    )
    return {"homes": homes, "inspectors": people, "plan": plan}


def test_the_commitment_freezes_the_register_with_exclusions(area, users):
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    frozen = draw.input
    codes = [o["code"] for o in frozen["objects"]]
    assert len(codes) == 6 and codes == sorted(codes)  # institutions only, by code
    strata = {o["stratum"] for o in frozen["objects"]}
    assert strata == {"公办·一般", "民办·一般", "公办·高风险", "民办·高风险"}
    excludes = {i["code"]: i["excludes"] for i in frozen["inspectors"]}
    assert excludes["I0"] == [services.object_code(area["homes"][0])]  # declared
    assert excludes["I1"] == [services.object_code(area["homes"][2])]  # worked there
    assert frozen["sample"] == {
        s: 1 for s in sorted(strata)
    }  # 50% of 1–2 each, rounded up


def test_the_draw_follows_the_random_value_and_is_final(area, users):
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    drawn = services.draw_run(by=users["bob"], draw=draw, public_random="07 12 33")
    assert len(drawn.result["teams"]) == 4 and drawn.result["errors"] == []
    page = (
        client_for(users["bob"])
        .get(f"/supervision/plans/{area['plan'].pk}/")
        .content.decode()
    )
    assert "养老院" in page  # the drawn institutions by name, not only by code
    for team in drawn.result["teams"]:
        barred = {
            i["code"]
            for i in drawn.input["inspectors"]
            if team["object"] in i["excludes"]
        }
        assert not barred & set(team["inspectors"])
    with pytest.raises(ValidationFailed, match="不能修改"):
        services.draw_run(by=users["bob"], draw=drawn, public_random="99")
    with pytest.raises(ValidationFailed, match="重新抽取须写明原因"):
        services.draw_commit(by=users["bob"], plan=area["plan"])
    again = services.draw_commit(
        by=users["bob"], plan=area["plan"], reason="一名检查员调离"
    )
    assert (
        again.number == 2 and Draw.objects.get(pk=drawn.pk).public_random == "07 12 33"
    )


def test_an_input_changed_after_the_commitment_cannot_be_drawn(area, users):
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    Draw.objects.filter(pk=draw.pk).update(input={**draw.input, "team_size": 3})
    with pytest.raises(ValidationFailed, match="与公示的承诺值不符"):
        services.draw_run(
            by=users["bob"], draw=Draw.objects.get(pk=draw.pk), public_random="1"
        )


def test_the_public_page_and_the_verify_command_re_derive_the_draw(
    area, users, tmp_path, capsys
):
    from yanglao.cli import main

    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    services.draw_run(by=users["bob"], draw=draw, public_random="2026")
    anyone = Client()  # not logged in
    page = anyone.get(f"/public/draws/{draw.pk}/").content.decode()
    assert "本页已按公开方法复核" in page and "养老院" in page
    assert draw.commitment in page
    record = anyone.get(f"/public/draws/{draw.pk}/record.json").content
    path = tmp_path / "draw.json"
    path.write_bytes(record)
    assert main(["supervision", "verify-draw", str(path)]) == 0
    assert "复核通过" in capsys.readouterr().out
    doctored = json.loads(record)
    doctored["teams"][0]["inspectors"].reverse()
    path.write_text(json.dumps(doctored, ensure_ascii=False))
    assert main(["supervision", "verify-draw", str(path)]) == 1
    assert "检查组" in capsys.readouterr().err


def test_clerks_see_their_area_and_the_leader_reads_without_forms(
    area, users, api_token
):
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/supervision/plans/{area['plan'].pk}/").status_code == 404
    leader = client_for(users["leader"]).get(f"/supervision/plans/{area['plan'].pk}/")
    assert (
        leader.status_code == 200
        and "<form" not in leader.content.decode().split("<main>")[1]
    )
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    body = api_token(users["bob"]).get(f"/api/v1/supervision/draws/{draw.pk}").json()
    assert body["commitment"] == draw.commitment and body["public_random"] is None
    assert (
        api_token(users["dave"]).get(f"/api/v1/supervision/draws/{draw.pk}").status_code
        == 404
    )


def test_a_plan_is_checked_before_it_is_made(users, regions):
    with pytest.raises(ValidationFailed) as refused:
        services.plan_create(
            by=users["bob"],
            region=regions["zhushan"],
            code="X",
            name="x",
            item="x",
            share_percent=0,
            team_size=1,
            max_teams=None,
        )
    assert set(refused.value.errors) == {"share_percent", "team_size"}
    with pytest.raises(ValidationFailed, match="只有民政局"):
        services.plan_create(
            by=users["carol"],
            region=regions["tangping"],
            code="Y",
            name="y",
            item="y",
            share_percent=10,
            team_size=2,
            max_teams=None,
        )


def test_an_inspection_of_a_drawn_institution_is_started_by_its_code(area, users):
    from yanglao.supervision.codes import facility_pk_of, object_code

    assert facility_pk_of(object_code(123)) == 123
    assert facility_pk_of("YL１２３") is None and facility_pk_of("X000123") is None
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    drawn = services.draw_run(by=users["bob"], draw=draw, public_random="5")
    team = drawn.result["teams"][0]
    bob = client_for(users["bob"])
    started = bob.post(
        "/supervision/inspections/", {"draw": drawn.pk, "object": team["object"]}
    )
    inspection = drawn.inspections.get()
    assert started["Location"] == f"/supervision/inspections/{inspection.pk}/"
    assert inspection.team == team["inspectors"]
    bad = bob.post("/supervision/inspections/", {"object": "YL９９"}, follow=True)
    assert "请选择管辖范围内的机构" in bad.content.decode()


def test_an_upheld_complaint_puts_the_institution_in_the_high_risk_stratum(area, users):
    """Complaints and overdue rectification feed the next draw (issue 23 §8): an institution
    with accepted fire safety but an upheld complaint this year is drawn among 高风险."""
    quiet = area["homes"][1]  # 公办, fire safety accepted: 公办·一般
    complaint = services.complaint_submit(
        channel="phone",
        subject="institution",
        region=None,
        facility=quiet,
        content="夜间无人值守，老人呼叫半小时无人应答。",
        by=users["bob"],
    )
    services.complaint_answer(
        by=users["bob"], complaint=complaint, answer="经查属实，已约谈", upheld=True
    )
    draw = services.draw_commit(by=users["bob"], plan=area["plan"])
    stratum = {o["code"]: o["stratum"] for o in draw.input["objects"]}
    assert stratum[services.object_code(quiet)] == "公办·高风险"
    assert stratum[services.object_code(area["homes"][3])] == "公办·一般"
