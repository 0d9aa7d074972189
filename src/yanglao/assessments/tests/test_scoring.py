"""GB/T 42195-2022 scoring against cases built by hand from the standard's tables (C.1–C.5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yanglao.assessments.instrument import GBT_42195_2022 as GB
from yanglao.assessments.scoring import (
    Answers,
    InvalidAnswers,
    parse_answers,
    preliminary_level,
    score,
)

MAX = {item.code: item.max_score for item in GB.items}


def with_total(total: int) -> dict[str, int]:
    """Answers whose total is `total`: lower items one by one from the top."""
    items, missing = dict(MAX), 90 - total
    for code in items:
        cut = min(items[code], missing)
        items[code] -= cut
        missing -= cut
    assert sum(items.values()) == total
    return items


def test_the_instrument_has_26_items_and_the_standards_maxima():
    assert len(GB.items) == 26
    assert [GB.domain_max(d) for d in ("B.1", "B.2", "B.3", "B.4")] == [32, 15, 28, 15]
    assert GB.item("B.2.4").scores == {0, 1, 2, 3}
    assert GB.item("B.3.9").options[0] == (2, "神志清醒")


def test_full_marks_is_level_0():
    result = score(Answers(items=MAX))
    assert result.domain_scores == {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15}
    assert (result.total, result.preliminary_level, result.final_level) == (90, 0, 0)
    assert result.final_level_name == "能力完好" and result.change_reasons == ()


def test_nothing_is_level_4():
    result = score(Answers(items={code: 0 for code in MAX}))
    assert (result.total, result.final_level, result.final_level_name) == (
        0,
        4,
        "能力完全丧失（完全失能）",
    )


@pytest.mark.parametrize(
    "total, level",
    [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)],
)
def test_c3_band_edges(total, level):
    assert preliminary_level(total) == level
    assert score(Answers(items=with_total(total))).preliminary_level == level


def test_dementia_raises_one_level():
    result = score(Answers(items=MAX, diagnoses=("F01",)))
    assert (result.preliminary_level, result.final_level) == (0, 1)
    assert result.change_reasons == ("确诊为痴呆（F00–F03）",)


def test_the_conditions_do_not_add_up():
    # C.4: dementia AND another mental disorder AND 3 risk events still raise by one level only.
    result = score(
        Answers(
            items=with_total(70),
            diagnoses=("F03.9", "F20"),
            risk_events={"跌倒": 2, "走失": 1},
        )
    )
    assert (result.preliminary_level, result.final_level) == (1, 2)
    assert len(result.change_reasons) == 3
    assert "共3次" in result.change_reasons[2]


def test_the_rise_is_capped_at_level_4():
    result = score(Answers(items=with_total(20), diagnoses=("F00",)))
    assert (result.preliminary_level, result.final_level) == (4, 4)


def test_coma_is_level_4_whatever_the_score():
    result = score(Answers(items=MAX, coma=True, diagnoses=("F01",)))
    assert (result.total, result.preliminary_level, result.final_level) == (90, 0, 4)
    assert "昏迷" in result.change_reasons[0] and len(result.change_reasons) == 1


@pytest.mark.parametrize(
    "events, raised",
    [
        ({"跌倒": 1}, False),
        ({"跌倒": 1, "走失": 1}, True),
        ({"噎食": 2}, True),
        ({"其他": 0, "自伤": 1}, False),
    ],
)
def test_two_or_more_risk_events_in_30_days(events, raised):
    assert score(Answers(items=with_total(50), risk_events=events)).final_level == (
        3 if raised else 2
    )


@pytest.mark.parametrize(
    "code, raised",
    [
        ("F00", True),
        ("F03", True),
        ("F04", True),
        ("F99.1", True),
        ("G30", False),
        ("I10", False),
    ],
)
def test_which_diagnoses_count(code, raised):
    assert score(Answers(items=MAX, diagnoses=(code,))).final_level == (
        1 if raised else 0
    )


answers_strategy = st.fixed_dictionaries(
    {item.code: st.sampled_from(sorted(item.scores)) for item in GB.items}
)


@given(answers_strategy)
def test_totals_and_domains_are_sums_within_bounds(items):
    result = score(Answers(items=items))
    assert result.total == sum(items.values()) == sum(result.domain_scores.values())
    for domain, value in result.domain_scores.items():
        assert 0 <= value <= GB.domain_max(domain)
    assert result.preliminary_level == preliminary_level(result.total)


@given(
    answers_strategy,
    st.sampled_from([i.code for i in GB.items]),
    st.booleans(),
    st.lists(st.sampled_from(["F01", "F20", "I10"]), max_size=2),
)
def test_more_ability_never_means_a_higher_level(items, code, has_events, diagnoses):
    better = dict(items, **{code: GB.item(code).max_score})
    events = {"跌倒": 2} if has_events else {}
    worse_result = score(
        Answers(items=items, diagnoses=tuple(diagnoses), risk_events=events)
    )
    better_result = score(
        Answers(items=better, diagnoses=tuple(diagnoses), risk_events=events)
    )
    assert better_result.final_level <= worse_result.final_level
    assert better_result.preliminary_level <= worse_result.preliminary_level


@given(
    answers_strategy,
    st.booleans(),
    st.lists(st.sampled_from(["F00", "F30", "I10", "E11"]), max_size=3),
    st.integers(0, 4),
)
def test_c4_rules_hold(items, coma, diagnoses, falls):
    result = score(
        Answers(
            items=items,
            coma=coma,
            diagnoses=tuple(diagnoses),
            risk_events={"跌倒": falls},
        )
    )
    if coma:
        assert result.final_level == 4
    elif any(d.startswith("F") for d in diagnoses) or falls >= 2:
        assert result.final_level == min(result.preliminary_level + 1, 4)
    else:
        assert result.final_level == result.preliminary_level


def _doc(**overrides):
    doc = {
        "items": dict(MAX),
        "coma": False,
        "diagnoses": ["F01", "I10"],
        "risk_events": {"跌倒": 1, "走失": 1},
    }
    doc.update(overrides)
    return doc


def test_a_valid_document_parses():
    answers = parse_answers(_doc())
    assert answers.diagnoses == ("F01", "I10") and answers.risk_events == {
        "跌倒": 1,
        "走失": 1,
    }


def test_every_offending_field_is_named():
    items = dict(MAX)
    items["B.2.4"] = 4  # max is 3
    items["B.3.7"] = True  # a boolean is not a score
    del items["B.1.1"]
    items["B.9.9"] = 1
    doc = _doc(
        items=items,
        diagnoses=["F01", "XYZ"],
        risk_events={"跌倒": -1, "摔跤": 1},
        coma="no",
    )
    with pytest.raises(InvalidAnswers) as exc:
        parse_answers(doc)
    assert set(exc.value.errors) == {
        "items.B.2.4",
        "items.B.3.7",
        "items.B.1.1",
        "items.B.9.9",
        "diagnoses[1]",
        "risk_events.跌倒",
        "risk_events.摔跤",
        "coma",
    }
    assert (
        exc.value.errors["items.B.2.4"]
        == "上下楼梯（连续上下10~15个台阶）的评分应为 0、1、2、3 之一"
    )
    assert exc.value.errors["risk_events.跌倒"] == "次数应为非负整数"


def test_health_items_are_recorded_but_do_not_change_the_level():
    from yanglao.assessments.scoring import InvalidAnswers, parse_answers, score

    doc = {"items": {i.code: i.max_score for i in GB.items}}
    plain = score(parse_answers(doc))
    with_health = parse_answers(doc | {"health": ["A.5.1", "A.5.8", "A.5.1"]})
    assert with_health.health == ("A.5.1", "A.5.8")
    assert score(with_health).final_level == plain.final_level == 0
    with pytest.raises(InvalidAnswers) as exc:
        parse_answers(doc | {"health": ["A.5.11", "A.9"]})
    assert set(exc.value.errors) == {"health[0]", "health[1]"}
    assert "coma" in exc.value.errors["health[0]"]


def test_instrument_reasons_match_the_workflow():
    from yanglao.assessments.instrument import REASONS
    from yanglao.assessments.models import Reason

    assert tuple(Reason.labels) == REASONS
