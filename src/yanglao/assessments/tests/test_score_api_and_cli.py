import io
import json

from yanglao.assessments.instrument import GBT_42195_2022 as GB
from yanglao.cli import main

DOC = {
    "items": {item.code: item.max_score for item in GB.items},
    "coma": False,
    "diagnoses": ["F01", "I10"],
    "risk_events": {"跌倒": 1, "走失": 1, "噎食": 0, "自杀": 0, "自伤": 0, "其他": 0},
}


def test_the_api_scores_a_document(users, api_token):
    r = api_token(users["carol"]).post(
        "/api/v1/assessments/score", json.dumps(DOC), content_type="application/json"
    )
    assert r.status_code == 200
    body = r.json()
    assert body["domain_scores"] == {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15}
    assert (body["total"], body["preliminary_level"], body["final_level"]) == (90, 0, 1)
    assert body["final_level_name"] == "能力轻度受损（轻度失能）"
    assert len(body["change_reasons"]) == 2


def test_the_api_answers_422_naming_fields(users, api_token):
    bad = dict(DOC, diagnoses=["bad"], items={"B.1.1": 7})
    r = api_token(users["carol"]).post(
        "/api/v1/assessments/score", json.dumps(bad), content_type="application/json"
    )
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["detail"]}
    assert {"items.B.1.1", "items.B.4.5", "diagnoses[0]"} <= fields and len(
        fields
    ) == 27


def test_the_api_needs_a_token(client):
    assert (
        client.post(
            "/api/v1/assessments/score",
            json.dumps(DOC),
            content_type="application/json",
        ).status_code
        == 401
    )


def test_the_cli_reads_stdin_and_prints_json(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(DOC)))
    assert main(["assessment", "score"]) == 0
    assert json.loads(capsys.readouterr().out)["final_level"] == 1


def test_the_cli_exits_non_zero_naming_fields(monkeypatch, capsys):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(json.dumps(dict(DOC, risk_events={"跌倒": -2})))
    )
    assert main(["assessment", "score"]) == 2
    assert json.loads(capsys.readouterr().err)["errors"] == {
        "risk_events.跌倒": "次数应为非负整数"
    }
