"""双随机 API: the draws of the reader's area, each with everything needed to re-derive it."""

from __future__ import annotations

from ninja import Query, Router, Schema

from yanglao.core.api import PageOut, paged
from yanglao.supervision import selectors

router = Router(tags=["综合监管"])


class ObjectOut(Schema):
    code: str
    stratum: str
    hash: str


class TeamOut(Schema):
    object: str
    inspectors: list[str]


class DrawOut(Schema):
    id: int
    plan: str
    input: dict
    commitment: str
    public_random: str | None
    seed: str | None
    objects: list[ObjectOut] | None
    teams: list[TeamOut] | None
    errors: list[str] | None
    committed_at: str
    published_at: str | None


@router.get("/draws", response=PageOut[DrawOut], summary="双随机抽取记录")
def draw_list(
    request, page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=200)
):
    return paged(selectors.draws(by=request.user), page, per_page, lambda d: d.record())


@router.get("/draws/{int:draw_id}", response=DrawOut, summary="一次抽取（可复核）")
def draw_detail(request, draw_id: int):
    return selectors.draw_get(by=request.user, pk=draw_id).record()
