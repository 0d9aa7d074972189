"""家庭医生签约及健康服务名单 — the health system's yearly roster of older people (issue 24 §4–5):
whether each had a health record (建立健康档案), an annual health check and 中医药健康管理 that
year, and their family-doctor contract. Only that a service happened, when and by whom — no
medical detail. People are matched by the identity number's keyed hash; a row whose number is
invalid, unknown or outside the importer's area is an error, and one error keeps the whole file
out. Checked and written in bulk: a 200,000-row roster is one pass (bench/health_roster.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yanglao.core import permissions, pii
from yanglao.core.bulk import bulk_insert, refresh_statistics
from yanglao.core.idnumber import InvalidIdNumber, parse
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.imports.kinds.base import Column, Kind, Outcome, Row
from yanglao.imports.kinds.facilities import YES
from yanglao.medical.models import (
    FamilyDoctorContract,
    HealthService,
    MedicalInstitution,
)

CHUNK = 500
SERVICES = (
    ("record", "record_on", HealthService.Kind.RECORD),
    ("checkup", "checkup_on", HealthService.Kind.CHECKUP),
    ("tcm", "tcm_on", HealthService.Kind.TCM),
)
END_REASONS = {label: value for value, label in FamilyDoctorContract.EndReason.choices}


class HealthRosterKind(Kind):
    name = "health_roster"
    label = "家庭医生签约及健康服务名单"
    allowed = staticmethod(permissions.may_import_health_rosters)
    columns = (
        Column(
            "id_number",
            "身份证号",
            ("公民身份号码", "身份证号码"),
            True,
            "必填，须已在老年人档案中",
            "360203194503080023",
        ),
        Column("name", "姓名", (), False, "选填，须与档案一致", "王秀英"),
        Column("year", "年度", ("服务年度",), True, "必填，如 2026", "2026"),
        Column("record", "健康档案", ("建立健康档案", "已建档"), False, "是/否", "是"),
        Column("record_on", "建档日期", (), False, "选填", "2019-05-01"),
        Column("checkup", "年度体检", ("健康体检",), False, "是/否", "是"),
        Column("checkup_on", "体检日期", (), False, "选填", "2026-04-12"),
        Column("tcm", "中医药健康管理", ("中医药服务",), False, "是/否", "是"),
        Column("tcm_on", "中医药服务日期", (), False, "选填", "2026-04-12"),
        Column(
            "provider",
            "服务机构",
            ("基层医疗卫生机构",),
            False,
            "选填",
            "周路口街道社区卫生服务中心",
        ),
        Column(
            "fd_institution",
            "家庭医生签约机构",
            ("签约机构",),
            False,
            "签约时填写，须在医疗机构名录中",
            "周路口街道社区卫生服务中心",
        ),
        Column("fd_team", "家庭医生团队", ("签约团队",), False, "选填", "全科一组"),
        Column("fd_package", "服务包", ("签约服务包",), False, "选填", "老年人基础包"),
        Column("fd_start", "签约起始日期", (), False, "签约时必填", "2026-01-01"),
        Column("fd_end", "签约截止日期", (), False, "签约时必填", "2026-12-31"),
        Column("fd_ended", "解约日期", (), False, "解约时填写", ""),
        Column(
            "fd_reason",
            "解约原因",
            (),
            False,
            "解约时必填：" + "、".join(END_REASONS),
            "",
        ),
    )

    def check(self, *, by, table, progress):
        self.by, self.this_year = by, timezone.localdate().year
        self.institutions = {}
        for pk, name in MedicalInstitution.objects.values_list("pk", "name"):
            self.institutions.setdefault(name, []).append(pk)
        return super().check(by=by, table=table, progress=progress)

    # --- one row ----------------------------------------------------------------------------------

    def read_row(self, row: Row) -> dict | None:
        text = row.required("id_number")
        if not row.ok:
            return None
        try:
            number = parse(text).value
        except InvalidIdNumber as exc:
            row.fail("id_number", exc.reason)
            return None
        year = _year(row, self.this_year)
        item = {
            "id_number": number,
            "name": row.text("name"),
            "year": year,
            "services": [],
        }
        for flag, day, kind in SERVICES:
            answer = row.text(flag)
            if answer not in YES:
                row.fail(flag, "应为“是”或“否”")
            elif YES[answer]:
                item["services"].append((kind, row.date(day)))
        item["provider"] = row.text("provider")[:100]
        item["contract"] = self._contract(row)
        # A row of 否 is a person the roster lists as not covered: nothing to write.
        return item if row.ok else None

    def _contract(self, row: Row) -> dict | None:
        name = row.text("fd_institution")
        if not name:
            return None
        found = self.institutions.get(name, [])
        if len(found) != 1:
            reason = "医疗机构名录中找不到" if not found else "名录中有多家同名机构，"
            row.fail("fd_institution", f"{reason}“{name}”（请先导入医疗机构名单）")
            return None
        start, end = row.date("fd_start"), row.date("fd_end")
        if start is None and row.ok:
            row.fail("fd_start", "签约时必填")
        if end is None and row.ok:
            row.fail("fd_end", "签约时必填")
        if start and end and end < start:
            row.fail("fd_end", "截止日期早于起始日期")
        ended, reason_word = row.date("fd_ended"), row.text("fd_reason")
        reason = END_REASONS.get(reason_word, "")
        if ended and not reason and row.ok:
            row.fail("fd_reason", f"解约时必填：{'、'.join(END_REASONS)}")
        elif reason_word and not reason:
            row.fail("fd_reason", f"应为：{'、'.join(END_REASONS)}")
        if ended and start and ended < start:
            row.fail("fd_ended", "解约日期早于签约起始日期")
        return {
            "institution_id": found[0],
            "team": row.text("fd_team")[:60],
            "package": row.text("fd_package")[:60],
            "starts_on": start,
            "ends_on": end,
            "ended_on": ended,
            "end_reason": reason if ended else "",
        }

    # --- against the registry ---------------------------------------------------------------------

    def plan(self, *, by, rows, outcome: Outcome, sheet: str) -> None:
        seen: dict[tuple, int] = {}
        unique = []
        for number, item in rows:
            key = (item["id_number"], item["year"])
            if key in seen:
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "身份证号",
                        item["id_number"][:6] + "…",
                        f"与第{seen[key]}行是同一人同一年度（重复）",
                    ]
                )
                continue
            seen[key] = number
            item["hash"] = pii.lookup_hash(item["id_number"])
            unique.append((number, item))
        people = self._people([item["hash"] for _n, item in unique])
        matched = []
        for number, item in unique:
            person = people.get(item["hash"])
            if person is None or not region_path_allowed(by, person[2]):
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "身份证号",
                        item["id_number"][:6] + "…",
                        "在您管辖范围内的老年人档案中找不到该身份证号",
                    ]
                )
                continue
            if item["name"] and item["name"] != person[1]:
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "姓名",
                        item["name"],
                        f"与档案姓名“{person[1]}”不一致",
                    ]
                )
                continue
            matched.append((number, item, person[0]))
        ids = [pk for _n, _i, pk in matched]
        had = self._services(ids, {item["year"] for _n, item, _p in matched})
        contracts = self._contracts(ids)
        services, new_contracts, ended = [], [], []
        for number, item, pk in matched:
            fresh = [
                (kind, day)
                for kind, day in item["services"]
                if (pk, item["year"], kind) not in had
            ]
            services += [
                {
                    "elder_id": pk,
                    "year": item["year"],
                    "kind": kind,
                    "served_on": day,
                    "provider": item["provider"],
                }
                for kind, day in fresh
            ]
            changed = False
            c = item["contract"]
            if c is not None:
                existing = contracts.get((pk, c["starts_on"]))
                if existing is None:
                    new_contracts.append({"elder_id": pk, **c})
                elif (existing.ended_on, existing.end_reason) != (
                    c["ended_on"],
                    c["end_reason"],
                ):
                    existing.ended_on, existing.end_reason = (
                        c["ended_on"],
                        c["end_reason"],
                    )
                    ended.append(existing)
                    changed = True
            if changed:
                outcome.updated += 1
                outcome.changes.append(
                    [number, item["name"] or f"#{pk}", ["家庭医生签约"]]
                )
            elif fresh or (c is not None and (pk, c["starts_on"]) not in contracts):
                outcome.new += 1
            else:
                outcome.unchanged += 1
        outcome.plan = {
            "services": services,
            "contracts": new_contracts,
            "ended": ended,
        }

    def _people(self, hashes: list[str]) -> dict[str, tuple[int, str, str]]:
        found = {}
        for i in range(0, len(hashes), CHUNK):
            for pk, h, name, path in Elder.objects.filter(
                id_number_hash__in=hashes[i : i + CHUNK]
            ).values_list("pk", "id_number_hash", "name", "residence_region__path"):
                found[h] = (pk, name, path)
        return found

    def _services(self, ids: list[int], years: set[int]) -> set[tuple[int, int, str]]:
        had = set()
        for i in range(0, len(ids), CHUNK):
            had.update(
                HealthService.objects.filter(
                    elder_id__in=ids[i : i + CHUNK], year__in=years
                ).values_list("elder_id", "year", "kind")
            )
        return had

    def _contracts(
        self, ids: list[int]
    ) -> dict[tuple[int, dt.date], FamilyDoctorContract]:
        found = {}
        for i in range(0, len(ids), CHUNK):
            for c in FamilyDoctorContract.objects.filter(
                elder_id__in=ids[i : i + CHUNK]
            ).only("pk", "elder_id", "starts_on", "ended_on", "end_reason"):
                found[(c.elder_id, c.starts_on)] = c
        return found

    def write(self, *, by, outcome: Outcome) -> None:
        plan = outcome.plan
        bulk_insert(HealthService, plan["services"])
        bulk_insert(FamilyDoctorContract, plan["contracts"])
        if plan["ended"]:
            FamilyDoctorContract.objects.bulk_update(
                plan["ended"], ["ended_on", "end_reason"], batch_size=1000
            )
        if len(plan["services"]) + len(plan["contracts"]) >= 10_000:
            refresh_statistics(HealthService, FamilyDoctorContract)


def _year(row: Row, this_year: int) -> int | None:
    text = row.required("year")
    if not text:
        return None
    try:
        year = int(float(text))
    except ValueError:
        row.fail("year", "应为四位年份，如 2026")
        return None
    if not 2000 <= year <= this_year:
        row.fail("year", f"年度应在 2000–{this_year} 之间")
        return None
    return year
