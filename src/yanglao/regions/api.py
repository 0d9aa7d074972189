from __future__ import annotations

from ninja import Field, Router, Schema

from yanglao.core.api import PageOut, checked_input, paged
from yanglao.core.errors import ValidationFailed
from yanglao.regions import selectors, services
from yanglao.regions.models import Region

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None
    is_urban: bool | None
    population: int
    households: int
    population_60: int
    population_65: int
    population_80: int
    lat: float | None
    lng: float | None


class RegionIn(Schema):
    code: str
    name: str
    level: int = Field(..., ge=1, le=5)
    parent_code: str | None = None
    is_urban: bool | None = None
    population: int = Field(0, ge=0)
    households: int = Field(0, ge=0)
    population_60: int = Field(0, ge=0)
    population_65: int = Field(0, ge=0)
    population_80: int = Field(0, ge=0)


class RegionPatch(Schema):
    name: str | None = None
    is_urban: bool | None = None
    population: int | None = Field(None, ge=0)
    households: int | None = Field(None, ge=0)
    population_60: int | None = Field(None, ge=0)
    population_65: int | None = Field(None, ge=0)
    population_80: int | None = Field(None, ge=0)
    lat: float | None = None
    lng: float | None = None


def region_out(r: Region) -> dict:
    data = {k: getattr(r, k) for k in RegionOut.model_fields if k != "parent_code"}
    data["parent_code"] = r.parent.code if r.parent_id else None
    return data


@router.get("", response=PageOut[RegionOut], summary="区划列表")
def region_list(
    request,
    q: str = "",
    level: int | None = None,
    parent: str = "",
    page: int = 1,
    per_page: int = 50,
):
    parent_obj = selectors.region_get(by=request.user, code=parent) if parent else None
    qs = selectors.region_list(
        by=request.user, parent=parent_obj, q=q, level=level
    ).select_related("parent")
    return paged(qs, page, per_page, region_out)


@router.get("/{code}", response=RegionOut, summary="区划详情")
def region_detail(request, code: str):
    return region_out(selectors.region_get(by=request.user, code=code))


@router.post("", response={201: RegionOut}, summary="新增区划")
def region_create(request, body: RegionIn):
    data = checked_input(body, Region)
    parent_code = data.pop("parent_code")
    parent = Region.objects.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        raise ValidationFailed({"parent_code": f"上级区划 {parent_code} 不存在"})
    region = services.region_create(by=request.user, parent=parent, **data)
    return 201, region_out(region)


@router.patch("/{code}", response=RegionOut, summary="修改区划")
def region_update(request, code: str, body: RegionPatch):
    region = selectors.region_get(by=request.user, code=code)
    return region_out(
        services.region_update(
            by=request.user, region=region, **checked_input(body, Region, partial=True)
        )
    )
