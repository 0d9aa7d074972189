"""Kinds whose rows each go through one service of the owning app (hardship-category lists, death
and migration notices, facilities, beds, staff): the check runs every row's service inside a
transaction that is then rolled back, so the preview reports exactly what the import will do, with
the services' own reasons; the import runs them again for real, in one transaction."""

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


class ServiceKind(Kind):
    def apply(self, *, by, item: dict) -> tuple[str, str]:
        """Call the service; return ("new" | "updated" | "unchanged", who) or raise
        ValidationFailed."""
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
            try:
                with transaction.atomic():
                    result, who = self.apply(by=by, item=item)
            except ValidationFailed as exc:
                for field, reason in exc.errors.items():
                    outcome.errors.append(
                        [
                            sheet,
                            number,
                            self.header_of(field),
                            _value(item, field),
                            reason,
                        ]
                    )
                continue
            setattr(outcome, result, getattr(outcome, result) + 1)
            if result == "updated":
                outcome.changes.append([number, who, [self.label]])


def _value(item: dict, field: str) -> str:
    value = item.get(field, "")
    return "" if value is None or not isinstance(value, str | int) else str(value)[:100]


class ElderRowsKind(ServiceKind):
    """Rows about people already registered, matched by identity number (and name, if given)."""

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

    def apply(self, *, by, item: dict) -> tuple[str, str]:
        elder = elder_find_by_id_number(item["id_number"])
        if elder is None or not region_path_allowed(by, elder.residence_region.path):
            raise ValidationFailed(
                {"id_number": "在您管辖范围内的老年人档案中找不到该身份证号"}
            )
        if item["name"] and item["name"] != elder.name:
            raise ValidationFailed({"name": f"与档案姓名“{elder.name}”不一致"})
        return self.apply_to(by=by, elder=elder, item=item), elder.name

    def apply_to(self, *, by, elder: Elder, item: dict) -> str:
        raise NotImplementedError
