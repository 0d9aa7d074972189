"""Import of historical assessment results (issue 4 §5) from a CSV a bureau already keeps:
one row per result, matched to the registry by identity number. Every row goes through the same
service as the page (assessment_record_historical); the whole file is written in one transaction
or not at all, and a dry run reports exactly what a real run would do."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction

from yanglao.assessments.instrument import LEVEL_NAMES
from yanglao.assessments.models import GBT_42195, MZT_039, MZT_LEVEL_NAMES
from yanglao.assessments.services import assessment_record_historical
from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import ValidationFailed
from yanglao.core.idnumber import InvalidIdNumber, parse
from yanglao.core.scope import region_path_allowed
from yanglao.core.tabular import TableError, decode_text
from yanglao.elders.selectors import elder_find_by_id_number

HEADERS = {
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "id_number"),
    "name": ("姓名", "name"),
    "standard": ("评估标准", "标准", "standard"),
    "assessed_on": ("评估日期", "评估时间", "assessed_on"),
    "final_level": ("能力等级", "评估等级", "等级", "final_level"),
    "total": ("总分", "total"),
    "agency_name": ("评估机构", "agency"),
    "assessors": ("评估员", "assessors"),
    "note": ("备注", "note"),
}
REQUIRED = ("id_number", "standard", "assessed_on", "final_level")
COLUMN_NAMES = {key: names[0] for key, names in HEADERS.items()}
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# Level words people write, per standard (GB/T full names and the short 失能 forms).
LEVEL_WORDS = {
    GBT_42195: {
        **{name: level for level, name in LEVEL_NAMES.items()},
        "能力完好": 0,
        "轻度失能": 1,
        "中度失能": 2,
        "重度失能": 3,
        "完全失能": 4,
    },
    MZT_039: {name: level for level, name in MZT_LEVEL_NAMES.items()},
}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # row, column, value, reason


def import_historical_csv(*, by, data: bytes, dry_run: bool = False) -> ImportReport:
    if not permissions.may_manage_assessments(by):
        raise ValidationFailed({"__all__": "您的角色不能导入历史评估结果"})
    report = ImportReport()
    rows = list(csv.reader(io.StringIO(_decode(data))))
    if not rows or not any(c.strip() for c in rows[0]):
        report.errors.append((1, "", "", "文件为空"))
        return report
    cols = _columns(rows[0])
    missing = [COLUMN_NAMES[k] for k in REQUIRED if k not in cols]
    if missing:
        report.errors.append((1, "、".join(missing), "", "缺少必需的列"))
        return report
    with transaction.atomic():
        for number, row in enumerate(rows[1:], start=2):
            if any(c.strip() for c in row):
                report.rows += 1
                _import_row(by, number, row, cols, report)
        if report.errors or dry_run:
            transaction.set_rollback(True)
            if report.errors:
                report.created = 0  # nothing was written
        else:
            audit(
                by=by,
                action="event",
                object_type="assessments.import",
                summary=f"导入历史评估结果 {report.created} 条",
            )
    report.errors.sort()
    return report


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except TableError as exc:
        raise ValidationFailed({"file": exc.reason}) from None


def _columns(header: list[str]) -> dict[str, int]:
    cleaned = [re.sub(r"\s+", "", h).lstrip("\ufeff") for h in header]
    return {
        key: cleaned.index(name)
        for key, names in HEADERS.items()
        for name in names
        if name in cleaned
    }


def _import_row(by, number: int, row: list[str], cols: dict[str, int], report) -> None:
    def cell(key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    def fail(key: str, reason: str) -> None:
        report.errors.append((number, COLUMN_NAMES.get(key, key), cell(key), reason))

    try:
        id_number = parse(cell("id_number")).value
    except InvalidIdNumber as exc:
        return fail("id_number", exc.reason)
    elder = elder_find_by_id_number(id_number)
    if elder is None or not region_path_allowed(by, elder.residence_region.path):
        return fail("id_number", "在您管辖范围内的老年人档案中找不到该身份证号")
    if cell("name") and cell("name") != elder.name:
        return fail("name", f"与档案姓名“{elder.name}”不一致")
    standard = _standard(cell("standard"))
    if standard is None:
        return fail("standard", f"应为 {GBT_42195} 或 {MZT_039}")
    assessed_on = _date(cell("assessed_on"))
    if assessed_on is None:
        return fail("assessed_on", "日期格式应为 2023-05-01 或 2023年5月1日")
    level = _level(cell("final_level"), standard)
    if level is None:
        return fail("final_level", "应为等级数字或等级名称（如 2、中度失能）")
    total_text = cell("total")
    if total_text and not ascii_digits(total_text):
        return fail("total", "应为整数")
    try:
        assessment_record_historical(
            by=by,
            elder=elder,
            standard=standard,
            assessed_on=assessed_on,
            final_level=level,
            total=int(total_text) if total_text else None,
            agency_name=cell("agency_name"),
            assessors=cell("assessors"),
            note=cell("note"),
        )
    except ValidationFailed as exc:
        for key, reason in exc.errors.items():
            fail(key, reason)
        return None
    report.created += 1
    return None


def _standard(text: str) -> str | None:
    compact = text.replace(" ", "").upper()
    if compact.startswith("GB/T42195"):
        return GBT_42195
    if compact.startswith("MZ/T039"):
        return MZT_039
    return None


def _date(text: str) -> dt.date | None:
    m = DATE.match(text.replace(" ", ""))
    if not m:
        return None
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def _level(text: str, standard: str) -> int | None:
    text = text.replace(" ", "").removesuffix("级")
    if ascii_digits(text):
        return int(text)
    return LEVEL_WORDS[standard].get(text)
