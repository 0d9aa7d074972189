"""老年人花名册: people with their hardship categories and one family contact, matched to the
registry by identity number (keyed hash). The same checks as 建档 (GB 11643 check character, sex
and birth date agreeing with the number, aged 60+, phone format, region in the user's area), plus
what only a file can get wrong: the same person twice, a person already dead in the registry."""

from __future__ import annotations

import re

from django.utils import timezone

from yanglao.core import pii
from yanglao.core.audit import current_ip
from yanglao.core.bulk import bulk_insert
from yanglao.core.models import AuditEntry
from yanglao.core.scope import region_path_allowed
from yanglao.elders import naming
from yanglao.elders.models import (
    Category,
    Contact,
    Elder,
    ElderCategory,
    LivingArrangement,
)
from yanglao.elders.services import (
    check_identity,
    clean_phone,
    ensure_registry_writer,
    name_fields,
    name_keys_write,
)
from yanglao.imports.kinds.base import Column, Kind, Outcome, RegionBook, Row
from yanglao.regions.models import Region

SEX = {"男": "M", "女": "F", "M": "M", "F": "F"}
LIVING = {label: value for value, label in LivingArrangement.choices} | {
    "与子女同住": LivingArrangement.WITH_CHILDREN,
    "子女同住": LivingArrangement.WITH_CHILDREN,
}
CATEGORY = {label: value for value, label in Category.choices} | {
    "特困": Category.TEKUN,
    "特困人员": Category.TEKUN,
    "低保对象": Category.DIBAO,
    "低保边缘": Category.DIBAO_EDGE,
    "低收入": Category.DIBAO_EDGE,
    "计生特殊家庭": Category.FAMILY_PLANNING,
    "优抚对象": Category.YOUFU,
    "残疾": Category.DISABLED,
    "失智老人": Category.DEMENTIA,
}
SPLIT = re.compile(r"[、,，;；/\s]+")
# What the comparison and the write need of an existing person (not whole rows: 100,000 of them).
LOADED = (
    "id",
    "id_number_hash",
    "name",
    "phone_hash",
    "phone_enc",
    "residence_region_id",
    "hukou_region_id",
    "address",
    "living_arrangement",
    "status",
    "died_on",
    "residence_region__path",
)
CHUNK = 500  # identity hashes per look-up query (SQLite's parameter limit is far above)
COMPARED = (
    "name",
    "phone_hash",
    "residence_region_id",
    "hukou_region_id",
    "address",
    "living_arrangement",
)
FIELD_NAMES = {
    "name": "姓名",
    "phone_hash": "联系电话",
    "residence_region_id": "所属社区/村",
    "hukou_region_id": "户籍地",
    "address": "现居住地址",
    "living_arrangement": "居住情况",
}


