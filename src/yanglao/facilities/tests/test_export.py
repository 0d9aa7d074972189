"""Facility, bed and staff lists export what the page shows, scoped, audited; the bed export
imports back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from yanglao.conftest import client_for, valid_id
from yanglao.core.models import AuditEntry
from yanglao.facilities.conftest import DAY
from yanglao.facilities.services import bed_create, staff_hire

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    return list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )


def test_facility_bed_and_staff_exports(users, home, far_home):
    bed_create(by=users["admin"], facility=home, code="101", kind="nursing")
    bed_create(by=users["admin"], facility=far_home, code="201")
    number = valid_id("360203", dt.date(1980, 1, 1), 12)
    staff_hire(
        by=users["admin"],
        name="张护理",
        id_number=number,
        role="carer",
        hired_on=DAY,
        facility=home,
    )
    bob = client_for(users["bob"])  # 珠山区: `home` only
    facilities = _csv(bob.get("/facilities/export.csv"))
    assert [r[0] for r in facilities[1:]] == [home.name] and facilities[1][11] == "3"
    beds = _csv(bob.get("/facilities/beds/export.csv"))
    assert [r[1] for r in beds[1:]] == ["1-101-1", "1-101-2", "101"]
    assert beds[3][:4] == [home.name, "101", "护理型", "在用"]
    staff = _csv(bob.get("/facilities/staff/export.csv"))
    assert staff[1][0] == "张护理" and staff[1][1] != number and "*" in staff[1][1]
    full = _csv(
        client_for(users["alice"]).get("/facilities/staff/export.csv", {"full": "1"})
    )
    assert full[1][1] == number
    assert AuditEntry.objects.filter(action="export").count() == 4


def test_bed_export_imports_back_unchanged(users, home):
    from yanglao.imports import services

    bed_create(by=users["admin"], facility=home, code="101", kind="nursing")
    bed_create(by=users["admin"], facility=home, code="102")
    data = b"".join(
        client_for(users["alice"]).get("/facilities/beds/export.xlsx").streaming_content
    )
    job = services.import_check(
        job=services.import_upload(
            by=users["alice"], kind="beds", file_name="b.xlsx", data=data
        )
    )
    assert job.errors == [] and job.counts == {
        "new": 0,
        "updated": 0,
        "unchanged": 4,
        "errors": 0,
    }
