"""死亡/迁移名单 (death notices from public security and hospitals, migration lists): a life event
per row through the registry's own service. A death already registered on the same date is
unchanged, so the same notice list can be imported twice."""

from __future__ import annotations

from yanglao.elders.models import LifeEvent
from yanglao.elders.services import life_event_record
from yanglao.imports.kinds.base import Column, Row
from yanglao.imports.kinds.rows import ElderRowsKind

KINDS = {label: value for value, label in LifeEvent.Kind.choices} | {
    "去世": "death",
    "死亡注销": "death",
}


class EventsKind(ElderRowsKind):
    name = "events"
    label = "死亡/迁移名单"
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
        Column(
            "kind",
            "事件",
            ("事件类型", "类型"),
            True,
            "必填：死亡、迁出、迁入、出院",
            "死亡",
        ),
        Column(
            "date",
            "日期",
            ("死亡日期", "事件日期", "迁移日期"),
            True,
            "必填，不能晚于今天",
            "2026-10-01",
        ),
        Column(
            "region",
            "迁入地区划代码",
            ("迁入地",),
            False,
            "迁入时填写新的社区/村代码",
            "",
        ),
        Column(
            "source",
            "信息来源",
            ("来源",),
            False,
            "如：公安户籍、医院死亡证明",
            "公安户籍",
        ),
        Column("note", "备注", (), False, "选填", ""),
    )

    def read_fields(self, row: Row) -> dict | None:
        word = row.required("kind")
        value = KINDS.get(word)
        if word and value is None:
            row.fail("kind", "应为 死亡、迁出、迁入 或 出院")
        day = row.date("date")
        if day is None and row.ok:
            row.fail("date", "此项为必填项")
        return {
            "kind": value,
            "date": day,
            "region": row.text("region"),
            "source": row.text("source"),
            "note": row.text("note"),
        }

    def apply_to(self, *, by, elder, item) -> str:
        if (
            item["kind"] == "death"
            and elder.status == "deceased"
            and elder.died_on == item["date"]
        ):
            return "unchanged"
        if elder.events.filter(kind=item["kind"], date=item["date"]).exists():
            return "unchanged"
        life_event_record(
            by=by,
            elder=elder,
            kind=item["kind"],
            date=item["date"],
            region=item["region"],
            note=item["note"],
            source=item["source"] or "名单导入",
        )
        return "updated"
