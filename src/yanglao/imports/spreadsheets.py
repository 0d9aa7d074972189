"""Workbooks the import pages hand out: a template per kind (header + explanation row + an
example), and a job's error report."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from yanglao.core.export import xlsx_row
from yanglao.core.tabular import NOTE_MARK
from yanglao.imports.kinds import kind_for
from yanglao.imports.models import ImportJob

BOLD = Font(bold=True)
NOTE = PatternFill("solid", fgColor="FFF4D6")


def template(kind_name: str) -> bytes:
    kind = kind_for(kind_name)
    book = Workbook()
    sheet = book.active
    sheet.title = kind.label[:31]
    sheet.append([c.header + ("*" if c.required else "") for c in kind.columns])
    notes = [c.note for c in kind.columns]
    notes[0] = f"{NOTE_MARK}：{notes[0]}"  # this row is skipped on import
    sheet.append(notes)
    sheet.append([c.example for c in kind.columns])
    for cell in sheet[1]:
        cell.font = BOLD
    for cell in sheet[2]:
        cell.fill = NOTE
    for i, c in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
            12, len(c.header) * 2 + 4
        )
    return _save(book)


def error_report(job: ImportJob) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误")
    sheet.append(["工作表", "行号", "列", "内容", "原因"])
    for error in job.errors:
        sheet.append(xlsx_row(sheet, error))  # a refused "=…" cell stays text
    info = book.create_sheet("导入记录")
    for label, value in (
        ("文件", job.file_name),
        ("SHA-256", job.checksum),
        ("上传人", str(job.created_by)),
        ("上传时间", job.created_at.strftime("%Y-%m-%d %H:%M")),
        ("状态", job.get_status_display()),
        ("新增", job.counts.get("new", 0)),
        ("更新", job.counts.get("updated", 0)),
        ("未变", job.counts.get("unchanged", 0)),
        ("错误", len(job.errors)),
    ):
        info.append(xlsx_row(info, [label, value]))
    return _save(book)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
