"""Region codes from an .xlsx through the import pages' flow (the regions app's own rules)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from yanglao.imports import services
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(
        ["区划代码", "名称", "上级区划代码", "层级", "城乡", "population_60"]
    )
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_regions_from_xlsx(users, regions):
    data = _xlsx(
        [
            [
                "360203001003",
                "新建社区",
                "360203001",
                "村",
                "城镇",
                300,
            ],  # parent exists
            ["360203002", "新街道", "360203", "乡镇", "城镇", None],
            [
                "360203002001",
                "新街道一社区",
                "360203002",
                "村",
                "城镇",
                120,
            ],  # parent in the file, above
        ]
    )
    job = services.import_check(
        job=services.import_upload(
            by=users["alice"], kind="regions", file_name="r.xlsx", data=data
        )
    )
    assert job.errors == [] and job.counts["new"] == 3
    services.import_run(job=services.import_confirm(by=users["alice"], job=job))
    assert Region.objects.get(code="360203002001").parent.code == "360203002"
    assert Region.objects.get(code="360203001003").population_60 == 300
    bad = _xlsx([["3602030019", "坏码", "360203001", "村", "城镇", None]])
    job = services.import_check(
        job=services.import_upload(
            by=users["alice"], kind="regions", file_name="r.xlsx", data=bad
        )
    )
    assert job.errors and job.errors[0][1] == 2 and job.errors[0][0] == "Sheet"