class EldersKind(Kind):
    name = "elders"
    label = "老年人花名册"
    one_of = (("community", "community_code"),)
    columns = (
        Column("name", "姓名", required=True, note="必填", example="王秀英"),
        Column(
            "id_number",
            "身份证号",
            ("公民身份号码", "身份证号码", "证件号码", "身份证"),
            True,
            "必填，18位；出生日期和性别按身份证号登记",
            "360203194503080023",
        ),
        Column("sex", "性别", (), False, "选填：男/女，须与身份证号一致", "女"),
        Column(
            "birth_date", "出生日期", (), False, "选填，须与身份证号一致", "1945-03-08"
        ),
        Column(
            "phone",
            "联系电话",
            ("电话", "手机", "手机号", "联系方式"),
            False,
            "选填：手机或带区号的固话",
            "13807980001",
        ),
        Column(
            "community",
            "所属社区/村",
            ("所属社区", "社区/村", "现居住社区/村", "居住社区", "社区", "村"),
            False,
            "必填：名称或12位区划代码，须在您的管辖范围内",
            "塘坪社区",
        ),
        Column(
            "community_code",
            "区划代码",
            ("社区/村代码", "社区代码"),
            False,
            "选填：所属社区/村的12位区划代码（填写时以代码为准）",
            "360203001001",
        ),
        Column(
            "township",
            "所属乡镇/街道",
            ("乡镇/街道", "乡镇", "街道"),
            False,
            "选填：社区/村重名时用于区分",
            "周路口街道",
        ),
        Column(
            "address",
            "现居住地址",
            ("居住地址", "地址", "家庭住址"),
            False,
            "选填",
            "塘坪社区12号",
        ),
        Column(
            "hukou",
            "户籍地",
            ("户籍所在地", "户籍"),
            False,
            "选填：区划名称或代码",
            "珠山区",
        ),
        Column(
            "living",
            "居住情况",
            ("居住状况",),
            False,
            "选填：独居/空巢/留守/与子女同住/其他",
            "独居",
        ),
        Column(
            "categories",
            "类别",
            ("困难类别", "人员类别"),
            False,
            "选填，可多个，用顿号分隔：特困供养、低保、低保边缘/低收入、计划生育特殊家庭、重点优抚对象、重度残疾、失智",
            "低保",
        ),
        Column(
            "category_start",
            "类别起始日期",
            ("类别开始日期",),
            False,
            "选填，默认导入当天",
            "2024-01-01",
        ),
        Column(
            "disability_grade",
            "残疾等级",
            ("残疾证等级",),
            False,
            "类别含重度残疾时必填",
            "一级",
        ),
        Column(
            "contact_name",
            "联系人姓名",
            ("联系人", "紧急联系人"),
            False,
            "选填：家属联系人",
            "李明",
        ),
        Column(
            "contact_relation",
            "联系人关系",
            ("关系", "与老人关系"),
            False,
            "填写联系人时必填",
            "儿子",
        ),
        Column(
            "contact_phone",
            "联系人电话",
            ("紧急联系人电话",),
            False,
            "填写联系人时必填",
            "13907980002",
        ),
    )

    def check(self, *, by, table, progress) -> Outcome:
        ensure_registry_writer(by)
        self.today = timezone.localdate()
        self.regions = RegionBook()
        self.by = by
        return super().check(by=by, table=table, progress=progress)

    # --- one row ------------------------------------------------------------------------------

    def read_row(self, row: Row) -> dict | None:
        name = row.required("name")
        id_text = row.required("id_number")
        sex_text = row.text("sex")
        sex = SEX.get(sex_text) if sex_text else None
        if sex_text and sex is None:
            row.fail("sex", "应为“男”或“女”")
        birth = row.date("birth_date")
        if not row.ok:
            return None
        errors: dict[str, str] = {}
        parsed = check_identity(id_text, birth, sex, errors, self.today)
        for key, reason in errors.items():
            row.fail(key, reason)
        phone = self._phone(row, "phone")
        if row.text("community_code"):
            residence = self._region(row, "community_code", level=Region.Level.VILLAGE)
        else:
            residence = self._region(
                row,
                "community",
                level=Region.Level.VILLAGE,
                within=row.text("township"),
            )
        if residence is None and row.ok:
            row.fail("community", "此项为必填项（名称或区划代码）")
        if residence is not None and not region_path_allowed(self.by, residence.path):
            row.fail("community", "该社区/村不在您的管辖范围内")
        hukou = self._region(row, "hukou") if row.text("hukou") else None
        living_text = row.text("living")
        living = (
            LIVING.get(living_text, None) if living_text else LivingArrangement.OTHER
        )
        if living is None:
            row.fail("living", "应为 独居、空巢、留守、与子女同住 或 其他")
        categories = self._categories(row)
        contact = self._contact(row)
        if not row.ok or parsed is None:
            return None
        return {
            "name": name,
            "id_number": parsed.value,
            "birth_date": parsed.birth_date,
            "sex": parsed.sex,
            "phone": phone,
            "residence": residence,
            "hukou": hukou,
            "address": row.text("address"),
            "living": living,
            "categories": categories,
            "contact": contact,
        }

    def _phone(self, row: Row, key: str) -> str:
        errors: dict[str, str] = {}
        value = clean_phone(row.text(key), key, errors)
        if errors:
            row.fail(key, errors[key])
        return value

    def _region(self, row: Row, key: str, **kw) -> Region | None:
        text = row.text(key)
        if not text:
            if any(c.key == key and c.required for c in self.columns):
                row.fail(key, "此项为必填项")
            return None
        region, reason = self.regions.find(text, **kw)
        if reason:
            row.fail(key, reason)
        return region

    def _categories(self, row: Row) -> list[tuple[str, str]]:
        text = row.text("categories")
        if not text:
            return []
        found = []
        for word in [w for w in SPLIT.split(text) if w]:
            value = CATEGORY.get(word)
            if value is None:
                row.fail("categories", f"无法识别的类别“{word}”")
            elif value not in found:
                found.append(value)
        grade = row.text("disability_grade")
        if Category.DISABLED in found and not grade:
            row.fail("disability_grade", "类别含重度残疾时需填写残疾证等级")
        start = row.date("category_start") or self.today
        return [
            (value, grade if value == Category.DISABLED else "", start)
            for value in found
        ]

    def _contact(self, row: Row) -> dict | None:
        name = row.text("contact_name")
        if not name:
            return None
        relation = row.text("contact_relation")
        if not relation:
            row.fail("contact_relation", "填写联系人时需填写与老人的关系")
        phone = self._phone(row, "contact_phone")
        if not phone and row.ok:
            row.fail("contact_phone", "填写联系人时需填写联系人电话")
        return {"name": name, "relation": relation, "phone": phone}

    # --- against the registry -------------------------------------------------------------------

    def plan(self, *, by, rows, outcome: Outcome, sheet: str) -> None:
        seen: dict[str, int] = {}
        unique = []
        for number, item in rows:
            first = seen.get(item["id_number"])
            if first is not None:
                outcome.errors.append(
                    [
                        sheet,
                        number,
                        "身份证号",
                        item["id_number"][:6] + "…",
                        f"与第{first}行是同一个人（身份证号重复）",
                    ]
                )
                continue
            seen[item["id_number"]] = number
            item["hash"] = pii.lookup_hash(item["id_number"])
            unique.append((number, item))
        existing = self._existing([item["hash"] for _n, item in unique])
        creates, updates, extras = [], [], []
        for number, item in unique:
            elder = existing.get(item["hash"])
            if elder is None:
                creates.append((number, item))
                outcome.new += 1
                continue
            reason = self._refusal(elder)
            if reason:
                outcome.errors.append(
                    [sheet, number, "身份证号", item["id_number"][:6] + "…", reason]
                )
                continue
            changed = self._changed(elder, item)
            new_categories = self._new_categories(elder, item)
            new_contact = (
                item["contact"]
                if item["contact"]
                and item["contact"]["name"] not in elder._contact_names
                else None
            )
            if changed or new_categories or new_contact:
                outcome.updated += 1
                shown = (
                    [FIELD_NAMES[f] for f in changed]
                    + (["类别"] if new_categories else [])
                    + (["联系人"] if new_contact else [])
                )
                outcome.changes.append([number, item["name"], shown])
                updates.append((number, item, elder, changed))
                extras.append((elder, new_categories, new_contact))
            else:
                outcome.unchanged += 1
        outcome.plan = {"creates": creates, "updates": updates, "extras": extras}

    def _existing(self, hashes: list[str]) -> dict[str, Elder]:
        found: dict[str, Elder] = {}
        for i in range(0, len(hashes), CHUNK):
            chunk = hashes[i : i + CHUNK]
            loaded = (
                Elder.objects.filter(id_number_hash__in=chunk)
                .select_related("residence_region")
                .only(*LOADED)
            )
            for elder in loaded:
                elder._contact_names = set()
                elder._active_categories = set()
                found[elder.id_number_hash] = elder
        ids = {e.pk: e for e in found.values()}
        pks = list(ids)
        for i in range(0, len(pks), CHUNK):
            for elder_id, name in Contact.objects.filter(
                elder_id__in=pks[i : i + CHUNK]
            ).values_list("elder_id", "name"):
                ids[elder_id]._contact_names.add(name)
            active = ElderCategory.objects.filter(
                elder_id__in=pks[i : i + CHUNK], end_date__isnull=True
            )
            for elder_id, category in active.values_list("elder_id", "category"):
                ids[elder_id]._active_categories.add(category)
        return found

    def _refusal(self, elder: Elder) -> str:
        if elder.status == "deceased":
            return f"该老人已于{elder.died_on:%Y年%m月%d日}登记死亡，不能导入"
        if not region_path_allowed(self.by, elder.residence_region.path):
            return "该老人已在其他辖区登记（不在您的管辖范围内），请联系上级民政部门"
        if elder.status == "moved_out":
            return "该老人已迁出；如已迁回，请在档案中登记迁入"
        return ""

    def _changed(self, elder: Elder, item: dict) -> list[str]:
        wanted = {
            "name": item["name"],
            "phone_hash": pii.lookup_hash(item["phone"]) if item["phone"] else "",
            "residence_region_id": item["residence"].pk,
            "hukou_region_id": item["hukou"].pk
            if item["hukou"]
            else elder.hukou_region_id,
            "address": item["address"] or elder.address,
            "living_arrangement": item["living"],
        }
        if not item["phone"]:
            wanted["phone_hash"] = (
                elder.phone_hash
            )  # an empty cell does not erase a phone
        item["wanted"] = wanted
        return [f for f in COMPARED if getattr(elder, f) != wanted[f]]

    def _new_categories(self, elder: Elder, item: dict) -> list:
        return [c for c in item["categories"] if c[0] not in elder._active_categories]

    # --- the write ------------------------------------------------------------------------------

    def write(self, *, by, outcome: Outcome) -> None:
        """Everything in the caller's transaction: new people, their categories, contacts and
        audit entries inserted in bulk (core.bulk), changed people updated field by field."""
        plan = outcome.plan
        actor_id = by.pk or None
        categories, contacts, audits = [], [], []
        new_rows = []
        for _number, item in plan["creates"]:
            id_enc, id_hash = pii.protect(item["id_number"])
            phone_enc, phone_hash = pii.protect(item["phone"])
            item["hash"] = id_hash
            new_rows.append(
                {
                    "name": item["name"],
                    **name_fields(item["name"], item["id_number"]),
                    "birth_date": item["birth_date"],
                    "sex": item["sex"],
                    "residence_region_id": item["residence"].pk,
                    "hukou_region_id": item["hukou"].pk if item["hukou"] else None,
                    "address": item["address"],
                    "living_arrangement": item["living"],
                    "id_number_enc": id_enc,
                    "id_number_hash": id_hash,
                    "phone_enc": phone_enc,
                    "phone_hash": phone_hash,
                }
            )
        bulk_insert(Elder, new_rows)
        pks = self._pks([row["id_number_hash"] for row in new_rows])
        name_keys_write(
            {pks[item["hash"]]: item["name"] for _n, item in plan["creates"]},
            replace=False,
        )
        renamed = {}
        for _number, item in plan["creates"]:
            pk = pks[item["hash"]]
            audits.append(
                self._audit(by, actor_id, "create", pk, f"导入建档 {item['name']}")
            )
            categories += [self._category(pk, c) for c in item["categories"]]
            if item["contact"]:
                contacts.append(self._contact_row(pk, item["contact"]))
        changed_rows = []
        for _number, item, elder, changed in plan["updates"]:
            if not changed:
                continue
            before = {f: getattr(elder, f) for f in changed if not f.endswith("_hash")}
            for f in changed:
                setattr(elder, f, item["wanted"][f])
            if "phone_hash" in changed:
                elder.phone_enc, elder.phone_hash = pii.protect(item["phone"])
            if "name" in changed:
                elder.name_order = naming.sort_key(elder.name)
                renamed[elder.pk] = elder.name
            elder.updated_at = timezone.now()
            changed_rows.append(elder)
            after = {f: getattr(elder, f) for f in changed if not f.endswith("_hash")}
            audits.append(
                self._audit(
                    by,
                    actor_id,
                    "update",
                    elder.pk,
                    f"导入更新 {elder.name}",
                    before,
                    after,
                )
            )
        if changed_rows:
            fields = [
                *[f for f in COMPARED if f != "phone_hash"],
                "phone_hash",
                "phone_enc",
                "name_order",
                "updated_at",
            ]
            Elder.objects.bulk_update(changed_rows, fields, batch_size=1000)
            name_keys_write(renamed)
        for elder, new_categories, new_contact in plan["extras"]:
            categories += [self._category(elder.pk, c) for c in new_categories]
            if new_contact:
                contacts.append(self._contact_row(elder.pk, new_contact))
        bulk_insert(ElderCategory, categories)
        bulk_insert(Contact, contacts)
        bulk_insert(AuditEntry, audits)

    @staticmethod
    def _pks(hashes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(hashes), CHUNK):
            chunk = hashes[i : i + CHUNK]
            found.update(
                Elder.objects.filter(id_number_hash__in=chunk).values_list(
                    "id_number_hash", "pk"
                )
            )
        return found

    @staticmethod
    def _audit(
        by, actor_id, action: str, pk: int, summary: str, before=None, after=None
    ) -> dict:
        return {
            "actor_id": actor_id,
            "actor_name": by.username,
            "ip": current_ip.get(),
            "action": action,
            "object_type": "elders.elder",
            "object_id": str(pk),
            "summary": summary[:300],
            "before": _jsonable(before),
            "after": _jsonable(after),
        }

    @staticmethod
    def _category(elder_id: int, category: tuple) -> dict:
        value, grade, start = category
        return {
            "elder_id": elder_id,
            "category": value,
            "grade": grade,
            "start_date": start,
            "end_date": None,
            "note": "导入",
        }

    @staticmethod
    def _contact_row(elder_id: int, contact: dict) -> dict:
        phone_enc, phone_hash = pii.protect(contact["phone"])
        return {
            "elder_id": elder_id,
            "name": contact["name"],
            "relation": contact["relation"],
            "phone_enc": phone_enc,
            "phone_hash": phone_hash,
            "is_emergency": True,
            "is_guardian": False,
        }


def _jsonable(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in values.items()}
