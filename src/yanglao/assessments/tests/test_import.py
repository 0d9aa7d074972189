"""Historical results from a CSV: every bad row named with column, value and reason; nothing
written unless every row is right; MZ/T 039-2013 kept on its own scale; re-import refused."""

from __future__ import annotations

import pytest

from yanglao.assessments.imports import import_historical_csv
from yanglao.assessments.models import GBT_42195, MZT_039, Assessment
from yanglao.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = "姓名, 身份证号 ,评估标准,评估日期,能力等级,总分,评估机构\n"


def _csv(elders, extra: str = "") -> bytes:
    a, b = elders
    return (
        HEADER
        + f"{a.name},{a.id_number},MZ/T 039-2013,2019年6月3日,重度失能,,原评估站\n"
        + f"{b.name},{b.id_number},GB/T 42195-2022,2024/05/01,2,50,珠山区评估中心\n"
        + extra
    ).encode("gb18030")


@pytest.fixture
def two(make_elder):
    return make_elder(name="张三"), make_elder(name="李四")


def test_good_file_imports_once(users, two):
    dry = import_historical_csv(by=users["alice"], data=_csv(two), dry_run=True)
    assert dry.errors == [] and dry.created == 2 and not Assessment.objects.exists()
    done = import_historical_csv(by=users["alice"], data=_csv(two))
    assert done.created == 2
    old = Assessment.objects.get(elder=two[0])
    assert (old.standard, old.final_level, old.final_level_name) == (
        MZT_039,
        3,
        "重度失能",
    )
    two[0].refresh_from_db()
    two[1].refresh_from_db()
    assert two[0].ability_level is None and two[1].ability_level == 2
    again = import_historical_csv(by=users["alice"], data=_csv(two))
    assert (
        again.created == 0 and len(again.errors) == 2
    )  # the same results are already there
    assert Assessment.objects.count() == 2


def test_bad_rows_are_named_and_nothing_is_written(users, two, make_elder):
    far = make_elder(name="王五", region="jiucheng")
    bad = (
        "张三,110101194503081234,GB/T 42195-2022,2024-01-01,1,,\n"  # bad check digit
        f"错名,{two[1].id_number},GB/T 42195-2022,2024-01-01,1,,\n"
        f"{two[1].name},{two[1].id_number},ISO 9000,2024-01-01,1,,\n"
        f"{two[1].name},{two[1].id_number},GB/T 42195-2022,2024-13-01,1,,\n"
        f"{two[1].name},{two[1].id_number},MZ/T 039-2013,2020-01-01,4,,\n"
        f"{two[1].name},{two[1].id_number},GB/T 42195-2022,2023-01-01,0,40,\n"
        f"{far.name},{far.id_number},GB/T 42195-2022,2023-01-01,0,,\n"
    )
    report = import_historical_csv(by=users["bob"], data=_csv(two, bad))  # bob: 珠山区
    columns = [(row, column) for row, column, _v, _r in report.errors]
    assert columns == [
        (4, "身份证号"),
        (5, "姓名"),
        (6, "评估标准"),
        (7, "评估日期"),
        (8, "能力等级"),
        (9, "能力等级"),
        (10, "身份证号"),
    ]
    reasons = {row: reason for row, _c, _v, reason in report.errors}
    assert (
        "0–3" in reasons[8] and "初步等级3" in reasons[9] and "管辖范围" in reasons[10]
    )
    assert not Assessment.objects.exists()


def test_missing_columns_and_roles(users, two):
    report = import_historical_csv(
        by=users["alice"], data="姓名,备注\n张三,x\n".encode()
    )
    assert report.errors[0][3] == "缺少必需的列" and "身份证号" in report.errors[0][1]
    from yanglao.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        import_historical_csv(by=users["carol"], data=_csv(two))


def test_upload_page(users, two):
    from django.core.files.uploadedfile import SimpleUploadedFile

    alice = client_for(users["alice"])
    upload = SimpleUploadedFile("history.csv", _csv(two), content_type="text/csv")
    page = alice.post(
        "/assessments/import/", {"file": upload, "dry_run": "on"}
    ).content.decode()
    assert "检查通过：将导入 2 条" in page and not Assessment.objects.exists()
    upload = SimpleUploadedFile("history.csv", _csv(two), content_type="text/csv")
    page = alice.post("/assessments/import/", {"file": upload}).content.decode()
    assert "已导入 2 条历史评估结果" in page
    assert Assessment.objects.filter(standard=GBT_42195).count() == 1


def test_command_line(users, two, tmp_path, capsys):
    """`yanglao import assessments FILE [--dry-run] --user NAME`: rows and reasons on stderr and
    exit 1 when anything is wrong; a summary and exit 0 when the file is right."""
    from yanglao.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        _csv(two, "张三,110101194503081234,GB/T 42195-2022,2024-01-01,1,,\n")
    )
    assert main(["import", "assessments", str(bad), "--user", "alice"]) == 1
    err = capsys.readouterr().err
    assert "第4行 身份证号“110101194503081234”" in err and "未写入任何数据" in err
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(two))
    assert (
        main(["import", "assessments", str(good), "--user", "alice", "--dry-run"]) == 0
    )
    assert "检查通过，将导入 2 条" in capsys.readouterr().out
    assert not Assessment.objects.exists()
    assert main(["import", "assessments", str(good), "--user", "alice"]) == 0
    assert Assessment.objects.count() == 2
    assert main(["import", "assessments", str(good), "--user", "nobody"]) == 2


def test_api_upload(users, two, api_token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_token(users["alice"])
    bad = SimpleUploadedFile(
        "h.csv", _csv(two, "张三,110101194503081234,GB/T 42195-2022,2024-01-01,1,,\n")
    )
    body = api.post("/api/v1/assessments/import", {"file": bad}).json()
    assert body["created"] == 0 and body["errors"][0]["row"] == 4
    assert not Assessment.objects.exists()
    good = SimpleUploadedFile("h.csv", _csv(two))
    assert api.post("/api/v1/assessments/import", {"file": good}).json()["errors"] == []
    assert Assessment.objects.count() == 2
