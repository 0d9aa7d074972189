"""领导驾驶舱: every target with its value and status; from an indicator to its child regions and
in one more click to the records behind the gap; the 专栏 table for superiors; scope holds."""

import datetime as dt

import pytest

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.indicators import services
from yanglao.indicators.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(small_city, monkeypatch):
    from yanglao.indicators import periods

    real = periods.bounds
    monkeypatch.setattr(
        "yanglao.indicators.services.bounds",
        lambda p, today=None: real(p, today=dt.date(2026, 6, 30)),
    )
    monkeypatch.setattr(
        "yanglao.indicators.selectors.bounds",
        lambda p, today=None: real(p, today=dt.date(2026, 6, 30)),
    )
    services.recompute(["2026", "2026-06"])
    return small_city


def test_the_leader_sees_every_target_with_its_status(computed, users):
    page = client_for(users["leader"]).get("/indicators/?year=2026").content.decode()
    assert "养老机构护理型床位占比" in page and "&gt;=60%" in page
    assert "逾期未达标" in page  # 2025's 60% not reached by 2026: 50%
    assert "尚未填报" in page  # 福彩公益金: reported, not yet
    assert '<svg class="spark"' in page


def test_two_clicks_from_the_coverage_to_the_villages_without_a_station(
    computed, users
):
    alice = client_for(users["alice"])
    detail = alice.get("/indicators/JDZ-7/?region=360200&period=2026").content.decode()
    assert "城市社区日间照料机构覆盖率" in detail and "查看未达标明细" in detail
    assert detail.index("珠山区") < detail.index(
        "浮梁县"
    )  # worst first; 浮梁 has no value
    gap = alice.get("/indicators/JDZ-7/gap/?region=360200&period=2026").content.decode()
    assert "新村社区" in gap and "塘坪社区" not in gap  # 新村's centre closed in March
    export = alice.get("/indicators/JDZ-2/gap/?region=360200&period=2026&fmt=csv")
    rows = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "特困乙" in rows and "特困甲" not in rows  # 乙 is not in care


def test_a_county_clerk_sees_only_their_county(computed, users):
    bob = client_for(users["bob"])  # 珠山区
    assert bob.get("/indicators/").status_code == 200
    assert bob.get("/indicators/?region=360222").status_code == 404
    assert bob.get("/indicators/JDZ-7/?region=360222").status_code == 404
    assert bob.get("/indicators/NOPE/").status_code == 404
    table = bob.get("/indicators/table/?fmt=csv")
    body = b"".join(table.streaming_content).decode("utf-8-sig")
    assert "养老机构护理型床位占比" in body and "75" in body
    carer = make_user("cc", "carer", None)
    assert client_for(carer).get("/indicators/").status_code == 403


def test_a_target_with_its_deadline_before_its_baseline_is_refused(computed, users):
    with pytest.raises(ValidationFailed) as refused:
        services.target_create(
            by=users["alice"],
            indicator=Indicator.objects.get(code="JDZ-10"),
            region=computed["regions"]["city"],
            value=120,
            direction=">=",
            deadline=dt.date(2020, 12, 31),
            attribute="约束性",
            document="x",
            baseline_value=40,
            baseline_year=2021,
        )
    assert "须晚于基期年份" in refused.value.errors["deadline"]
    assert "0 到 100%" in refused.value.errors["value"]


