"""Exports of the older-person list: the filtered rows, masked numbers unless the user may see
them in full and asks, streamed, audited; and an export with full numbers imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from yanglao.conftest import client_for
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows_xlsx(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    return list(
        load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(
            values_only=True
        )
    )


def test_csv_is_scoped_filtered_masked_and_audited(users, make_elder):
    a = make_elder(name="甲", living_arrangement="alone", phone="13807980001")
    make_elder(name="乙")
    make_elder(name="远", region="jiucheng")
    r = client_for(users["bob"]).get(
        "/elders/export.csv", {"living_arrangement": "alone"}
    )
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["姓名", "身份证号"]
    assert len(rows) == 2
    assert rows[1][0] == "甲"
    assert rows[1][1] == a.id_number_masked
    assert rows[1][5] == "138****0001"
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == users["bob"]
    assert entry.after["filters"] == {"living_arrangement": "alone", "status": "active"}
    assert entry.after["full_pii"] is False


def test_full_numbers_only_with_permission(users, make_elder):
    a = make_elder(name="甲")
    masked = _rows_xlsx(
        client_for(users["carol"]).get("/elders/export.xlsx", {"full": "1"})
    )
    assert (
        masked[1][1] == a.id_number_masked
    )  # carol may not see full numbers: masked anyway
    full = _rows_xlsx(
        client_for(users["alice"]).get("/elders/export.xlsx", {"full": "1"})
    )
    assert full[1][1] == a.id_number
    assert AuditEntry.objects.filter(action="export", after__full_pii=True).count() == 1


def test_an_export_imports_back_unchanged(users, make_elder):
    from yanglao.imports import services

    make_elder(name="甲", living_arrangement="empty_nest", phone="13807980001")
    make_elder(name="乙")
    data = b"".join(
        client_for(users["alice"])
        .get("/elders/export.xlsx", {"full": "1"})
        .streaming_content
    )
    job = services.import_check(
        job=services.import_upload(
            by=users["alice"], kind="elders", file_name="e.xlsx", data=data
        )
    )
    assert job.errors == [] and job.counts == {
        "new": 0,
        "updated": 0,
        "unchanged": 2,
        "errors": 0,
    }


def test_unknown_format_is_404(users):
    assert client_for(users["bob"]).get("/elders/export.pdf").status_code == 404


def test_a_wrong_filter_is_refused_not_exported_whole(users, make_elder):
    make_elder(name="甲")
    r = client_for(users["bob"]).get("/elders/export.csv", {"age_band": "150-200"})
    assert (
        r.status_code == 400
        and "筛选条件有误，未导出" in r.content.decode()
        and "年龄段" in r.content.decode()
    )
    assert not AuditEntry.objects.filter(action="export").exists()
