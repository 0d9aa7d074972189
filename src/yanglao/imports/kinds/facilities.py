"""养老机构/设施名单, 床位名单 and 从业人员名单: each row through the facilities app's services
(creation, update, 入职查询 against the 从业禁止 list). Facilities match by licence number, else by
name within the region; beds by facility and bed number; staff by identity number at the employer."""

from __future__ import annotations

from yanglao.core import permissions, pii
from yanglao.core.errors import ValidationFailed
from yanglao.core.idnumber import normalize
from yanglao.core.scope import region_path_allowed
from yanglao.facilities.models import (
    Bed,
    CarerLevel,
    Facility,
    FacilityType,
    FireSafety,
    Ownership,
    Provider,
    Staff,
    StaffRole,
)
from yanglao.facilities.services import (
    bed_create,
    bed_update,
    facility_create,
    facility_update,
    staff_hire,
)
from yanglao.imports.kinds.base import Column, RegionBook, Row
from yanglao.imports.kinds.rows import ServiceKind

YES = {
    "是": True,
    "有": True,
    "Y": True,
    "否": False,
    "无": False,
    "N": False,
    "": False,
}


def _choice(row: Row, key: str, choices, required: bool = False) -> str:
    text = row.required(key) if required else row.text(key)
    if not text:
        return ""
    labels = {label: value for value, label in choices} | {
        value: value for value, _l in choices
    }
    value = labels.get(text)
    if value is None:
        row.fail(key, f"应为：{'、'.join(label for _v, label in choices)}")
    return value or ""


class FacilitiesKind(ServiceKind):
    name = "facilities"
    label = "养老机构/设施名单"
    allowed = staticmethod(permissions.may_write_facilities)
    columns = (
        Column(
            "name", "名称", ("机构名称", "设施名称"), True, "必填", "景德镇市颐养院"
        ),
        Column(
            "type",
            "类型",
            ("机构类型", "设施类型"),
            True,
            "必填：" + "、".join(FacilityType.labels),
            "民办养老机构",
        ),
        Column(
            "ownership",
            "性质",
            ("机构性质",),
            True,
            "必填：公办、公建民营、民办",
            "民办",
        ),
        Column(
            "region",
            "所在区划",
            ("所属区划", "所在社区/村", "区划代码"),
            True,
            "必填：区划名称或代码，须在管辖范围内",
            "周路口街道",
        ),
        Column("operator", "运营方", (), False, "选填", ""),
        Column("address", "地址", (), False, "选填", ""),
        Column(
            "licence_no",
            "设立许可/备案号",
            ("备案号", "许可证号"),
            False,
            "选填；填写时按此号匹配已有机构",
            "",
        ),
        Column("has_medical_unit", "内设医疗机构", (), False, "是/否", "否"),
        Column("contracted_hospital", "签约医疗机构", (), False, "选填", ""),
        Column(
            "fire_safety",
            "消防",
            ("消防验收",),
            False,
            "、".join(FireSafety.labels),
            "未办理",
        ),
        Column(
            "fire_safety_date",
            "消防验收/备案日期",
            ("消防日期",),
            False,
            "已验收或已备案时必填",
            "",
        ),
        Column("opened_on", "开业日期", (), False, "选填", ""),
    )

    def check(self, *, by, table, progress):
        self.regions = RegionBook()
        return super().check(by=by, table=table, progress=progress)

    def read_row(self, row: Row) -> dict | None:
        values = {
            "name": row.required("name"),
            "type": _choice(row, "type", FacilityType.choices, True),
            "ownership": _choice(row, "ownership", Ownership.choices, True),
            "operator": row.text("operator"),
            "address": row.text("address"),
            "licence_no": row.text("licence_no"),
            "contracted_hospital": row.text("contracted_hospital"),
            "fire_safety": _choice(row, "fire_safety", FireSafety.choices)
            or FireSafety.PENDING,
            "fire_safety_date": row.date("fire_safety_date"),
            "opened_on": row.date("opened_on"),
        }
        medical = row.text("has_medical_unit")
        if medical not in YES:
            row.fail("has_medical_unit", "应为“是”或“否”")
        values["has_medical_unit"] = YES.get(medical, False)
        region, reason = self.regions.find(row.required("region"))
        if reason:
            row.fail("region", reason)
        values["region"] = region.code if region else ""
        return values if row.ok else None

    def apply(self, *, by, item: dict) -> tuple[str, str]:
        existing = None
        if item["licence_no"]:
            existing = Facility.objects.filter(licence_no=item["licence_no"]).first()
        if existing is None:
            existing = Facility.objects.filter(
                name=item["name"], region__code=item["region"]
            ).first()
        if existing is None:
            facility_create(by=by, **item)
            return "new", item["name"]
        if not region_path_allowed(by, existing.region.path):
            raise ValidationFailed({"name": "同名或同许可号的机构在您的管辖范围之外"})
        changed = {
            k: v for k, v in item.items() if k != "region" and getattr(existing, k) != v
        }
        if existing.region.code != item["region"]:
            changed["region"] = item["region"]
        if not changed:
            return "unchanged", item["name"]
        facility_update(by=by, facility=existing, **changed)
        return "updated", item["name"]


