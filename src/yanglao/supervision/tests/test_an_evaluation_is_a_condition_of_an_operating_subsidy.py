"""评价结果与补贴挂钩 (Jingdezhen 三.(八).1: the yearly evaluation is a basis for operating subsidies):
a benefits programme may require that the institution a person lives in was last evaluated at
least 合格. The evaluation is supervision's; benefits reads it through core.facility_facts, on the
column path of a monthly cycle and in the one-person explanation. A 不合格 institution, or one
never evaluated, does not qualify."""

import datetime as dt

import pytest

from yanglao.benefits.rules import (
    Amount,
    Conditions,
    InvalidPolicy,
    Policy,
    evaluate,
    policy_from_data,
)
from yanglao.benefits.selectors import people_on
from yanglao.benefits.vector import evaluate_many
from yanglao.facilities.models import Bed, Facility
from yanglao.facilities.services import admission_create
from yanglao.supervision.models import Evaluation

pytestmark = pytest.mark.django_db


def test_only_residents_of_an_institution_evaluated_well_enough_qualify(
    regions, users, make_elder
):
    today = dt.date.today()
    homes = [
        Facility.objects.create(
            name=name,
            type="private_home",
            ownership="private",
            region=regions["street"],
        )
        for name in ("合格院", "不合格院", "未评院")
    ]
    for home, result in zip(homes[:2], ("合格", "不合格"), strict=True):
        Evaluation.objects.create(
            facility=home,
            year=today.year - 1,
            score=80 if result == "合格" else 50,
            result=result,
            parts=[],
            made_by=users["bob"],
        )
    residents = []
    for i, home in enumerate(homes):
        person = make_elder(name=f"住院{i}")
        admission_create(
            by=users["admin"],
            elder=person,
            bed=Bed.objects.create(facility=home, code=f"A{i}"),
            admitted_on=today - dt.timedelta(days=30),
        )
        residents.append(person)
    policy = Policy(
        "op",
        "机构运营补贴",
        "v1",
        dt.date(2020, 1, 1),
        None,
        Conditions(min_facility_evaluation=2),
        Amount(by="flat", flat_fen=20000),
    )
    people = people_on(today, elder_ids=[p.pk for p in residents])
    eligible, _amount = evaluate_many(policy, people, today, {})
    by_id = dict(zip(people.elder_id.tolist(), eligible.tolist(), strict=True))
    assert by_id == {
        residents[0].pk: True,
        residents[1].pk: False,
        residents[2].pk: False,
    }
    row = people.elder_id.tolist().index(residents[1].pk)
    why = evaluate(policy, people.facts(row, today, {}, frozenset()), today).text
    assert (
        "入住机构年度服务质量评价合格及以上（本人入住机构：未评价、不合格或未入住）"
        in why
    )


def test_a_rank_outside_the_three_results_is_named():
    with pytest.raises(InvalidPolicy) as exc:
        policy_from_data(
            programme="op",
            name="机构运营补贴",
            version="v1",
            effective_from=dt.date(2026, 1, 1),
            effective_to=None,
            conditions={"min_facility_evaluation": 4},
            amount={"by": "flat", "flat_fen": 20000},
        )
    assert "conditions.min_facility_evaluation" in exc.value.errors
