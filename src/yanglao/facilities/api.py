from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema

from yanglao.core.api import PageOut, checked_input, paged
from yanglao.core.errors import ValidationFailed
from yanglao.facilities import selectors, services
from yanglao.facilities.models import Admission, Bed, Facility, Staff

router = Router(tags=["养老机构与从业人员"])


class FacilityOut(Schema):
    id: int
    name: str
    type: str
    ownership: str
    operator: str
    region: str
    region_name: str
    address: str
    lat: float | None
    lng: float | None
    floor_area_m2: int | None
    licence_no: str
    has_medical_unit: bool
    contracted_hospital: str
    fire_safety: str
    fire_safety_date: dt.date | None
    childcare_places: int
    opened_on: dt.date | None
    closed_on: dt.date | None
    bed_count: int | None = None
    nursing_bed_count: int | None = None
    resident_count: int | None = None


class FacilityIn(Schema):
    name: str
    type: str
    ownership: str
    region: str
    operator: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    floor_area_m2: int | None = None
    licence_no: str = ""
    has_medical_unit: bool = False
    contracted_hospital: str = ""
    fire_safety: str = "pending"
    fire_safety_date: dt.date | None = None
    childcare_places: int = 0
    opened_on: dt.date | None = None


class FacilityPatch(Schema):
    name: str | None = None
    type: str | None = None
    ownership: str | None = None
    region: str | None = None
    operator: str | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    floor_area_m2: int | None = None
    licence_no: str | None = None
    has_medical_unit: bool | None = None
    contracted_hospital: str | None = None
    fire_safety: str | None = None
    fire_safety_date: dt.date | None = None
    childcare_places: int | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None


def facility_out(f: Facility) -> dict:
    data = {
        k: getattr(f, k, None)
        for k in FacilityOut.model_fields
        if k not in ("region", "region_name")
    }
    data.update(region=f.region.code, region_name=f.region.name)
    return data


class FacilityFilterIn(Schema):
    q: str = ""
    region: str = ""
    type: str = ""
    ownership: str = ""
    page: int = 1
    per_page: int = 20


@router.get("/facilities", response=PageOut[FacilityOut], summary="机构列表")
def facility_list(request, f: Query[FacilityFilterIn]):
    data = f.dict()
    page, per_page = data.pop("page"), data.pop("per_page")
    return paged(
        selectors.facility_list(
            by=request.user, filters=selectors.FacilityFilter(**data)
        ),
        page,
        per_page,
        facility_out,
    )


@router.get("/facilities/{int:facility_id}", response=FacilityOut, summary="机构详情")
def facility_detail(request, facility_id: int):
    return facility_out(selectors.facility_get(by=request.user, pk=facility_id))


@router.post("/facilities", response={201: FacilityOut}, summary="新增机构")
def facility_create(request, body: FacilityIn):
    return 201, facility_out(
        services.facility_create(by=request.user, **checked_input(body, Facility))
    )


@router.patch("/facilities/{int:facility_id}", response=FacilityOut, summary="修改机构")
def facility_update(request, facility_id: int, body: FacilityPatch):
    facility = selectors.facility_get(by=request.user, pk=facility_id)
    return facility_out(
        services.facility_update(
            by=request.user,
            facility=facility,
            **checked_input(body, Facility, partial=True),
        )
    )


class BedOut(Schema):
    id: int
    facility_id: int
    code: str
    kind: str
    state: str
    occupied: bool


class BedIn(Schema):
    code: str
    kind: str = "ordinary"


class BedPatch(Schema):
    kind: str | None = None
    state: str | None = None


def bed_out(b: Bed) -> dict:
    occupied = getattr(b, "occupied", None)
    if occupied is None:
        occupied = b.admissions.filter(discharged_on__isnull=True).exists()
    return {
        "id": b.pk,
        "facility_id": b.facility_id,
        "code": b.code,
        "kind": b.kind,
        "state": b.state,
        "occupied": occupied,
    }


@router.get(
    "/facilities/{int:facility_id}/beds", response=PageOut[BedOut], summary="床位列表"
)
def bed_list(request, facility_id: int, page: int = 1, per_page: int = 20):
    facility = selectors.facility_get(by=request.user, pk=facility_id)
    beds = selectors.bed_list(by=request.user, facility=facility)
    return paged(beds, page, per_page, bed_out)


@router.post(
    "/facilities/{int:facility_id}/beds", response={201: BedOut}, summary="添加床位"
)
def bed_create(request, facility_id: int, body: BedIn):
    facility = selectors.facility_get(by=request.user, pk=facility_id)
    return 201, bed_out(
        services.bed_create(by=request.user, facility=facility, **body.dict())
    )


@router.patch("/beds/{int:bed_id}", response=BedOut, summary="修改床位")
def bed_update(request, bed_id: int, body: BedPatch):
    bed = selectors.bed_get(by=request.user, pk=bed_id)
    return bed_out(
        services.bed_update(by=request.user, bed=bed, **body.dict(exclude_unset=True))
    )


class AdmissionOut(Schema):
    id: int
    elder_id: int
    elder_name: str
    bed_id: int
    facility_id: int
    admitted_on: dt.date
    discharged_on: dt.date | None
    discharge_reason: str


