"""困难类别名单 (特困/低保 lists from social assistance): for people already in the registry,
add a category from a date, or end it on a date. Already so → unchanged (re-import is harmless)."""

from __future__ import annotations

from django.utils import timezone

from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import ElderCategory
from yanglao.elders.services import category_add, category_end
from yanglao.imports.kinds.base import Column, Row
from yanglao.imports.kinds.elders import CATEGORY
from yanglao.imports.kinds.rows import ElderRowsKind


class CategoriesKind(ElderRowsKind):
    name = "categories"
    label = "困难类别名单"
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
            "category",
            "类别",
            ("困难类别", "人员类别"),
            True,
            "必填：特困供养、低保、低保边缘/低收入、计划生育特殊家庭、重点优抚对象、重度残疾、失智",
            "低保",
        ),
        Column(
            "start_date",
            "起始日期",
            ("认定日期", "开始日期"),
            False,
            "新增时填写，默认导入当天",
            "2025-01-01",
        ),
        Column(
            "end_date",
            "终止日期",
            ("退出日期", "停止日期"),
            False,
            "填写则终止该类别",
            "",
        ),
        Column("grade", "残疾等级", ("残疾证等级",), False, "重度残疾时必填", ""),
        Column("note", "备注", (), False, "选填", ""),
    )

    def read_fields(self, row: Row) -> dict | None:
        word = row.required("category")
        value = CATEGORY.get(word)
        if word and value is None:
            row.fail("category", f"无法识别的类别“{word}”")
        return {
            "category": value,
            "start_date": row.date("start_date"),
            "end_date": row.date("end_date"),
            "grade": row.text("grade"),
            "note": row.text("note"),
        }

    def apply_to(self, *, by, elder, item) -> str:
        open_item = ElderCategory.objects.filter(
            elder=elder, category=item["category"], end_date__isnull=True
        ).first()
        if item["end_date"]:
            if open_item is None:
                ended = ElderCategory.objects.filter(
                    elder=elder, category=item["category"], end_date=item["end_date"]
                )
                if ended.exists():
                    return "unchanged"
                raise ValidationFailed(
                    {"category": "该老人没有正在享受的此类别，无法终止"}
                )
            category_end(
                by=by, item=open_item, end_date=item["end_date"], note=item["note"]
            )
            return "updated"
        if open_item is not None:
            return "unchanged"
        category_add(
            by=by,
            elder=elder,
            category=item["category"],
            start_date=item["start_date"] or timezone.localdate(),
            grade=item["grade"],
            note=item["note"] or "名单导入",
        )
        return "new"
