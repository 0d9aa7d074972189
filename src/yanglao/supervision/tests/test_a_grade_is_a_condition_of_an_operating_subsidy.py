"""运营补贴与等级挂钩: a benefits programme may require that the institution a person lives in holds
a valid grade of at least N (GB/T 37276-2018). The grade is supervision's; benefits reads it
through core.facility_facts, on the column path a monthly cycle uses and in the one-person
explanation a clerk reads."""

import datetime as dt

import pytest

from yanglao.benefits.rules import Amount, Conditions, Policy, evaluate
from yanglao.benefits.selectors import people_on
from yanglao.benefits.vector import evaluate_many
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.supervision import services
from yanglao.supervision.grading import SHEET, item_maxima

pytestmark = pytest.mark.django_db


def test_only_residents_of_an_institution_graded_high_enough_qualify(
    regions, users, make_elder
):
    today = dt.date.today()
    graded, ungraded = (
        Facility.objects.create(
            name=name,
            type="private_home",
            ownership="private",
            region=regions["street"],
        )
        for name in ("三级院", "未评院")
    )
    grading = services.grading_apply(by=users["bob"], facility=graded)
    services.grading_score(
        by=users["bob"],
        grading=grading,
        scores={c: m * 0.7 for c, m in item_maxima(SHEET).items()},  # 700: 三级
        experts="张",
    )
    assert services.grading_decide(by=users["bob"], grading=grading).level == 3
    residents = []
    for i, home in enumerate((graded, ungraded)):
        bed = Bed.objects.create(facility=home, code=f"A{i}")
        person = make_elder(name=f"住院{i}")
        admission_create(
            by=users["admin"],
            elder=person,
            bed=bed,
            admitted_on=today - dt.timedelta(days=30),
        )
        residents.append(person)
    at_home = make_elder(name="居家")
    policy = Policy(
        "op",
        "机构运营补贴",
        "v1",
        dt.date(2020, 1, 1),
        None,
        Conditions(min_facility_grade=3),
        Amount(by="flat", flat_fen=20000),
    )
    people = people_on(today, elder_ids=[p.pk for p in (*residents, at_home)])
    eligible, _amount = evaluate_many(policy, people, today, {})
    by_id = dict(zip(people.elder_id.tolist(), eligible.tolist(), strict=True))
    assert by_id == {residents[0].pk: True, residents[1].pk: False, at_home.pk: False}
    row = people.elder_id.tolist().index(residents[1].pk)
    why = evaluate(policy, people.facts(row, today, {}, frozenset()), today).text
    assert "入住机构等级三级及以上（本人入住机构：未评定或未入住）" in why