def _facility(by, text: str) -> Facility:
    found = [
        f
        for f in Facility.objects.filter(name=text).select_related("region")
        if region_path_allowed(by, f.region.path)
    ]
    if not found:
        found = (
            list(Facility.objects.filter(licence_no=text).select_related("region"))
            if text
            else []
        )
    if len(found) != 1:
        raise ValidationFailed(
            {
                "facility": "在您管辖范围内找不到该机构"
                if not found
                else "有多个同名机构，请填写设立许可/备案号"
            }
        )
    return found[0]


class BedsKind(ServiceKind):
    name = "beds"
    label = "床位名单"
    allowed = staticmethod(permissions.may_write_facilities)
    columns = (
        Column(
            "facility",
            "机构名称",
            ("机构", "所在机构", "设立许可/备案号"),
            True,
            "必填：机构名称或设立许可/备案号",
            "景德镇市社会福利院",
        ),
        Column("code", "床位号", ("床号",), True, "必填，本机构内唯一", "101-1"),
        Column("kind", "床位类型", ("类型",), False, "护理型/普通，默认普通", "护理型"),
    )

    def read_row(self, row: Row) -> dict | None:
        item = {
            "facility": row.required("facility"),
            "code": row.required("code"),
            "kind": _choice(row, "kind", Bed.Kind.choices) or Bed.Kind.ORDINARY,
        }
        return item if row.ok else None

    def apply(self, *, by, item: dict) -> tuple[str, str]:
        facility = _facility(by, item["facility"])
        bed = Bed.objects.filter(facility=facility, code=item["code"]).first()
        who = f"{facility.name} {item['code']}"
        if bed is None:
            bed_create(by=by, facility=facility, code=item["code"], kind=item["kind"])
            return "new", who
        if bed.kind == item["kind"]:
            return "unchanged", who
        bed_update(by=by, bed=bed, kind=item["kind"])
        return "updated", who


class StaffKind(ServiceKind):
    name = "staff"
    label = "从业人员名单"
    allowed = staticmethod(permissions.may_write_facilities)
    columns = (
        Column("name", "姓名", (), True, "必填", "张护理"),
        Column(
            "id_number",
            "身份证号",
            ("公民身份号码", "身份证号码"),
            True,
            "必填；入职时自动查询从业禁止名单",
            "360203198001010018",
        ),
        Column(
            "role",
            "岗位",
            (),
            True,
            "必填：" + "、".join(StaffRole.labels),
            "养老护理员",
        ),
        Column("hired_on", "入职日期", (), True, "必填", "2024-03-01"),
        Column(
            "facility",
            "所在机构",
            ("机构名称", "机构"),
            False,
            "机构或服务商填一项",
            "景德镇市社会福利院",
        ),
        Column("provider", "所在服务商", ("服务商",), False, "机构或服务商填一项", ""),
        Column("phone", "联系电话", ("电话", "手机"), False, "选填", ""),
        Column(
            "skill_level",
            "护理员技能等级",
            ("技能等级",),
            False,
            "、".join(CarerLevel.labels),
            "",
        ),
    )

    def read_row(self, row: Row) -> dict | None:
        item = {
            "name": row.required("name"),
            "id_number": row.required("id_number"),
            "role": _choice(row, "role", StaffRole.choices, True),
            "hired_on": row.date("hired_on"),
            "facility": row.text("facility"),
            "provider": row.text("provider"),
            "phone": row.text("phone"),
            "skill_level": _choice(row, "skill_level", CarerLevel.choices),
        }
        if item["hired_on"] is None and row.ok:
            row.fail("hired_on", "此项为必填项")
        if not item["facility"] and not item["provider"] and row.ok:
            row.fail("facility", "请填写所在机构或服务商")
        return item if row.ok else None

    def apply(self, *, by, item: dict) -> tuple[str, str]:
        facility = _facility(by, item["facility"]) if item["facility"] else None
        provider = None
        if facility is None:
            provider = Provider.objects.filter(name=item["provider"]).first()
            if provider is None:
                raise ValidationFailed({"provider": "找不到该服务商"})
        employer = {"facility": facility} if facility else {"provider": provider}
        existing = Staff.objects.filter(
            id_number_hash=pii.lookup_hash(normalize(item["id_number"])),
            left_on__isnull=True,
            **employer,
        ).exists()
        if existing:
            return "unchanged", item["name"]
        staff_hire(
            by=by,
            name=item["name"],
            id_number=item["id_number"],
            role=item["role"],
            hired_on=item["hired_on"],
            facility=facility,
            provider=provider,
            phone=item["phone"],
            skill_level=item["skill_level"],
        )
        return "new", item["name"]