def test_the_api_answers_a_value_with_its_target_and_status_in_scope(
    computed, users, api_token
):
    bob = api_token(users["bob"])
    r = bob.get("/api/v1/indicators/values?indicator=JDZ-10&region=360203&period=2026")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["value"], body["numerator"], body["denominator"]) == (75.0, 3, 4)
    assert (body["target"], body["status"], body["source"]) == (
        60.0,
        "已达标",
        "computed",
    )
    assert (
        bob.get("/api/v1/indicators/values?indicator=JDZ-10&region=360222").status_code
        == 404
    )
    assert bob.get("/api/v1/indicators/values?indicator=NOPE").status_code == 404
    bad = bob.get("/api/v1/indicators/values?indicator=JDZ-10&period=2026-13")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "period"
    codes = [i["code"] for i in bob.get("/api/v1/indicators").json()["items"]]
    from yanglao.indicators.catalogue import INDICATORS

    assert "JDZ-14" in codes and "SV-2" in codes
    assert len(codes) == len(
        INDICATORS
    )  # the plans' indicators, supervision's, key figures
    alice, admin = api_token(users["alice"]), api_token(users["admin"])
    made = alice.post(
        "/api/v1/indicators/reports",
        {
            "indicator": "JDZ-14",
            "region": "360200",
            "period": "2025",
            "numerator": 55,
            "denominator": 100,
            "evidence": "财务台账",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    own = alice.post(
        f"/api/v1/indicators/reports/{made.json()['id']}/decide",
        {"approve": True},
        content_type="application/json",
    )
    assert own.status_code == 422
    ok = admin.post(
        f"/api/v1/indicators/reports/{made.json()['id']}/decide",
        {"approve": True},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"


def test_the_big_screen_turns_from_the_city_through_its_counties(computed, users):
    leader = client_for(users["leader"])
    wall = leader.get("/indicators/?screen=1").content.decode()
    assert 'class="big-screen"' in wall
    assert 'data-rotate-next="?region=360203&amp;screen=1&amp;from=360200"' in wall
    last = leader.get(
        "/indicators/?region=360222&screen=1&from=360200"
    ).content.decode()
    assert 'data-rotate-next="?region=360200&amp;screen=1&amp;from=360200"' in last


def test_the_statistics_export_has_a_sheet_per_level_of_the_readers_area(
    computed, users
):
    import io

    from openpyxl import load_workbook

    response = client_for(users["bob"]).get("/indicators/statistics/?period=2026")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["县(市、区)", "乡镇、街道", "村、社区"]
    county = list(book["县(市、区)"].iter_rows(values_only=True))
    header = county[0]
    assert (
        county[1][:2] == ("360203", "珠山区") and len(county) == 2
    )  # 浮梁县 is not Bob's
    assert county[1][header.index("JDZ-10 养老机构护理型床位占比（%）")] == 75


def test_the_bureau_sets_a_target_on_the_page_and_a_bad_one_is_explained(
    computed, users
):
    from yanglao.indicators.models import Target

    bob = client_for(users["bob"])
    form = {
        "value": "70",
        "direction": ">=",
        "deadline": "2027-12-31",
        "attribute": "约束性",
        "document": "珠山区养老服务发展规划",
        "baseline_value": "60",
        "baseline_year": "2025",
    }
    bob.post("/indicators/JDZ-10/targets/?region=360203", form)
    target = Target.objects.get(region__code="360203")
    assert (target.value, target.deadline.year) == (70, 2027)
    page = bob.get("/indicators/JDZ-10/?region=360203").content.decode()
    assert "珠山区养老服务发展规划" in page
    bad = bob.post(
        "/indicators/JDZ-10/targets/?region=360203",
        {**form, "deadline": "2024-12-31"},
        follow=True,
    ).content.decode()
    assert "完成期限：完成期限（2024年）须晚于基期年份（2025年）" in bad
    assert Target.objects.filter(region__code="360203").count() == 1
    leader = client_for(users["leader"])
    assert leader.post("/indicators/JDZ-10/targets/", form).status_code == 403
    assert (
        "为景德镇市设定目标" not in leader.get("/indicators/JDZ-10/").content.decode()
    )


def test_the_table_for_superiors_as_a_pdf(computed, users):
    pytest.importorskip("fpdf")
    from yanglao.core.pdf import NoChineseFont, chinese_font

    try:
        chinese_font()
    except NoChineseFont:
        pytest.skip("no Chinese font on this machine (CI installs fonts-noto-cjk)")
    import pypdfium2

    response = client_for(users["bob"]).get("/indicators/table/?fmt=pdf&year=2026")
    assert response["Content-Type"] == "application/pdf"
    text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert "珠山区养老服务主要发展指标" in text
    assert "养老机构护理型床位占比" in text and "75.0%" in text and "已达标" in text
