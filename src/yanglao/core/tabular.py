"""Reading the spreadsheets bureaus actually keep (.xlsx and .csv in UTF-8 or GB18030): sheets,
header rows, cell values normalised the way a clerk means them. Pure module (no Django import).

Structural problems (wrong file type, an encrypted or corrupt workbook, an empty sheet, too many
rows, formulas or merged cells in data rows) raise TableError with a Chinese reason; cell problems
are the caller's, via the `as_*` helpers which raise CellError.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 200_000  # per file; larger rosters are imported in parts
# A sheet is read into memory as a grid of its full width and height, empty cells included: a
# 1.6 KB workbook with one cell at XFD200000 asks for 3.3 billion cells (~100 GB). Its shape is
# therefore checked from the XML before any reader sees it (issue 20, finding 9).
MAX_COLUMNS = 200
MAX_CELLS = 12_000_000
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts of the workbook, decompressed
XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls
EXCEL_EPOCH = dt.date(1899, 12, 30)


class TableError(ValueError):
    """The file cannot be read as a table; `reason` says why in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CellError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Table:
    sheet: str
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    total_rows: int | None = None  # data rows, when known up front
    merged_rows: set[int] = field(default_factory=set)


def check_shape(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> None:
    """Refuse (TableError) a file whose size once read would be out of proportion: an .xlsx
    whose parts decompress beyond MAX_UNCOMPRESSED, or whose sheets reach beyond MAX_COLUMNS
    columns, `max_rows` rows or MAX_CELLS cells. Reads the XML in pieces; parses no cell."""
    if data.startswith(XLSX_MAGIC):
        _check_xlsx_shape(data, max_rows)


_CHUNK = 1 << 20
_ROW_REF = re.compile(rb"<row [^>]*?\br=\"(\d+)\"")
_WIDE_CELL = re.compile(rb"<c [^>]*?\br=\"([A-Z]{2,3})\d")
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


def _check_xlsx_shape(data: bytes, max_rows: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(p.file_size for p in parts) > MAX_UNCOMPRESSED:
                raise TableError(
                    f"工作簿解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB，请删去无关的工作表或分批导入"
                )
            for part in parts:
                if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", part.filename):
                    with archive.open(part) as xml:
                        _check_sheet_xml(xml, max_rows)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise TableError("文件已损坏，无法作为 Excel 工作簿打开") from exc


def _check_sheet_xml(xml, max_rows: int) -> None:
    """The highest row and column any cell (or the sheet's stated dimension) reaches."""
    rows = columns = counted = 0
    tail = b""
    while chunk := xml.read(_CHUNK):
        counted += chunk.count(
            b"<row "
        )  # rows without an r attribute follow one another
        text = tail + chunk
        if m := _DIMENSION.search(text):
            columns = max(columns, _column_index(m.group(1).decode()) + 1)
            rows = max(rows, int(m.group(2)))
        for ref in _ROW_REF.findall(text):
            rows = max(rows, int(ref))
        rows = max(rows, counted)
        for letters in set(_WIDE_CELL.findall(text)):
            columns = max(columns, _column_index(letters.decode()) + 1)
        _refuse_shape(rows, columns, max_rows)
        tail = text[-64:]


def _refuse_shape(rows: int, columns: int, max_rows: int) -> None:
    if columns > MAX_COLUMNS:
        raise TableError(
            f"工作表用到第 {columns:,} 列，超过 {MAX_COLUMNS} 列的上限：请删去表格右侧无关的单元格"
        )
    if rows > max_rows + 5:
        raise TableError(
            f"工作表有 {rows:,} 行，超过每次 {max_rows:,} 行的上限，请分批导入"
        )
    if rows * max(columns, 1) > MAX_CELLS:
        raise TableError(
            f"工作表有 {rows:,} 行 × {columns} 列，超过 {MAX_CELLS:,} 个单元格的上限，请分批导入"
        )


def open_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The first sheet of an .xlsx, or a .csv; the header is the first non-empty row (a title row
    above it, as many templates have, is skipped when it has a single filled cell)."""
    if not data:
        raise TableError("文件是空的")
    name = filename.lower()
    if data.startswith(OLE2_MAGIC):
        raise TableError(
            "文件已加密，或是旧版 Excel（.xls）格式：请取消密码后另存为 .xlsx 或 .csv 再上传"
        )
    if data.startswith(XLSX_MAGIC):
        return _open_xlsx(data, max_rows)
    if name.endswith((".csv", ".txt")):
        return _open_csv(data, max_rows)
    if name.endswith((".xlsx", ".xlsm")):
        raise TableError("文件已损坏，无法作为 Excel 工作簿打开")
    raise TableError("只支持 .xlsx 和 .csv 文件")


def decode_text(data: bytes) -> str:
    """A CSV's text: UTF-8 (with or without BOM) or GB18030 (what Excel saves on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别文件编码（CSV 应为 UTF-8 或 GB18030）")


def _open_csv(data: bytes, max_rows: int) -> Table:
    text = decode_text(data)
    if "\x00" in text[:4096]:
        raise TableError("文件不是文本格式的 CSV")
    total = text.count("\n")
    if total > max_rows + 5:
        raise TableError(
            f"文件约有 {total:,} 行，超过每次 {max_rows:,} 行的上限，请分批导入"
        )
    reader = csv.reader(io.StringIO(text))
    numbered = ((n, row) for n, row in enumerate(reader, start=1))
    return _with_header("CSV", numbered, total, set())


def _open_xlsx(data: bytes, max_rows: int) -> Table:
    """Read with calamine (Rust; ~50× faster than openpyxl on a 100,000-row roster). Formula and
    merged cells are found in the sheet's XML, since cached values would hide them."""
    from python_calamine import CalamineWorkbook

    _check_xlsx_shape(data, max_rows)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
    except Exception as exc:  # noqa: BLE001 — calamine raises several kinds for a broken file
        raise TableError("文件已损坏，无法作为 Excel 工作簿打开") from exc
    total = sheet.total_height
    if total > max_rows + 5:
        raise TableError(
            f"工作表有 {total:,} 行，超过每次 {max_rows:,} 行的上限，请分批导入"
        )
    merged, formulas = _marked_rows(data)
    values = sheet.to_python(skip_empty_area=False)
    rows_with_formulas = {row for row, _col in formulas}

    def mark(n: int, row: list) -> list:
        # A formula cell reads as "=…" so the cell check refuses it, naming its column.
        if n not in rows_with_formulas:
            return row
        return [f"={v}" if (n, i) in formulas else v for i, v in enumerate(row)]

    numbered = ((n, mark(n, row)) for n, row in enumerate(values, start=1))
    return _with_header(sheet.name, numbered, len(values), merged)


def _marked_rows(data: bytes) -> tuple[set[int], set[tuple[int, int]]]:
    """Rows touched by merged cells, and the cells holding formulas (row number, 0-based
    column), from the first sheet's XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(
                n
                for n in archive.namelist()
                if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
            )
            first = "xl/worksheets/sheet1.xml"
            xml = archive.read(first if first in names else names[0]).decode(
                "utf-8", "replace"
            )
    except (KeyError, IndexError, zipfile.BadZipFile):
        return set(), set()
    merged: set[int] = set()
    for top, bottom in re.findall(r'<mergeCell ref="[A-Z]+(\d+):[A-Z]+(\d+)"', xml):
        merged.update(range(int(top), int(bottom) + 1))
    formulas: set[tuple[int, int]] = set()
    end = xml.find("</sheetData>")
    for m in re.finditer(r"<f[ >/]", xml[: end if end > 0 else len(xml)]):
        cell = xml.rfind('<c r="', 0, m.start())
        ref = (
            re.match(r'<c r="([A-Z]+)(\d+)"', xml[cell : cell + 24])
            if cell >= 0
            else None
        )
        if ref:
            formulas.add((int(ref.group(2)), _column_index(ref.group(1))))
    return merged, formulas


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _with_header(sheet: str, numbered, total: int, merged: set[int]) -> Table:
    for number, row in numbered:
        filled = [c for c in row if not is_blank(c)]
        if len(filled) >= 2:
            header = [clean_header(c) for c in row]
            rest = ((n, r) for n, r in numbered if _is_data(r))
            return Table(sheet, header, number, rest, max(0, total - number), merged)
    raise TableError("工作表是空的，或找不到表头行")


NOTE_MARK = (
    "填写说明"  # the template's explanation row under the header starts with this
)


def _is_data(row: list[Any]) -> bool:
    filled = [c for c in row if not is_blank(c)]
    return bool(filled) and not str(filled[0]).startswith(NOTE_MARK)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_header(value: Any) -> str:
    """“ 身份证号* ” → “身份证号”; full-width letters and spaces made plain; notes in brackets
    after the name (“出生日期（选填）”) dropped."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", "", text).strip("*＊")
    return re.sub(r"[(（][^)）]*[)）]$", "", text)


def match_columns(
    header: list[str], spec: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    """Column index of each key whose header (one of its aliases) is present."""
    found: dict[str, int] = {}
    for key, aliases in spec.items():
        for i, name in enumerate(header):
            if name in aliases:
                found[key] = i
                break
    return found


# --- cell values ------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell as text: formulas refused; full-width digits and letters made plain; an Excel
    number that is really a code (13800138000.0) without its “.0”."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith("="):
            raise CellError("单元格是公式，请粘贴为数值后再导入")
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def as_date(value: Any) -> dt.date | None:
    """Dates as clerks enter them: a real Excel date, an Excel serial number (45000), or text
    2023-05-01 / 2023/5/1 / 2023.5.1 / 2023年5月1日 / 20230501. Empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:  # Excel serial: days since 1899-12-30
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 19000101 <= value <= 21001231:
            return as_date(str(int(value)))
        raise CellError("不是有效的日期")
    text = as_text(value).replace(" ", "")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    m = DATE_TEXT.match(text)
    if not m:
        raise CellError("日期格式应为 2023-05-01、2023/5/1 或 2023年5月1日")
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        raise CellError("不是有效的日期") from None
