"""Helpers every home-service write uses: the refusal, and who plays which part for an order
(provider, carer, placer, staff) — rules.Actor."""

from __future__ import annotations

from yanglao.core import permissions
from yanglao.core.errors import ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.homecare.models import (
    Order,
)
from yanglao.homecare.rules import Actor, OrderState
from yanglao.homecare.selectors import (
    carer_of,
    linked_elder_ids,
    provider_of,
)
from yanglao.regions.models import Region

S = OrderState


def _refuse(field: str, reason: str):
    raise ValidationFailed({field: reason})


def _is_staff_for(by, region: Region) -> bool:
    """Civil-affairs staff (street, community, bureau) whose area holds `region`."""
    return permissions.may_place_orders(by) and region_path_allowed(by, region.path)


def actors_for(by, order: Order) -> set[Actor]:
    """The parts `by` plays for `order` (possibly none: then the order is out of their scope)."""
    actors: set[Actor] = set()
    if sees_everything(by):
        return {Actor.PROVIDER, Actor.STAFF, Actor.PLACER}
    if permissions.may_place_orders(by) and region_path_allowed(by, order.region.path):
        actors |= {Actor.STAFF, Actor.PLACER}
    if permissions.acts_for_provider(by):
        p = provider_of(by)
        if p is not None and p.pk == order.provider_id:
            actors.add(Actor.PROVIDER)
    if permissions.is_carer(by) and order.carer_id is not None:
        c = carer_of(by)
        if c is not None and c.pk == order.carer_id:
            actors.add(Actor.CARER)
    if permissions.acts_for_linked_elders(by) and order.elder_id in linked_elder_ids(
        by
    ):
        actors.add(Actor.PLACER)
    return actors
