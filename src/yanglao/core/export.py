"""Exports of any list to .xlsx or .csv, streaming in constant memory: rows come from a generator
(a selector iterating the database in chunks) and go out as they are made — CSV straight to the
response, .xlsx through openpyxl's write-only mode into a temporary file that is then streamed.
Every export is audited (who, what list, which filters, how many rows, full or masked numbers)."""

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
        summary=f"导出{name}（{fmt}，{'完整' if full_pii else '脱敏'}身份证号和电话）",
        after={"filters": {k: str(v) for k, v in shown.items()}, "full_pii": full_pii},
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = FileResponse(_xlsx_file(header, rows, name), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM makes Excel read UTF-8 correctly
    for row in rows:
        yield writer.writerow([_plain(v) for v in row])


def _plain(value):
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else value


def _xlsx_file(header: list[str], rows: Iterable[list], title: str):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append(row)
    out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it when sent
    book.save(out)
    out.seek(0)
    return out
