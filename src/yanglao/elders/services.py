"""Every write to the registry of older people: validated, scoped, one transaction, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions, pii
from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.bulk import bulk_insert
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.idnumber import InvalidIdNumber, age_on, parse
from yanglao.core.phone import normalize_phone
from yanglao.elders import naming
from yanglao.elders.models import (
    CareSetting,
    Category,
    Contact,
    Elder,
    ElderCategory,
    LifeEvent,
    LivingArrangement,
    NameKey,
    Status,
)
from yanglao.regions.selectors import region_for_input

OLD_AGE = 60  # 《老年人权益保障法》第二条: 老年人是指六十周岁以上的公民


def name_keys_write(names: dict[int, str], *, replace: bool = True) -> None:
    """The search keys of people's names ({pk: name}, elders.naming.search_keys), written wherever
    a name is (create, edit, import, the demo city) with the row's own `name_order`, so search and
    order agree with the name. `replace=False` for people just created (no keys to replace)."""
    if replace:
        pks = list(names)
        for i in range(0, len(pks), 500):
            NameKey.objects.filter(elder_id__in=pks[i : i + 500]).delete()
    bulk_insert(
        NameKey,
        (
            {"elder_id": pk, "key": key}
            for pk, name in names.items()
            for key in naming.search_keys(name)
        ),
    )


def name_fields(name: str, id_number: str) -> dict[str, str]:
    """The columns derived from the name and the identity number (set with them)."""
    return {"name_order": naming.sort_key(name), "id_last4": naming.id_last4(id_number)}


def ensure_registry_writer(by) -> None:
    if not permissions.may_write_registry(by):
        raise ValidationFailed({"__all__": "您的角色没有修改老年人档案的权限"})


def check_identity(
    id_number: str,
    birth_date: dt.date | None,
    sex: str | None,
    errors: dict,
    today: dt.date,
):
    try:
        parsed = parse(id_number, today=today)
    except InvalidIdNumber as exc:
        errors["id_number"] = exc.reason
        return None
    if birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = (
            f"出生日期与身份证号不一致（身份证号为{parsed.birth_date:%Y年%m月%d日}）"
        )
    if sex and sex != parsed.sex:
        errors["sex"] = "性别与身份证号不一致（身份证号第17位{}）".format(
            "为奇数，应为男" if parsed.sex == "M" else "为偶数，应为女"
        )
    if age_on(parsed.birth_date, today) < OLD_AGE:
        errors["id_number"] = "未满60周岁，不属于老年人登记范围"
    return parsed


def clean_phone(raw: str, field: str, errors: dict) -> str:
    if not raw or not raw.strip():
        return ""
    try:
        return normalize_phone(raw)
    except ValueError as exc:
        errors[field] = str(exc)
        return ""


def _check_choices(values: dict[str, Any], errors: dict) -> None:
    if (
        "living_arrangement" in values
        and values["living_arrangement"] not in LivingArrangement.values
    ):
        errors["living_arrangement"] = "居住情况不在可选范围内"
    if "care_setting" in values and values["care_setting"] not in CareSetting.values:
        errors["care_setting"] = "养老方式不在可选范围内"
    if values.get("lat") is not None and not -90 <= float(values["lat"]) <= 90:
        errors["lat"] = "纬度应在-90到90之间"
    if values.get("lng") is not None and not -180 <= float(values["lng"]) <= 180:
        errors["lng"] = "经度应在-180到180之间"


def elder_create(
    *,
    by,
    name: str,
    id_number: str,
    residence_region: str,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    phone: str = "",
    hukou_region: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    living_arrangement: str = LivingArrangement.OTHER,
    care_setting: str = CareSetting.HOME,
) -> Elder:
    """建档: register an older person. Region arguments are division codes."""
    ensure_registry_writer(by)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = "姓名不能为空"
    parsed = check_identity(id_number, birth_date, sex, errors, today)
    if (
        parsed
        and "id_number" not in errors
        and Elder.objects.filter(id_number_hash=pii.lookup_hash(parsed.value)).exists()
    ):
        errors["id_number"] = "该身份证号已登记，请勿重复建档"
    residence = region_for_input(by, residence_region, "residence_region", errors)
    # 户籍 may lie anywhere (people move in from other counties): it must only exist.
    hukou = (
        region_for_input(by, hukou_region, "hukou_region", errors, within_scope=False)
        if hukou_region
        else None
    )
    phone_value = clean_phone(phone, "phone", errors)
    values = {
        "living_arrangement": living_arrangement,
        "care_setting": care_setting,
        "lat": lat,
        "lng": lng,
    }
    _check_choices(values, errors)
    if errors:
        raise ValidationFailed(errors)
    elder = Elder(
        name=name.strip(),
        **name_fields(name.strip(), parsed.value),
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        residence_region=residence,
        hukou_region=hukou,
        address=address.strip(),
        **values,
    )
    elder.id_number_enc, elder.id_number_hash = pii.protect(parsed.value)
    elder.phone_enc, elder.phone_hash = pii.protect(phone_value)
    with transaction.atomic():
        elder.save()
        name_keys_write({elder.pk: elder.name}, replace=False)
        audit_create(by=by, obj=elder, summary=f"建档 {elder.name}")
    return elder


EDITABLE = {
    "name",
    "phone",
    "hukou_region",
    "residence_region",
    "address",
    "lat",
    "lng",
    "living_arrangement",
    "care_setting",
    "id_number",
}


def elder_update(*, by, elder: Elder, **values: Any) -> Elder:
    """修改档案. Identity number corrections re-derive birth date and sex; status changes go
    through life events, ability level through assessments."""
    ensure_registry_writer(by)
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationFailed({k: "该字段不能在此修改" for k in sorted(unknown)})
    errors: dict[str, str] = {}
    before = snapshot(elder)
    if "name" in values:
        if not str(values["name"]).strip():
            errors["name"] = "姓名不能为空"
        elder.name = str(values["name"]).strip()
    if "id_number" in values:
        parsed = check_identity(
            values["id_number"], None, None, errors, timezone.localdate()
        )
        if parsed and "id_number" not in errors:
            new_hash = pii.lookup_hash(parsed.value)
            if (
                Elder.objects.filter(id_number_hash=new_hash)
                .exclude(pk=elder.pk)
                .exists()
            ):
                errors["id_number"] = "该身份证号已登记在另一份档案中"
            elder.id_number_enc, elder.id_number_hash = pii.protect(parsed.value)
            elder.birth_date, elder.sex = parsed.birth_date, parsed.sex
            elder.id_last4 = naming.id_last4(parsed.value)
    if "phone" in values:
        elder.phone_enc, elder.phone_hash = pii.protect(
            clean_phone(values["phone"], "phone", errors)
        )
    if "residence_region" in values:
        region = region_for_input(
            by, values["residence_region"], "residence_region", errors
        )
        if region is not None and "residence_region" not in errors:
            elder.residence_region = region
    if "hukou_region" in values:
        elder.hukou_region = (
            region_for_input(
                by, values["hukou_region"], "hukou_region", errors, within_scope=False
            )
            if values["hukou_region"]
            else None
        )
    _check_choices(values, errors)
    if errors:
        raise ValidationFailed(errors)
    for key in ("address", "lat", "lng", "living_arrangement", "care_setting"):
        if key in values:
            setattr(
                elder, key, values[key].strip() if key == "address" else values[key]
            )
    elder.name_order = naming.sort_key(elder.name)
    with transaction.atomic():
        elder.save()
        if elder.name != before.get("name"):
            name_keys_write({elder.pk: elder.name})
        audit_update(by=by, obj=elder, before=before, summary=f"修改档案 {elder.name}")
    return elder


def elder_reveal_pii(*, by, elder: Elder, why: str = "") -> dict[str, str]:
    """查看完整身份证号和电话: a permission, and every use is written to the audit log (also when
    an edit form shows them: `why`)."""
    if not permissions.may_view_full_pii(by):
        raise NotInScope(elder.pk)
    audit(
        by=by,
        action="view_pii",
        obj=elder,
        summary=f"查看 {elder.name} 的完整身份证号和电话{f'（{why}）' if why else ''}",
    )
    return {
        "id_number": elder.id_number,
        "phone": elder.phone,
        "contacts": {c.pk: c.phone for c in elder.contacts.all()},
    }


# --- categories -------------------------------------------------------------------------------


def category_add(
    *,
    by,
    elder: Elder,
    category: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    grade: str = "",
    note: str = "",
) -> ElderCategory:
    """Add a hardship category (困难类别) with its effective dates."""
    ensure_registry_writer(by)
    errors = {}
    if category not in Category.values:
        errors["category"] = "类别不在可选范围内"
    if end_date and end_date <= start_date:
        errors["end_date"] = "终止日期应晚于起始日期"
    if start_date > timezone.localdate() + dt.timedelta(days=366):
        errors["start_date"] = "起始日期不能晚于一年以后"
    if category == Category.DISABLED and not grade:
        errors["grade"] = "重度残疾需填写残疾证等级"
    overlapping = ElderCategory.objects.filter(elder=elder, category=category).exclude(
        end_date__lte=start_date
    )
    if end_date:
        overlapping = overlapping.filter(start_date__lt=end_date)
    if "category" not in errors and overlapping.exists():
        errors["category"] = "该类别在这段时间内已有记录"
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        item = ElderCategory.objects.create(
            elder=elder,
            category=category,
            start_date=start_date,
            end_date=end_date,
            grade=grade,
            note=note,
        )
        audit_create(
            by=by,
            obj=item,
            summary=f"{elder.name} 新增类别 {item.get_category_display()}",
        )
    return item


def category_end(
    *, by, item: ElderCategory, end_date: dt.date, note: str = ""
) -> ElderCategory:
    ensure_registry_writer(by)
    if end_date <= item.start_date:
        raise ValidationFailed({"end_date": "终止日期应晚于起始日期"})
    before = snapshot(item)
    item.end_date = end_date
    if note:
        item.note = note
    with transaction.atomic():
        item.save()
        audit_update(
            by=by,
            obj=item,
            before=before,
            summary=f"终止类别 {item.get_category_display()}",
        )
    return item


# --- contacts ---------------------------------------------------------------------------------


def contact_add(
    *,
    by,
    elder: Elder,
    name: str,
    relation: str,
    phone: str,
    is_emergency: bool = False,
    is_guardian: bool = False,
) -> Contact:
    ensure_registry_writer(by)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "联系人姓名不能为空"
    if not relation.strip():
        errors["relation"] = "请填写与老人的关系"
    clean = clean_phone(phone, "phone", errors)
    if not clean and "phone" not in errors:
        errors["phone"] = "联系人电话不能为空"
    if errors:
        raise ValidationFailed(errors)
    contact = Contact(
        elder=elder,
        name=name.strip(),
        relation=relation.strip(),
        is_emergency=is_emergency,
        is_guardian=is_guardian,
    )
    contact.phone_enc, contact.phone_hash = pii.protect(clean)
    with transaction.atomic():
        contact.save()
        audit_create(
            by=by, obj=contact, summary=f"{elder.name} 新增联系人 {contact.name}"
        )
    return contact


def contact_update(*, by, contact: Contact, **values: Any) -> Contact:
    ensure_registry_writer(by)
    errors: dict[str, str] = {}
    before = snapshot(contact)
    for key in ("name", "relation"):
        if key in values:
            if not str(values[key]).strip():
                errors[key] = "不能为空"
            setattr(contact, key, str(values[key]).strip())
    if "phone" in values:
        clean = clean_phone(values["phone"], "phone", errors)
        if not clean and "phone" not in errors:
            errors["phone"] = "联系人电话不能为空"
        contact.phone_enc, contact.phone_hash = pii.protect(clean)
    for key in ("is_emergency", "is_guardian"):
        if key in values:
            setattr(contact, key, bool(values[key]))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        contact.save()
        audit_update(by=by, obj=contact, before=before)
    return contact


def contact_remove(*, by, contact: Contact) -> None:
    ensure_registry_writer(by)
    with transaction.atomic():
        audit(
            by=by,
            action="delete",
            obj=contact,
            before=snapshot(contact),
            summary=f"删除联系人 {contact.name}",
        )
        contact.delete()


# --- life events ------------------------------------------------------------------------------


def life_event_record(
    *,
    by,
    elder: Elder,
    kind: str,
    date: dt.date,
    region: str = "",
    note: str = "",
    source: str = "",
) -> LifeEvent:
    """迁入/迁出/死亡/出院: append an event and move the elder's status accordingly (出院 leaves the
    status as it is; it makes an 即时评估 due)."""
    ensure_registry_writer(by)
    errors: dict[str, str] = {}
    if kind not in LifeEvent.Kind.values:
        errors["kind"] = "事件类型应为迁入、迁出、死亡或出院"
    if date > timezone.localdate():
        errors["date"] = "事件日期不能在未来"
    if date < elder.birth_date:
        errors["date"] = "事件日期早于出生日期"
    if elder.status == Status.DECEASED:
        errors["kind"] = f"该老人已于{elder.died_on:%Y年%m月%d日}登记死亡"
    elif kind == LifeEvent.Kind.DISCHARGE and elder.status != Status.ACTIVE:
        errors["kind"] = "只有在册老人可登记出院"
    elif kind == LifeEvent.Kind.MOVE_OUT and elder.status == Status.MOVED_OUT:
        errors["kind"] = "该老人已迁出"
    elif (
        kind == LifeEvent.Kind.MOVE_IN and elder.status == Status.ACTIVE and not region
    ):
        errors["region"] = "在册老人迁入需填写新的居住社区/村"
    target = region_for_input(by, region, "region", errors) if region else None
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(elder)
    with transaction.atomic():
        event = LifeEvent.objects.create(
            elder=elder,
            kind=kind,
            date=date,
            region=target,
            note=note,
            source=source,
            recorded_by=by,
        )
        if kind == LifeEvent.Kind.DISCHARGE:
            pass
        elif kind == LifeEvent.Kind.DEATH:
            elder.status, elder.died_on = Status.DECEASED, date
        elif kind == LifeEvent.Kind.MOVE_OUT:
            elder.status = Status.MOVED_OUT
        else:
            elder.status = Status.ACTIVE
            if target is not None:
                elder.residence_region = target
        elder.save()
        audit_update(
            by=by,
            obj=elder,
            before=before,
            summary=f"{elder.name} {event.get_kind_display()}",
        )
    return event


def elder_set_care_setting(*, by, elder: Elder, care_setting: str) -> Elder:
    """Called by facilities on admission and discharge (养老方式 follows where the person lives)."""
    if care_setting not in CareSetting.values:
        raise ValidationFailed({"care_setting": "养老方式不在可选范围内"})
    if elder.care_setting != care_setting:
        before = snapshot(elder)
        elder.care_setting = care_setting
        elder.save(update_fields=["care_setting", "updated_at"])
        audit_update(by=by, obj=elder, before=before)
    return elder


def elder_set_ability_level(*, by, elder: Elder, level: int | None) -> Elder:
    """Called by assessments when a GB/T 42195-2022 result is completed (or a newer historical one
    is imported): the registry shows the current level, other modules read it through
    assessments.selectors.ability_level_on."""
    if level is not None and level not in range(5):
        raise ValidationFailed({"ability_level": "能力等级应为 0–4"})
    if elder.ability_level != level:
        before = snapshot(elder)
        elder.ability_level = level
        elder.save(update_fields=["ability_level", "updated_at"])
        audit_update(
            by=by, obj=elder, before=before, summary=f"{elder.name} 能力等级更新"
        )
    return elder


# --- duplicates ---------------------------------------------------------------------------------


def elder_merge(*, by, keep: Elder, remove: Elder, reason: str) -> Elder:
    """合并重复档案: everything recorded against `remove` (contacts, categories, life events, and
    what other modules hold: admissions, assessments, …) moves to `keep`; `remove` stays, marked
    已合并 and pointing to `keep`, so its history and identity number remain findable. Audited."""
    ensure_registry_writer(by)
    errors: dict[str, str] = {}
    if keep.pk == remove.pk:
        errors["remove"] = "不能与自身合并"
    for field, elder in (("keep", keep), ("remove", remove)):
        if elder.status == Status.MERGED:
            errors[field] = f"{elder.name} 的档案已合并到其他档案"
    if not reason.strip():
        errors["reason"] = "请说明合并原因（如：身份证号录入错误）"
    if errors:
        raise ValidationFailed(errors)
    moved: dict[str, int] = {}
    try:
        with transaction.atomic():
            for rel in Elder._meta.related_objects:
                if not rel.one_to_many or rel.related_model is Elder:
                    continue
                n = rel.related_model.objects.filter(**{rel.field.name: remove}).update(
                    **{rel.field.name: keep}
                )
                if n:
                    moved[rel.related_model._meta.verbose_name] = n
            before = snapshot(remove)
            remove.status, remove.merged_into = Status.MERGED, keep
            remove.save(update_fields=["status", "merged_into", "updated_at"])
            summary = "、".join(f"{k}{v}条" for k, v in moved.items()) or "无关联记录"
            audit_update(
                by=by,
                obj=remove,
                before=before,
                summary=f"合并重复档案至 {keep.name}（#{keep.pk}）：{reason.strip()}；转移{summary}"[
                    :300
                ],
            )
            audit(
                by=by,
                action="update",
                obj=keep,
                summary=f"并入重复档案 #{remove.pk}：转移{summary}"[:300],
            )
    except IntegrityError:
        raise ValidationFailed(
            {
                "remove": "两份档案都有进行中的入住或评估等记录，不能同时保留；请先办理退住或撤回后再合并"
            }
        ) from None
    return keep
