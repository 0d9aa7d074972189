"""Kinds whose rows each go through one registry service (hardship-category lists, death and
migration notices): the check runs every row's service inside a transaction that is then rolled
back, so the preview reports exactly what the import will do, with the services' own reasons."""

from __future__ import annotations

from django.db import transaction

from yanglao.core.errors import ValidationFailed
from yanglao.core.idnumber import InvalidIdNumber, parse
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.elders.selectors import elder_find_by_id_number
from yanglao.imports.kinds.base import Kind, Outcome, Row


class _DryRun(Exception):
    pass


class ServiceRowsKind(Kind):
    def read_row(self, row: Row) -> dict | None:
        text = row.required("id_number")
        if not row.ok:
            return None
        try:
            number = parse(text).value
        except InvalidIdNumber as exc:
            row.fail("id_number", exc.reason)
            return None
        item = self.read_fields(row)
        if item is None or not row.ok:
            return None
        item["id_number"], item["name"] = number, row.text("name")
        return item

    def read_fields(self, row: Row) -> dict | None:
        raise NotImplementedError

    def apply(self, *, by, elder: Elder, item: dict) -> str:
        """Call the service; return "new", "updated" or "unchanged"; raise ValidationFailed."""
        raise NotImplementedError

    def plan(self, *, by, rows, outcome: Outcome, sheet: str) -> None:
        outcome.plan = rows
        try:
            with transaction.atomic():
                self._run(by, rows, outcome, sheet)
                raise _DryRun
        except _DryRun:
            pass

    def write(self, *, by, outcome: Outcome) -> None:
        check = Outcome()
        self._run(by, outcome.plan, check, "")
        if check.errors:
            raise ValidationFailed({"__all__": check.errors[0][4]})

    def _run(self, by, rows, outcome: Outcome, sheet: str) -> None:
        for number, item in rows:
            elder = elder_find_by_id_number(item["id_number"])
            where = item["id_number"][:6] + "…"
            if elder is None or not region_path_allowed(
                by, elder.residence_region.path
            ):
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "身份证号",
                        where,
                        "在您管辖范围内的老年人档案中找不到该身份证号",
                    ]
                )
                continue
            if item["name"] and item["name"] != elder.name:
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "姓名",
                        item["name"],
                        f"与档案姓名“{elder.name}”不一致",
                    ]
                )
                continue
            try:
                with transaction.atomic():
                    result = self.apply(by=by, elder=elder, item=item)
            except ValidationFailed as exc:
                for field, reason in exc.errors.items():
                    outcome.errors.append(
                        [sheet, number, self.header_of(field), "", reason]
                    )
                continue
            setattr(outcome, result, getattr(outcome, result) + 1)
            if result == "updated":
                outcome.changes.append([number, elder.name, [self.label]])
