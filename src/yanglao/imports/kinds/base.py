"""What every import kind shares: its columns (Chinese headers as users write them, with the
template's explanation), reading rows into checked values with errors named by sheet, row, column
and value, and the outcome of a check that a later write carries out exactly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.tabular import (
    CellError,
    Table,
    as_date,
    as_text,
    match_columns,
)
from yanglao.regions.models import Region

PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # the template's explanation row
    example: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass
class Outcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[list] = field(
        default_factory=list
    )  # [sheet, row, column, value, reason]
    changes: list[list] = field(default_factory=list)  # [row, who, [changed columns]]
    plan: Any = None  # what write() carries out

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


class Row:
    """One data row: typed reads that record a problem (and return None) instead of raising."""

    def __init__(
        self, kind: Kind, table: Table, number: int, cells: list, cols, outcome
    ):
        self.kind, self.table, self.number = kind, table, number
        self.cells, self.cols, self.outcome = cells, cols, outcome
        self.ok = True

    def raw(self, key: str) -> Any:
        i = self.cols.get(key)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def fail(self, key: str, reason: str, value: Any = None) -> None:
        self.ok = False
        shown = self.raw(key) if value is None else value
        self.outcome.errors.append(
            [
                self.table.sheet,
                self.number,
                self.kind.header_of(key),
                _shown(shown),
                reason,
            ]
        )

    def read(self, key: str, convert: Callable[[Any], Any]) -> Any:
        try:
            return convert(self.raw(key))
        except CellError as exc:
            self.fail(key, exc.reason)
            return None

    def text(self, key: str) -> str:
        return self.read(key, as_text) or ""

    def date(self, key: str):
        return self.read(key, as_date)

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value and self.ok:
            self.fail(key, "此项为必填项")
        return value


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:100]


class Kind:
    name = ""
    label = ""
    # Who may import this kind of file (a core.permissions predicate), asked at upload, before
    # anything is stored, and again by the services that write.
    allowed: Callable[[Any], bool] = staticmethod(permissions.may_write_registry)
    columns: tuple[Column, ...] = ()
    one_of: tuple[
        tuple[str, ...], ...
    ] = ()  # at least one column of each group is needed

    def header_of(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.header
        return key

    def spec(self) -> dict[str, tuple[str, ...]]:
        return {c.key: c.names for c in self.columns}

    def check(self, *, by, table: Table, progress: Callable[[int], None]) -> Outcome:
        """Read and check every row; write nothing."""
        outcome = Outcome()
        cols = match_columns(table.header, self.spec())
        missing = [c.header for c in self.columns if c.required and c.key not in cols]
        missing += [
            "或".join(self.header_of(k) for k in group)
            for group in self.one_of
            if not any(k in cols for k in group)
        ]
        if missing:
            outcome.errors.append(
                [
                    table.sheet,
                    table.header_row,
                    "、".join(missing),
                    "",
                    "缺少必需的列（表头名称见导入模板）",
                ]
            )
            return outcome
        rows = []
        for done, (number, cells) in enumerate(table.rows, start=1):
            if number in table.merged_rows:
                outcome.errors.append(
                    [
                        table.sheet,
                        number,
                        "",
                        "",
                        "数据行中有合并单元格，请取消合并并逐行填写",
                    ]
                )
                continue
            row = Row(self, table, number, cells, cols, outcome)
            item = self.read_row(row)
            if row.ok and item is not None:
                rows.append((number, item))
            if done % PROGRESS_EVERY == 0:
                progress(done)
        if not rows and not outcome.errors:
            outcome.errors.append(
                [table.sheet, table.header_row + 1, "", "", "表头下没有数据行"]
            )
            return outcome
        self.plan(by=by, rows=rows, outcome=outcome, sheet=table.sheet)
        return outcome

    def read_row(self, row: Row) -> dict | None:
        raise NotImplementedError

    def plan(
        self, *, by, rows: list[tuple[int, dict]], outcome: Outcome, sheet: str
    ) -> None:
        """Compare the checked rows with the database: count new/updated/unchanged, add the
        problems that need the database, and leave in `outcome.plan` what write() does."""
        raise NotImplementedError

    def write(self, *, by, outcome: Outcome) -> None:
        raise NotImplementedError


class RegionBook:
    """Regions by code and by name, read once per import (a city has a few thousand)."""

    def __init__(self):
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = {}
        for r in Region.objects.only(
            "id", "code", "name", "level", "path", "parent_id"
        ):
            self.by_code[r.code] = r
            self.by_name.setdefault(r.name, []).append(r)

    def find(
        self, text: str, *, level: int | None = None, within: str = ""
    ) -> tuple[Region | None, str]:
        """(region, "") or (None, reason). `text` is a division code or a name; a name shared by
        several regions needs `within` (a township's name or code) or the code."""
        text = text.strip()
        if not text:
            return None, ""
        if ascii_digits(text):
            region = self.by_code.get(text)
            if region is None:
                return None, f"区划代码“{text}”不存在"
            if level and region.level != level:
                return None, f"“{text}”不是{Region.Level(level).label}的区划代码"
            return region, ""
        found = [r for r in self.by_name.get(text, []) if not level or r.level == level]
        if within and len(found) > 1:
            parent, _ = self.find(within)
            if parent is not None:
                found = [r for r in found if r.path.startswith(parent.path)]
        if not found:
            return None, f"找不到名为“{text}”的区划"
        if len(found) > 1:
            return (
                None,
                f"有 {len(found)} 个区划名为“{text}”，请填写区划代码或所属乡镇/街道",
            )
        return found[0], ""
