"""The workflow through the pages and the API, the report (page and PDF with Chinese rendered
correctly), and scope: outside it everything answers 404."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import timezone

from yanglao.assessments import report
from yanglao.assessments.conftest import full_answers
from yanglao.assessments.models import Assessment, Status
from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db


def _through_pages(users, agency, elder):
    carol, alice = client_for(users["carol"]), client_for(users["alice"])
    r = carol.post(
        f"/assessments/elder/{elder.pk}/apply/",
        {"reason": "first", "applicant": "family", "applicant_name": ""},
    )
    assert "本人或家属申请时请填写申请人姓名" in r.content.decode()
    r = carol.post(
        f"/assessments/elder/{elder.pk}/apply/",
        {"reason": "first", "applicant": "family", "applicant_name": "李明"},
    )
    a = Assessment.objects.get(elder=elder)
    assert r.status_code == 302 and r["Location"] == f"/assessments/{a.pk}/"
    r = alice.post(
        f"/assessments/{a.pk}/assign/",
        {"agency": agency.pk, "assessors": [agency.team[0].pk]},
    )
    assert "评估小组至少需要2名评估员" in r.content.decode()
    r = alice.post(
        f"/assessments/{a.pk}/assign/",
        {
            "agency": agency.pk,
            "assessors": [m.pk for m in agency.team[:2]],
            "place": "老人家中",
        },
    )
    assert r.status_code == 302
    return a


def test_assessors_complete_an_assessment_through_the_pages(users, agency, make_elder):
    elder = make_elder()
    a = _through_pages(users, agency, elder)
    ann, ben = client_for(agency.team[0].user), client_for(agency.team[1].user)
    page = ann.get(f"/assessments/{a.pk}/form/").content.decode()
    assert "独立使用器具进食并咽下，没有呛咳" in page and "B.4.5" in page
    for code, value in full_answers(3)["items"].items():
        r = ann.post(
            f"/assessments/{a.pk}/answers/",
            json.dumps({"part": {"items": {code: value}}}),
            content_type="application/json",
        )
        assert r.status_code == 200
    assert r.json()["answered"] == 26 and r.json()["missing"] == []
    bad = ann.post(
        f"/assessments/{a.pk}/answers/",
        json.dumps({"part": {"items": {"B.3.7": 3}}}),
        content_type="application/json",
    )
    assert (
        bad.status_code == 422
        and "攻击行为的评分应为 0、1 之一" in bad.json()["errors"]["items.B.3.7"]
    )
    assert ann.post(f"/assessments/{a.pk}/submit/").status_code == 302
    r = ben.post(f"/assessments/{a.pk}/confirm/", follow=True)
    assert "已确认评估结果" in r.content.decode()
    a.refresh_from_db()
    # 22 items at 3, B.3.7/B.3.8 at 1, B.3.9/B.4.1/B.4.2 at 2 → 2*1+3*2+21*3 = 71 → level 1.
    assert a.status == Status.COMPLETED and a.total == 71 and a.final_level == 1
    detail = client_for(users["carol"]).get(f"/elders/{elder.pk}/").content.decode()
    assert "1级 · 能力轻度受损（轻度失能）" in detail
    page = client_for(users["bob"]).get(f"/assessments/{a.pk}/report/").content.decode()
    assert "C.5" in page and "能力轻度受损（轻度失能）" in page and "ann" in page


def test_form_without_javascript_saves_the_whole_form(users, agency, make_elder):
    a = _through_pages(users, agency, make_elder())
    ann = client_for(agency.team[0].user)
    data = {code: str(v) for code, v in full_answers(0)["items"].items()}
    data.update(
        {
            "coma": "on",
            "diagnoses": "f01，i10",
            "risk_跌倒": "2",
            "health": ["A.5.1", "A.5.9"],
        }
    )
    r = ann.post(f"/assessments/{a.pk}/form/", data, follow=True)
    assert "评估记录已保存" in r.content.decode()
    a.refresh_from_db()
    assert a.answers["coma"] is True and a.answers["diagnoses"] == ["F01", "I10"]
    assert a.answers["risk_events"]["跌倒"] == 2 and len(a.answers["items"]) == 26
    assert a.answers["health"] == ["A.5.1", "A.5.9"]


def test_api_workflow_and_level_on_a_date(users, agency, make_elder, api_token):
    elder = make_elder()
    carol, alice = api_token(users["carol"]), api_token(users["alice"])
    r = carol.post(
        "/api/v1/assessments",
        {"elder_id": elder.pk, "reason": "bogus", "applicant": "self"},
        content_type="application/json",
    )
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["detail"]}
    assert {"reason", "applicant_name"} <= fields
    r = carol.post(
        "/api/v1/assessments",
        {"elder_id": elder.pk, "reason": "first", "applicant": "community"},
        content_type="application/json",
    )
    assert r.status_code == 201
    aid = r.json()["id"]
    r = alice.post(
        f"/api/v1/assessments/{aid}/assign",
        {"agency_id": agency.pk, "assessor_ids": [m.pk for m in agency.team[:2]]},
        content_type="application/json",
    )
    assert r.status_code == 200 and len(r.json()["team"]) == 2
    ann, ben = api_token(agency.team[0].user), api_token(agency.team[1].user)
    r = ann.post(
        f"/api/v1/assessments/{aid}/answers",
        {"part": full_answers(4) | {"coma": True}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    assert ann.post(f"/api/v1/assessments/{aid}/submit").json()["status"] == "submitted"
    done = ben.post(f"/api/v1/assessments/{aid}/confirm").json()
    assert (
        done["status"] == "completed"
        and done["final_level"] == 4
        and done["total"] == 90
    )
    level = carol.get(f"/api/v1/assessments/level?elder_id={elder.pk}").json()
    assert level["level"] == 4 and level["valid"] is True
    assert (
        carol.get(
            f"/api/v1/assessments/level?elder_id={elder.pk}&on=2020-01-01"
        ).json()["level"]
        is None
    )


def test_outside_scope_is_404_everywhere(users, agency, make_elder, api_token):
    a = _through_pages(users, agency, make_elder())
    dave = client_for(users["dave"])  # 浮梁县: the person lives in 珠山区
    for url in ("", "assign/", "form/", "report/", "report.pdf", "withdraw/"):
        assert dave.get(f"/assessments/{a.pk}/{url}").status_code == 404, url
    assert (
        dave.post(
            f"/assessments/{a.pk}/answers/", "{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert dave.get(f"/assessments/elder/{a.elder_id}/").status_code == 404
    api = api_token(users["dave"])
    assert api.get(f"/api/v1/assessments/{a.pk}").status_code == 404
    assert (
        api.get(f"/api/v1/assessments/level?elder_id={a.elder_id}").status_code == 404
    )
    assert a.pk not in [x["id"] for x in api.get("/api/v1/assessments").json()["items"]]
    outsider = client_for(agency.team[2].user)  # an assessor not on this team
    assert outsider.get(f"/assessments/{a.pk}/").status_code == 404
    assert outsider.get(f"/elders/{a.elder_id}/").status_code == 404


def _glyph_crops(page, textpage, bitmap, scale):
    """Each character's rendered pixels, cut out by its box on the page."""
    height = page.get_height()
    crops = {}
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if "\u4e00" <= char <= "\u9fff" and char not in crops:
            left, bottom, right, top = textpage.get_charbox(i)
            box = (
                int(left * scale),
                int((height - top) * scale),
                int(right * scale) + 1,
                int((height - bottom) * scale) + 1,
            )
            crops[char] = bitmap.crop(box).convert("L")
    return crops


