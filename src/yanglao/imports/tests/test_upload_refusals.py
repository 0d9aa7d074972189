"""Imports refuse before storing (issue 20, finding 9): a 1.6 KB workbook with one cell at
XFD200000 (it would ask the reader for ~100 GB) is refused at upload with the reason and stored
nowhere; a role that may not import a kind is refused at upload, not later in the worker; and a
worker that dies leaves no job "checking" forever."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for, make_user
from yanglao.core.errors import ValidationFailed
from yanglao.core.tabular import TableError, open_table
from yanglao.imports import services
from yanglao.imports.models import ImportJob
from yanglao.imports.tests.test_elders_import import good_rows, xlsx

pytestmark = pytest.mark.django_db


def one_cell_workbook(cell: str) -> bytes:
    """A minimal .xlsx: a header row and one cell at `cell` (1.6 KB for XFD200000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        row = "".join(ch for ch in cell if ch.isdigit())
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row><row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
        )
    return out.getvalue()


def _upload(client, data, kind="elders"):
    return client.post(
        "/imports/", {"kind": kind, "file": SimpleUploadedFile("名单.xlsx", data)}
    )


def test_the_wide_workbook_is_small_and_refused_at_upload(users, regions):
    data = one_cell_workbook("XFD200000")
    assert len(data) < 2000
    response = _upload(client_for(users["bob"]), data)
    assert response.status_code == 200
    assert "超过 200 列的上限" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_api_refuses_it_naming_the_file_field(users, regions, api_token):
    response = api_token(users["bob"]).post(
        "/api/v1/imports",
        {
            "kind": "elders",
            "file": SimpleUploadedFile("r.xlsx", one_cell_workbook("XFD2")),
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert ImportJob.objects.count() == 0


def test_too_many_rows_are_refused_before_reading(users, regions):
    with pytest.raises(TableError, match="300,000 行"):
        open_table(one_cell_workbook("C300000"), "r.xlsx")


def test_an_ordinary_roster_still_passes(users, regions):
    response = _upload(client_for(users["bob"]), xlsx(good_rows()))
    assert response.status_code == 302
    assert ImportJob.objects.get().status == "checked"


@pytest.mark.parametrize("role", ["family", "leader", "operator", "assessor"])
def test_roles_that_may_not_import_are_refused_at_upload(regions, role):
    user = make_user(f"u-{role}", role, regions["zhushan"])
    with pytest.raises(ValidationFailed, match="不能导入"):
        services.import_upload(
            by=user, kind="elders", file_name="r.xlsx", data=xlsx(good_rows())
        )
    assert client_for(user).post("/imports/", {"kind": "elders"}).status_code == 403
    assert ImportJob.objects.count() == 0


def test_a_facility_admin_imports_beds_but_not_older_people(regions):
    user = make_user("fa", "facility_admin", regions["zhushan"])
    with pytest.raises(ValidationFailed, match="不能导入老年人花名册"):
        services.import_upload(
            by=user, kind="elders", file_name="r.xlsx", data=xlsx(good_rows())
        )
    job = services.import_upload(
        by=user, kind="beds", file_name="r.xlsx", data=xlsx(good_rows())
    )
    assert job.pk


def test_jobs_of_a_dead_worker_are_failed_with_the_reason(users, regions):
    checking = services.import_upload(
        by=users["bob"], kind="elders", file_name="a.xlsx", data=xlsx(good_rows())
    )
    ImportJob.objects.filter(pk=checking.pk).update(status="checking")
    queued = services.import_upload(
        by=users["bob"], kind="elders", file_name="b.xlsx", data=xlsx(good_rows())
    )
    ImportJob.objects.filter(pk=queued.pk).update(
        status="importing", phase=services.WAITING
    )
    assert services.import_jobs_interrupted(reason="后台任务进程异常退出") == 1
    checking.refresh_from_db()
    queued.refresh_from_db()
    assert (checking.status, checking.message) == ("failed", "后台任务进程异常退出")
    assert queued.status == "importing"  # not begun: the new worker takes it
