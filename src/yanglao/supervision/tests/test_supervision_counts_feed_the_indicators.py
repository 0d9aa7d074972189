"""Supervision's measures (core.measures), which the indicators 养老机构监督检查覆盖率, 整改按期完成率,
服务安全基本规范符合率 and 达到国家标准的养老机构占比 are built from: counted at the institution's
region, over the period asked."""

import datetime as dt

import pytest

from yanglao.facilities.models import Facility
from yanglao.indicators.measures import all_measures
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.grading import SHEET, item_maxima

pytestmark = pytest.mark.django_db


def _inspect(by, cosigner, home, failing: str = ""):
    inspection = services.inspection_start(by=by, facility=home)
    answers = {c: {"result": "pass"} for c, *_r in GB38600["items"]}
    if failing:
        answers[failing] = {"result": "fail", "note": "现场发现问题"}
    services.inspection_record(by=by, inspection=inspection, answers=answers)
    return services.inspection_sign(by=by, inspection=inspection, cosigner=cosigner)


def test_inspected_graded_and_rectified_institutions_are_counted(regions, users):
    bob, street = users["bob"], regions["street"]
    homes = [
        Facility.objects.create(
            name=f"院{i}", type="private_home", ownership="private", region=street
        )
        for i in range(3)
    ]
    _inspect(bob, users["alice"], homes[0])
    _inspect(bob, users["alice"], homes[1], failing="6-6")  # 防跌倒, 重大
    grading = services.grading_apply(by=bob, facility=homes[2])
    services.grading_score(
        by=bob,
        grading=grading,
        scores={c: m * 0.7 for c, m in item_maxima(SHEET).items()},
        experts="张",
    )
    services.grading_decide(by=bob, grading=grading)
    measures = all_measures()
    today = dt.date.today()
    year = (today.replace(month=1, day=1), today.replace(month=12, day=31))

    def count(code):
        return measures[code].count(*year).get(street.pk, 0)

    assert count("supervision.institutions_inspected") == 2
    assert count("supervision.institutions_meeting_gb38600") == 1
    assert count("supervision.institutions_graded") == 1
    members = list(
        measures["supervision.institutions_inspected"].members(*year, [street.pk])
    )
    assert [m.label for m in members] == ["院0", "院1"]
    # the failed item's order falls due in 7 days: counted in the period holding its deadline
    due = today + dt.timedelta(days=7)
    around = (due - dt.timedelta(days=1), due + dt.timedelta(days=1))
    assert measures["supervision.rectifications_due"].count(*around) == {street.pk: 1}
    assert measures["supervision.rectifications_on_time"].count(*around) == {}
