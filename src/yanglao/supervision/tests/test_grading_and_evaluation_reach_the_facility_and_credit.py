"""等级评定 (GB/T 37276-2018) and 年度服务质量评价: the experts' scores within each item's maximum
(a score outside it is named and nothing saved), the level the scores reach — total and every
part — valid three years; the grade, the evaluation and the credit level on the institution's own
page and in its credit record; a red list needs the grade, a black list needs grounds."""

import datetime as dt

import pytest

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.grading import SHEET, item_maxima
from yanglao.supervision.models import CreditEntry, Grading

pytestmark = pytest.mark.django_db
MAXIMA = item_maxima(SHEET)


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="昌南颐养中心",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )


def test_the_experts_score_and_the_grade_reaches_the_facility(home, users):
    bob = client_for(users["bob"])
    bob.post("/supervision/gradings/", {"facility": home.pk})
    grading = Grading.objects.get(facility=home)
    form = {f"s-{c}": f"{m * 0.85:g}" for c, m in MAXIMA.items()}
    form["s-E1"] = "21"  # E1's maximum is 20
    page = bob.post(
        f"/supervision/gradings/{grading.pk}/", {**form, "experts": "张、刘"}
    ).content.decode()
    assert "得分应在 0 到 20 之间" in page
    grading.refresh_from_db()
    assert grading.scores == {}
    form["s-E1"] = "17"
    bob.post(
        f"/supervision/gradings/{grading.pk}/",
        {**form, "experts": "张、刘", "action": "decide"},
    )
    grading.refresh_from_db()
    assert (grading.state, grading.level, grading.total) == ("decided", 4, 850.0)
    assert grading.valid_until == dt.date.today().replace(year=dt.date.today().year + 3)
    assert grading.reason == "未达五级：总分 850 低于 900"
    facility_page = bob.get(f"/facilities/{home.pk}/").content.decode()
    assert "等级：四级" in facility_page and "信用：A 守信（105 分）" in facility_page
    with pytest.raises(ValidationFailed, match="评定已完成"):
        services.grading_score(by=users["bob"], grading=grading, scores={"E1": 1})


def test_a_part_below_its_share_holds_the_level_down(home, users):
    grading = services.grading_apply(by=users["bob"], facility=home)
    scores = {c: m * 0.95 for c, m in MAXIMA.items()}
    scores.update({"E1": 0, "E2": 0, "E3": 0})  # 环境 57 of 120: below 50%
    services.grading_score(
        by=users["bob"], grading=grading, scores=scores, experts="张"
    )
    decided = services.grading_decide(by=users["bob"], grading=grading)
    assert decided.level == 1
    assert decided.reason == "未达二级：环境得分低于该部分满分的 50%"


def test_the_yearly_evaluation_counts_inspections_and_complaints(home, users):
    year = dt.date.today().year
    inspection = services.inspection_start(by=users["bob"], facility=home)
    answers = {c: {"result": "pass"} for c, *_r in GB38600["items"]}
    answers["6-6"] = {"result": "fail", "note": "走廊扶手松动"}
    services.inspection_record(by=users["bob"], inspection=inspection, answers=answers)
    services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    complaint = services.complaint_submit(
        channel="phone",
        subject="institution",
        region=None,
        facility=home,
        content="护理员夜间不巡房，老人摔倒后半小时才发现。",
        by=users["bob"],
    )
    services.complaint_answer(
        by=users["bob"], complaint=complaint, answer="经查属实，已责令整改", upheld=True
    )
    made = services.evaluation_run(by=users["bob"], facility=home, year=year)
    parts = {p["name"]: p for p in made.parts}
    assert parts["检查符合率"]["note"] == "20/21"
    assert parts["投诉"]["points"] == 15
    assert parts["员工年度培训率"]["note"] == "本年无在职员工，按 80% 计"
    kinds = sorted(
        CreditEntry.objects.filter(facility=home).values_list("kind", flat=True)
    )
    assert kinds == ["complaint_upheld", "evaluation", "inspection_major"]
    with pytest.raises(ValidationFailed, match="年度已评价"):
        services.evaluation_run(by=users["bob"], facility=home, year=year)
    with pytest.raises(ValidationFailed, match="不能列入红名单"):
        services.list_enter(
            by=users["bob"], kind="red", reason="服务优良", facility=home
        )


def test_another_county_cannot_open_the_grading_or_the_credit_page(home, users):
    grading = services.grading_apply(by=users["bob"], facility=home)
    dave = client_for(users["dave"])  # 浮梁县
    assert dave.get(f"/supervision/gradings/{grading.pk}/").status_code == 404
    assert dave.get(f"/supervision/credit/facility/{home.pk}/").status_code == 404
    assert (
        client_for(users["bob"])
        .get(f"/supervision/credit/facility/{home.pk}/")
        .status_code
        == 200
    )


def test_the_public_reads_grades_results_and_lists_without_logging_in(home, users):
    from django.test import Client

    grading = services.grading_apply(by=users["bob"], facility=home)
    services.grading_score(
        by=users["bob"],
        grading=grading,
        scores={c: m * 0.95 for c, m in MAXIMA.items()},
        experts="张",
    )
    services.grading_decide(by=users["bob"], grading=grading)
    inspection = services.inspection_start(by=users["bob"], facility=home)
    answers = {c: {"result": "pass"} for c, *_r in GB38600["items"]}
    answers["6-6"] = {"result": "fail", "note": "走廊扶手松动"}
    services.inspection_record(by=users["bob"], inspection=inspection, answers=answers)
    services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    page = Client().get("/public/results/").content.decode()
    assert "昌南颐养中心：<strong>五级</strong>" in page
    assert "已整改 0 / 1 项" in page
    assert (
        "走廊扶手松动" not in page
    )  # findings stay with the bureau and the institution
