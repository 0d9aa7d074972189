from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from yanglao.core.api import PageOut, checked_input, paged
from yanglao.elders import selectors, services
from yanglao.elders.models import Contact, Elder, LivingArrangement

router = Router(tags=["老年人"])


class ElderOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    age: int
    id_number_masked: str
    phone_masked: str
    residence_region: str
    residence_region_name: str
    hukou_region: str | None
    address: str
    lat: float | None
    lng: float | None
    living_arrangement: str
    care_setting: str
    ability_level: int | None
    status: str
    died_on: dt.date | None
    categories: list[str]


def elder_out(e: Elder, *, categories: bool = False) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "sex": e.sex,
        "birth_date": e.birth_date,
        "age": e.age(),
        "id_number_masked": e.id_number_masked,
        "phone_masked": e.phone_masked,
        "residence_region": e.residence_region.code,
        "residence_region_name": e.residence_region.name,
        "hukou_region": e.hukou_region.code if e.hukou_region_id else None,
        "address": e.address,
        "lat": e.lat,
        "lng": e.lng,
        "living_arrangement": e.living_arrangement,
        "care_setting": e.care_setting,
        "ability_level": e.ability_level,
        "status": e.status,
        "died_on": e.died_on,
        "categories": [c.category for c in selectors.elder_categories_active(e)]
        if categories
        else [],
    }


class ElderIn(Schema):
    name: str
    id_number: str
    residence_region: str
    phone: str = ""
    hukou_region: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    living_arrangement: str = LivingArrangement.OTHER
    care_setting: str = "home"
    birth_date: dt.date | None = None
    sex: str | None = None


class ElderPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    residence_region: str | None = None
    hukou_region: str | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    living_arrangement: str | None = None
    care_setting: str | None = None


class FilterIn(Schema):
    q: str = ""
    region: str = ""
    category: str = ""
    age_band: str = ""
    living_arrangement: str = ""
    status: str = "active"  # or "all", "moved_out", "deceased"
    order: str = "name"  # or "newest", "oldest"
    page: int = 1
    per_page: int = 20


@router.get("", response=PageOut[ElderOut], summary="老年人列表（检索、筛选、分页）")
def elder_list(request, f: Query[FilterIn]):
    data = f.dict()
    page, per_page = data.pop("page"), data.pop("per_page")
    data["status"] = "" if data["status"] == "all" else data["status"]
    qs = selectors.elder_list(by=request.user, filters=selectors.ElderFilter(**data))
    return paged(qs.select_related("hukou_region"), page, per_page, elder_out)


@router.get("/{int:elder_id}", response=ElderOut, summary="老年人详情")
def elder_detail(request, elder_id: int):
    return elder_out(selectors.elder_get(by=request.user, pk=elder_id), categories=True)


@router.post("", response={201: ElderOut}, summary="建档")
def elder_create(request, body: ElderIn):
    elder = services.elder_create(by=request.user, **checked_input(body, Elder))
    return 201, elder_out(elder)


@router.patch("/{int:elder_id}", response=ElderOut, summary="修改档案")
def elder_update(request, elder_id: int, body: ElderPatch):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    values = checked_input(body, Elder, partial=True)
    return elder_out(
        services.elder_update(by=request.user, elder=elder, **values), categories=True
    )


class RevealOut(Schema):
    id_number: str
    phone: str


@router.post(
    "/{int:elder_id}/reveal",
    response=RevealOut,
    summary="查看完整身份证号和电话（记入审计日志）",
)
def elder_reveal(request, elder_id: int):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    return services.elder_reveal_pii(by=request.user, elder=elder)


class ContactOut(Schema):
    id: int
    name: str
    relation: str
    phone_masked: str
    is_emergency: bool
    is_guardian: bool


class ContactIn(Schema):
    name: str
    relation: str
    phone: str
    is_emergency: bool = False
    is_guardian: bool = False


class ContactPatch(Schema):
    name: str | None = None
    relation: str | None = None
    phone: str | None = None
    is_emergency: bool | None = None
    is_guardian: bool | None = None


def contact_out(c: Contact) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "relation": c.relation,
        "phone_masked": c.phone_masked,
        "is_emergency": c.is_emergency,
        "is_guardian": c.is_guardian,
    }


@router.get(
    "/{int:elder_id}/contacts", response=PageOut[ContactOut], summary="联系人列表"
)
def contact_list(request, elder_id: int, page: int = 1, per_page: int = 20):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    return paged(list(selectors.elder_contacts(elder)), page, per_page, contact_out)


@router.post(
    "/{int:elder_id}/contacts", response={201: ContactOut}, summary="添加联系人"
)
def contact_create(request, elder_id: int, body: ContactIn):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    return 201, contact_out(
        services.contact_add(by=request.user, elder=elder, **body.dict())
    )


@router.patch(
    "/{int:elder_id}/contacts/{int:contact_id}",
    response=ContactOut,
    summary="修改联系人",
)
def contact_update(request, elder_id: int, contact_id: int, body: ContactPatch):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    contact = selectors.elder_contact_get(elder=elder, pk=contact_id)
    return contact_out(
        services.contact_update(
            by=request.user, contact=contact, **body.dict(exclude_unset=True)
        )
    )


@router.delete(
    "/{int:elder_id}/contacts/{int:contact_id}",
    response={204: None},
    summary="删除联系人",
)
def contact_delete(request, elder_id: int, contact_id: int):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    contact = selectors.elder_contact_get(elder=elder, pk=contact_id)
    services.contact_remove(by=request.user, contact=contact)
    return 204, None


class EventIn(Schema):
    kind: str
    date: dt.date
    region: str = ""
    note: str = ""
    source: str = ""


class EventOut(Schema):
    id: int
    kind: str
    date: dt.date
    region: str | None
    note: str
    source: str


@router.post(
    "/{int:elder_id}/events", response={201: EventOut}, summary="登记迁入/迁出/死亡"
)
def event_create(request, elder_id: int, body: EventIn):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    ev = services.life_event_record(by=request.user, elder=elder, **body.dict())
    return 201, {
        "id": ev.pk,
        "kind": ev.kind,
        "date": ev.date,
        "region": ev.region.code if ev.region else None,
        "note": ev.note,
        "source": ev.source,
    }


class CategoryIn(Schema):
    category: str
    start_date: dt.date
    end_date: dt.date | None = None
    grade: str = ""
    note: str = ""


class CategoryOut(CategoryIn):
    id: int


@router.post(
    "/{int:elder_id}/categories", response={201: CategoryOut}, summary="添加困难类别"
)
def category_create(request, elder_id: int, body: CategoryIn):
    elder = selectors.elder_get(by=request.user, pk=elder_id)
    item = services.category_add(by=request.user, elder=elder, **body.dict())
    return 201, {"id": item.pk, **body.dict()}
