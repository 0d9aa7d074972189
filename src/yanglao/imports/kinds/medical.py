"""医疗机构名单 — the health bureau's list of medical institutions (issue 24 §1): each row through
the medical app's service. An institution matches by 执业许可证登记号, else by name within its
region; re-importing the same list changes nothing."""

from __future__ import annotations

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.imports.kinds.base import Column, RegionBook, Row
from yanglao.imports.kinds.facilities import YES, _choice
from yanglao.imports.kinds.rows import ServiceKind
from yanglao.medical.models import Grade, InstitutionKind, MedicalInstitution
from yanglao.medical.services import institution_save
from yanglao.regions.models import Region


class MedicalInstitutionsKind(ServiceKind):
    name = "medical_institutions"
    label = "医疗机构名单"
    allowed = staticmethod(permissions.may_manage_medical_institutions)
    columns = (
        Column(
            "name", "名称", ("机构名称", "医疗机构名称"), True, "必填", "浮梁镇卫生院"
        ),
        Column(
            "kind",
            "类别",
            ("机构类别", "机构类型"),
            True,
            "必填：" + "、".join(InstitutionKind.labels),
            "乡镇卫生院",
        ),
        Column(
            "region",
            "所在区划",
            ("所属区划", "区划代码"),
            True,
            "必填：区划名称或代码，须在管辖范围内",
            "浮梁镇",
        ),
        Column(
            "grade", "等级", ("医院等级",), False, "三级、二级、一级或未定级", "一级"
        ),
        Column("insured", "医保定点", (), False, "是/否", "是"),
        Column(
            "licence_no",
            "执业许可证登记号",
            ("登记号", "许可证号"),
            False,
            "选填；填写时按此号匹配已有机构",
            "",
        ),
        Column("address", "地址", (), False, "选填", ""),
    )

    def check(self, *, by, table, progress):
        self.regions = RegionBook()
        return super().check(by=by, table=table, progress=progress)

    def read_row(self, row: Row) -> dict | None:
        values = {
            "name": row.required("name"),
            "kind": _choice(row, "kind", InstitutionKind.choices, True),
            "grade": _choice(row, "grade", Grade.choices) or Grade.NONE,
            "licence_no": row.text("licence_no"),
            "address": row.text("address"),
        }
        insured = row.text("insured")
        if insured not in YES:
            row.fail("insured", "应为“是”或“否”")
        values["insured"] = YES.get(insured, False)
        region, reason = self.regions.find(row.required("region"))
        if reason:
            row.fail("region", reason)
        values["region"] = region.code if region else ""
        return values if row.ok else None

    def apply(self, *, by, item: dict) -> tuple[str, str]:
        values = dict(item)
        region = Region.objects.filter(code=values.pop("region")).first()
        existing = None
        if values["licence_no"]:
            existing = MedicalInstitution.objects.filter(
                licence_no=values["licence_no"]
            ).first()
        if existing is None:
            existing = MedicalInstitution.objects.filter(
                name=values["name"], region=region
            ).first()
        if existing is not None and not region_path_allowed(by, existing.region.path):
            raise ValidationFailed(
                {"name": "同名或同登记号的医疗机构在您的管辖范围之外"}
            )
        unchanged = (
            existing is not None
            and existing.region_id == getattr(region, "pk", None)
            and all(getattr(existing, k) == v for k, v in values.items())
        )
        if unchanged:
            return "unchanged", values["name"]
        institution_save(by=by, region=region, institution=existing, **values)
        return ("new" if existing is None else "updated"), values["name"]
