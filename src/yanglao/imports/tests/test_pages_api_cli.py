"""The import pages, API and command line: upload → preview with every error → confirm → done;
templates round-trip; others' jobs are 404."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from yanglao.conftest import client_for
from yanglao.elders.models import Elder
from yanglao.imports import spreadsheets
from yanglao.imports.models import ImportJob
from yanglao.imports.tests.test_elders_import import good_rows, xlsx

pytestmark = pytest.mark.django_db


def _upload(client, data, name="roster.xlsx"):
    return client.post(
        "/imports/",
        {"kind": "elders", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_upload_preview_confirm(users, regions):
    bob = client_for(users["bob"])
    bad = good_rows() + [
        [
            3,
            "错号",
            "360203194503080020",
            "",
            "",
            "",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
    page = _upload(bob, xlsx(bad)).content.decode()
    assert (
        "有 1 处错误" in page
        and "身份证号校验码错误" in page
        and "确认导入" not in page
    )
    job = ImportJob.objects.get()
    report = load_workbook(
        __import__("io").BytesIO(bob.get(f"/imports/{job.pk}/errors.xlsx").content)
    )
    assert list(report["错误"].iter_rows(values_only=True))[1][:3] == (
        "花名册",
        5,
        "身份证号",
    )
    page = _upload(bob, xlsx(good_rows())).content.decode()
    assert "检查通过，确认后导入" in page and not Elder.objects.exists()
    job = ImportJob.objects.filter(errors=[]).get()
    page = bob.post(f"/imports/{job.pk}/confirm/", follow=True).content.decode()
    assert "导入完成" in page and Elder.objects.count() == 2
    status = bob.get(f"/imports/{job.pk}/status/").json()
    assert status["status"] == "done" and status["percent"] == 100


def test_template_has_every_column_and_imports_its_example_back(users, regions):
    data = client_for(users["bob"]).get("/imports/template/elders.xlsx").content
    sheet = load_workbook(__import__("io").BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名*", "身份证号*") and rows[1][0].startswith("填写说明")
    page = _upload(client_for(users["bob"]), data).content.decode()
    assert "检查通过" in page  # the example row is valid, the explanation row skipped


def test_jobs_of_others_are_404(users, regions):
    _upload(client_for(users["bob"]), xlsx(good_rows()))
    job = ImportJob.objects.get()
    carol = client_for(users["carol"])
    for url in ("", "status/", "errors.xlsx"):
        assert carol.get(f"/imports/{job.pk}/{url}").status_code == 404
    assert carol.post(f"/imports/{job.pk}/confirm/").status_code == 404
    assert client_for(users["admin"]).get(f"/imports/{job.pk}/").status_code == 200


def test_api_upload_then_confirm(users, regions, api_token):
    api = api_token(users["bob"])
    r = api.post(
        "/api/v1/imports",
        {"kind": "elders", "file": SimpleUploadedFile("r.xlsx", xlsx(good_rows()))},
    )
    assert r.status_code == 201
    body = r.json()
    assert (
        body["status"] == "checked"
        and body["counts"]["new"] == 2
        and body["errors"] == []
    )
    r = api.post(f"/api/v1/imports/{body['id']}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert Elder.objects.count() == 2
    bad = api.post(
        "/api/v1/imports",
        {"kind": "nonsense", "file": SimpleUploadedFile("r.xlsx", b"x")},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "kind"
    assert (
        api_token(users["carol"]).get(f"/api/v1/imports/{body['id']}").status_code
        == 404
    )


def test_command_line(users, regions, tmp_path, capsys):
    from yanglao.cli import main

    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(good_rows()))
    assert main(["import", "elders", str(path), "--user", "bob", "--dry-run"]) == 0
    assert "新增 2" in capsys.readouterr().out and not Elder.objects.exists()
    assert main(["import", "elders", str(path), "--user", "bob"]) == 0
    assert Elder.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx(good_rows() + [[3, "错号", "360203194503080020", "", "", "", "塘坪社区"]])
    )
    assert main(["import", "elders", str(bad), "--user", "bob"]) == 1
    assert "花名册 第5行 身份证号" in capsys.readouterr().err


def test_spreadsheet_helpers_do_not_need_a_request(users, regions):
    assert spreadsheets.template("elders")[:2] == b"PK"
    assert json.dumps(ImportJob.Status.choices, ensure_ascii=False)


def test_a_job_nobody_picks_up_says_why(users, regions, settings):
    import datetime as dt

    from yanglao.imports import services

    job = services.import_upload(
        by=users["bob"], kind="elders", file_name="r.xlsx", data=xlsx(good_rows())
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - dt.timedelta(minutes=5)
    )
    page = client_for(users["bob"]).get(f"/imports/{job.pk}/").content.decode()
    assert "后台任务进程可能没有运行" in page