class AdmissionIn(Schema):
    bed_id: int
    elder_id: int | None = None
    id_number: str | None = None
    admitted_on: dt.date


class DischargeIn(Schema):
    discharged_on: dt.date
    reason: str = ""


def admission_out(a: Admission) -> dict:
    return {
        "id": a.pk,
        "elder_id": a.elder_id,
        "elder_name": a.elder.name,
        "bed_id": a.bed_id,
        "facility_id": a.bed.facility_id,
        "admitted_on": a.admitted_on,
        "discharged_on": a.discharged_on,
        "discharge_reason": a.discharge_reason,
    }


@router.get("/admissions", response=PageOut[AdmissionOut], summary="入住记录")
def admission_list(
    request,
    facility_id: int | None = None,
    current: bool = True,
    page: int = 1,
    per_page: int = 50,
):
    facility = (
        selectors.facility_get(by=request.user, pk=facility_id) if facility_id else None
    )
    return paged(
        selectors.admission_list(by=request.user, facility=facility, current=current),
        page,
        per_page,
        admission_out,
    )


@router.post(
    "/admissions",
    response={201: AdmissionOut},
    summary="办理入住（按档案编号或身份证号）",
)
def admission_create(request, body: AdmissionIn):
    bed = selectors.bed_get(by=request.user, pk=body.bed_id)
    admission = services.admission_admit(
        by=request.user,
        bed=bed,
        admitted_on=body.admitted_on,
        elder_id=body.elder_id,
        id_number=body.id_number or "",
    )
    return 201, admission_out(admission)


@router.post(
    "/admissions/{int:admission_id}/discharge",
    response=AdmissionOut,
    summary="办理退住",
)
def admission_discharge(request, admission_id: int, body: DischargeIn):
    admission = selectors.admission_get(by=request.user, pk=admission_id)
    return admission_out(
        services.admission_discharge(
            by=request.user,
            admission=admission,
            discharged_on=body.discharged_on,
            reason=body.reason,
        )
    )


class StaffOut(Schema):
    id: int
    name: str
    sex: str
    id_number_masked: str
    role: str
    skill_level: str
    facility_id: int | None
    provider_id: int | None
    hired_on: dt.date
    left_on: dt.date | None


class StaffIn(Schema):
    name: str
    id_number: str
    role: str
    hired_on: dt.date
    facility_id: int | None = None
    provider_id: int | None = None
    phone: str = ""
    skill_level: str = ""


class StaffPatch(Schema):
    name: str | None = None
    phone: str | None = None
    role: str | None = None
    skill_level: str | None = None


class LeaveIn(Schema):
    left_on: dt.date


def staff_out(s: Staff) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "sex": s.sex,
        "id_number_masked": s.id_number_masked,
        "role": s.role,
        "skill_level": s.skill_level,
        "facility_id": s.facility_id,
        "provider_id": s.provider_id,
        "hired_on": s.hired_on,
        "left_on": s.left_on,
    }


@router.get("/staff", response=PageOut[StaffOut], summary="从业人员列表")
def staff_list(
    request,
    q: str = "",
    role: str = "",
    facility_id: int | None = None,
    current: bool = True,
    page: int = 1,
    per_page: int = 20,
):
    filters = selectors.StaffFilter(
        q=q, role=role, facility=str(facility_id or ""), current=current
    )
    return paged(
        selectors.staff_list(by=request.user, filters=filters),
        page,
        per_page,
        staff_out,
    )


@router.get("/staff/{int:staff_id}", response=StaffOut, summary="从业人员详情")
def staff_detail(request, staff_id: int):
    return staff_out(selectors.staff_get(by=request.user, pk=staff_id))


@router.post("/staff", response={201: StaffOut}, summary="入职登记（自动入职查询）")
def staff_create(request, body: StaffIn):
    data = body.dict()
    facility_id, provider_id = data.pop("facility_id"), data.pop("provider_id")
    facility = (
        selectors.facility_get(by=request.user, pk=facility_id) if facility_id else None
    )
    provider = (
        selectors.provider_list(by=request.user).filter(pk=provider_id).first()
        if provider_id
        else None
    )
    if provider_id and provider is None:
        raise ValidationFailed({"provider_id": "服务商不存在或不在您的管辖范围内"})
    return 201, staff_out(
        services.staff_hire(
            by=request.user, facility=facility, provider=provider, **data
        )
    )


@router.patch("/staff/{int:staff_id}", response=StaffOut, summary="修改从业人员信息")
def staff_update(request, staff_id: int, body: StaffPatch):
    staff = selectors.staff_get(by=request.user, pk=staff_id)
    return staff_out(
        services.staff_update(
            by=request.user, staff=staff, **body.dict(exclude_unset=True)
        )
    )


@router.post("/staff/{int:staff_id}/leave", response=StaffOut, summary="离职")
def staff_leave(request, staff_id: int, body: LeaveIn):
    staff = selectors.staff_get(by=request.user, pk=staff_id)
    return staff_out(
        services.staff_leave(by=request.user, staff=staff, left_on=body.left_on)
    )
