"""统计用区划代码 (with population figures), from .xlsx as well as .csv: the rows are handed, as
CSV, to the regions app's own import (which resolves parents within the file in any order)."""

from __future__ import annotations

import csv
import io

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.tabular import as_text
from yanglao.imports.kinds.base import Column, Kind, Outcome
from yanglao.regions.services import POPULATION_FIELDS, regions_import_csv


class RegionsKind(Kind):
    name = "regions"
    label = "行政区划代码"
    allowed = staticmethod(permissions.is_bureau)
    columns = (
        Column(
            "code",
            "区划代码",
            ("统计用区划代码", "代码"),
            True,
            "必填：2–12位统计用区划代码",
            "360203001001",
        ),
        Column("name", "名称", ("区划名称",), True, "必填", "塘坪社区"),
        Column(
            "parent",
            "上级区划代码",
            ("上级代码",),
            False,
            "省级以外必填（可在文件中）",
            "360203001",
        ),
        Column(
            "level",
            "层级",
            ("级别",),
            True,
            "必填：省、市、县、乡镇、村（或 1–5）",
            "村",
        ),
        Column("urban", "城乡", ("城乡分类",), False, "城镇/农村", "城镇"),
        *(Column(f, f, (), False, "选填：非负整数", "") for f in POPULATION_FIELDS),
    )

    def check(self, *, by, table, progress) -> Outcome:
        rows = [
            (
                n,
                [
                    as_text(c) if not isinstance(c, str) or not c.startswith("=") else c
                    for c in cells
                ],
            )
            for n, cells in table.rows
        ]
        self._data = self._as_csv(table.header, rows)
        self._numbers = [n for n, _c in rows]
        self._sheet = table.sheet
        result = regions_import_csv(by=by, data=self._data, dry_run=True)
        outcome = self._outcome(result)
        outcome.plan = self._data
        return outcome

    def write(self, *, by, outcome: Outcome) -> None:
        result = regions_import_csv(by=by, data=outcome.plan)
        if result.errors:
            raise ValidationFailed({"__all__": result.errors[0][2]})

    @staticmethod
    def _as_csv(header, rows) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(cells for _n, cells in rows)
        return out.getvalue().encode("utf-8")

    def _outcome(self, result) -> Outcome:
        outcome = Outcome(
            new=result.created, updated=result.updated, unchanged=result.unchanged
        )
        for row, column, reason in result.errors:
            # regions_import_csv numbers the CSV's rows from 2; map back to the sheet's rows.
            number = (
                self._numbers[row - 2] if 2 <= row < len(self._numbers) + 2 else row
            )
            outcome.errors.append([self._sheet, number, column, "", reason])
        return outcome