def test_report_pdf_shows_chinese(users, agency, make_elder):
    pdfium = pytest.importorskip("pypdfium2")
    try:
        report.chinese_font()
    except report.NoChineseFont:
        pytest.skip("no Chinese font on this machine (CI installs fonts-noto-cjk)")
    elder = make_elder(name="欧阳秀英")
    a = _through_pages(users, agency, elder)
    ann, ben = client_for(agency.team[0].user), client_for(agency.team[1].user)
    ann.post(
        f"/assessments/{a.pk}/answers/",
        json.dumps({"part": full_answers(1) | {"diagnoses": ["F02"]}}),
        content_type="application/json",
    )
    ann.post(f"/assessments/{a.pk}/submit/")
    ben.post(f"/assessments/{a.pk}/confirm/")
    r = client_for(users["alice"]).get(f"/assessments/{a.pk}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    doc = pdfium.PdfDocument(io.BytesIO(r.content))
    page = doc[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    confirmed = timezone.localtime(a.team.get(assessor=agency.team[1]).confirmed_at)
    assert (
        f"已确认 {confirmed:%Y-%m-%d %H:%M}" in text
    )  # local time (Asia/Shanghai), not UTC
    for expected in (
        "老年人能力评估报告",
        "欧阳秀英",
        "自理能力",
        "确诊为痴呆（F00–F03）",
        "能力完全丧失（完全失能）",
        "评估员签名",
    ):
        assert expected in text, expected
    scale = 3
    bitmap = page.render(scale=scale).to_pil()
    crops = _glyph_crops(page, textpage, bitmap, scale)
    assert len(crops) > 40
    # Every Chinese character has ink, and distinct characters look distinct: a missing font
    # would draw the same empty box (豆腐块) for all of them.
    inked = {c: img for c, img in crops.items() if img.getextrema()[0] < 128}
    assert len(inked) == len(crops)
    shapes = {img.resize((24, 24)).tobytes() for img in inked.values()}
    assert len(shapes) > 0.9 * len(inked)


def test_lists_filter_and_page(users, agency, make_elder):
    a = _through_pages(users, agency, make_elder(name="甄列表"))
    make_elder(name="乙从未")
    alice = client_for(users["alice"])
    page = alice.get(
        "/assessments/", {"q": "甄", "status": "assigned", "region": "360203"}
    )
    assert page.status_code == 200 and "甄列表" in page.content.decode()
    assert (
        "甄列表"
        not in alice.get("/assessments/", {"status": "completed"}).content.decode()
    )
    due = alice.get("/assessments/due/", {"kind": "never"}).content.decode()
    assert "乙从未" in due and "甄列表" not in due  # already applied
    work = alice.get("/assessments/workload/").content.decode()
    assert "ann" in work and "cat" in work
    history = alice.get(f"/assessments/elder/{a.elder_id}/").content.decode()
    assert "首次评估" in history
    mine = client_for(agency.team[0].user).get("/assessments/").content.decode()
    assert "甄列表" in mine


def test_export_is_scoped_and_audited(users, agency, make_elder):
    import csv as csvmod

    from yanglao.core.models import AuditEntry

    a = _through_pages(users, agency, make_elder(name="甄导出"))
    body = b"".join(
        client_for(users["alice"]).get("/assessments/export.csv").streaming_content
    )
    rows = list(csvmod.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert (
        rows[1][0] == "甄导出"
        and rows[1][1] == a.elder.id_number_masked
        and rows[1][7] == "评估中"
    )
    dave = b"".join(
        client_for(users["dave"]).get("/assessments/export.csv").streaming_content
    )
    assert "甄导出" not in dave.decode("utf-8-sig")
    assert (
        AuditEntry.objects.filter(
            action="export", object_type="assessments.assessment"
        ).count()
        == 2
    )
