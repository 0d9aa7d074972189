"""STANDARDS.md "The platform's published draw method": a draw re-derived here in a few lines of
hashlib, independently of supervision.draw; exclusions, the cap and too-small teams; a changed
input or result is caught by verify."""

import copy
import hashlib
import json

import pytest

from yanglao.supervision.draw import DrawInputError, commitment, draw, verify

INPUT = {
    "plan": "JDZ-2026-01",
    "objects": [
        {"code": "A1", "stratum": "公办"},
        {"code": "A2", "stratum": "公办"},
        {"code": "A3", "stratum": "公办"},
        {"code": "B1", "stratum": "民办"},
        {"code": "B2", "stratum": "民办"},
    ],
    "inspectors": [
        {"code": "I1", "excludes": ["A1"]},
        {"code": "I2", "excludes": []},
        {"code": "I3", "excludes": ["B1", "B2"]},
        {"code": "I4", "excludes": []},
    ],
    "sample": {"公办": 2, "民办": 1},
    "team_size": 2,
    "max_teams": None,
}


def h(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_commitment_is_sha256_of_the_canonical_json():
    # RFC 8785 for this input: keys sorted, no spaces, non-ASCII as UTF-8
    manual = json.dumps(
        INPUT, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert commitment(INPUT) == h(manual)
    shuffled = dict(reversed(list(INPUT.items())))
    assert commitment(shuffled) == commitment(INPUT)  # key order does not matter


def test_the_draw_is_what_the_method_gives_re_derived_independently():
    result = draw(INPUT, "07 23 41 15 08")
    c = commitment(INPUT)
    s = h(f"{c}:07 23 41 15 08")
    assert result.seed == s
    expected = []
    for stratum, n in (
        ("公办", 2),
        ("民办", 1),
    ):  # strata by name: 公 (U+516C) before 民 (U+6C11)
        codes = [o["code"] for o in INPUT["objects"] if o["stratum"] == stratum]
        expected += sorted((h(f"{s}:object:{code}"), code) for code in codes)[:n]
    assert [(o["hash"], o["code"]) for o in result.objects] == expected
    for team in result.teams:
        allowed = [
            i["code"]
            for i in INPUT["inspectors"]
            if team["object"] not in i["excludes"]
        ]
        ranked = sorted((h(f"{s}:inspector:{team['object']}:{i}"), i) for i in allowed)
        assert team["inspectors"] == [i for _h, i in ranked[:2]]
    assert result.errors == []


def test_exclusions_and_the_cap_hold_and_a_short_team_is_an_error_not_a_smaller_team():
    tight = copy.deepcopy(INPUT)
    tight["max_teams"] = 1
    result = draw(tight, "42")
    load = {}
    for team in result.teams:
        for i in team["inspectors"]:
            load[i] = load.get(i, 0) + 1
        assert not any(
            team["object"] in x["excludes"]
            for x in tight["inspectors"]
            if x["code"] in team["inspectors"]
        )
    assert max(load.values()) == 1
    assert (
        len(result.teams) == 2 and len(result.errors) == 1
    )  # 4 inspectors, cap 1: two teams
    assert "少于每组 2 人" in result.errors[0]


def test_a_malformed_input_is_refused_naming_the_problem():
    for change, reason in (
        ({"team_size": 1}, "不得少于 2 人"),
        ({"sample": {"无此层": 1}}, "没有检查对象"),
        ({"objects": list(reversed(INPUT["objects"]))}, "按代码排序"),
    ):
        with pytest.raises(DrawInputError, match=reason):
            draw({**INPUT, **change}, "1")


def test_verify_catches_an_input_changed_after_the_commitment_and_a_doctored_result():
    result = draw(INPUT, "99")
    record = {
        "input": INPUT,
        "commitment": commitment(INPUT),
        "public_random": "99",
        **result.as_dict(),
    }
    assert verify(record) == []
    later = copy.deepcopy(record)
    later["input"]["objects"].pop()  # an object quietly removed after publication
    assert "输入在公示后被改动" in verify(later)[0]
    doctored = copy.deepcopy(record)
    doctored["teams"][0]["inspectors"].reverse()
    assert verify(doctored) == ["检查组与按方法重新计算的结果不符"]
