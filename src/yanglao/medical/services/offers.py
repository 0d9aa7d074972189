"""Writes of 集中供养 bed offers (issue 24 §6): a free bed of the county's network offered to a
person in the priority queue, their answer — accepting admits them through the facilities'
admission service in the same transaction — and transfers within the network. Each refusal
names the field and the reason and writes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit
from yanglao.core.errors import ValidationFailed
from yanglao.core.geo import distance_m
from yanglao.facilities.models import Admission, Bed, Facility
from yanglao.facilities.selectors import open_on
from yanglao.facilities.services import admission_create, admission_discharge
from yanglao.medical.models import BedOffer
from yanglao.medical.selectors.contracts import NETWORK_TYPES
from yanglao.medical.selectors.offers import county_of, free_beds_q, queue_place_of

OFFER = BedOffer.Status


def _require(by) -> None:
    if not permissions.may_offer_beds(by):
        raise ValidationFailed({"__all__": "只有民政部门可以安排集中供养床位"})


def _bed_problem(bed: Bed, elder, *, nursing: bool, today) -> str:
    facility = bed.facility
    county = county_of(elder.residence_region)
    if facility.type not in NETWORK_TYPES:
        return f"{facility.name}不是特困人员供养服务网络中的机构"
    if not Facility.objects.filter(open_on(today), pk=facility.pk).exists():
        return f"{facility.name}未在营业"
    if county is None or not facility.region.path.startswith(county.path):
        return f"{facility.name}不在该老人所在县（市、区）"
    if bed.state != Bed.State.IN_SERVICE:
        return "该床位已停用"
    if not Bed.objects.filter(free_beds_q(), pk=bed.pk).exists():
        return "该床位已有老人入住或已安排给他人"
    if nursing and bed.kind != Bed.Kind.NURSING:
        return "该老人失能或失智，应安排护理型床位"
    return ""


def bed_offer_create(*, by, elder, bed: Bed, today: dt.date | None = None) -> BedOffer:
    """安排床位: only to a person in the queue, a free bed of the right kind in their county's
    network; the offer records the queue reason and the distance from home."""
    _require(by)
    today = today or timezone.localdate()
    place = queue_place_of(by=by, elder=elder, today=today)
    if place is None:
        raise ValidationFailed(
            {
                "elder": "该老人不在集中供养轮候中（须为特困人员、最近一次意愿为愿意集中供养且尚未入住）"
            }
        )
    problem = _bed_problem(bed, elder, nursing=place.nursing_bed, today=today)
    if problem:
        raise ValidationFailed({"bed": problem})
    if BedOffer.objects.filter(elder=elder, status=OFFER.OFFERED).exists():
        raise ValidationFailed({"elder": "该老人已有待答复的床位安排"})
    f = bed.facility
    distance = None
    if None not in (elder.lat, elder.lng, f.lat, f.lng):
        distance = round(distance_m((elder.lat, elder.lng), (f.lat, f.lng)))
    try:
        with transaction.atomic():
            offer = BedOffer.objects.create(
                elder=elder,
                bed=bed,
                reason=place.reason[:200],
                distance_m=distance,
                offered_on=today,
                offered_by=by,
            )
            audit(
                by=by,
                action="create",
                obj=offer,
                summary=f"为{elder.name}安排 {f.name} {bed.code} 床（{bed.get_kind_display()}）",
            )
    except IntegrityError:
        raise ValidationFailed({"bed": "该床位刚刚安排给了他人，请另选"}) from None
    return offer


def bed_offer_answer(
    *,
    by,
    offer: BedOffer,
    accept: bool,
    note: str = "",
    admitted_on: dt.date | None = None,
) -> BedOffer:
    """The person's answer: 接受 admits them on the day given (the admission service checks
    the bed and the person again); 谢绝 needs the reason and keeps their place in the queue."""
    _require(by)
    if offer.status != OFFER.OFFERED:
        raise ValidationFailed(
            {"__all__": f"该床位安排已是“{offer.get_status_display()}”"}
        )
    today = timezone.localdate()
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationFailed({"note": "谢绝须填写原因"})
    if accept and admitted_on is None:
        raise ValidationFailed({"admitted_on": "请填写入住日期"})
    if accept and admitted_on < offer.offered_on:
        raise ValidationFailed({"admitted_on": "入住日期不能早于安排日期"})
    with transaction.atomic():
        if accept:
            offer.admission = admission_create(
                by=by, elder=offer.elder, bed=offer.bed, admitted_on=admitted_on
            )
        offer.status = OFFER.ACCEPTED if accept else OFFER.DECLINED
        offer.answered_on, offer.answer_note = today, note[:300]
        offer.save()
        audit(
            by=by,
            action="update",
            obj=offer,
            summary=f"{offer.elder.name}{offer.get_status_display()}：{offer.bed}",
        )
    return offer


def bed_offer_withdraw(*, by, offer: BedOffer, note: str) -> BedOffer:
    _require(by)
    if offer.status != OFFER.OFFERED:
        raise ValidationFailed(
            {"__all__": f"该床位安排已是“{offer.get_status_display()}”"}
        )
    if not (note or "").strip():
        raise ValidationFailed({"note": "撤回须填写原因"})
    offer.status, offer.answered_on = OFFER.WITHDRAWN, timezone.localdate()
    offer.answer_note = note.strip()[:300]
    offer.save()
    audit(
        by=by, action="update", obj=offer, summary=f"撤回床位安排：{offer.answer_note}"
    )
    return offer


def network_transfer(*, by, admission: Admission, bed: Bed, on: dt.date) -> Admission:
    """网络内转院: a resident of one network institution moves to a free bed of another (or of
    the same) in the county — discharged and admitted on the same day, in one transaction."""
    _require(by)
    elder = admission.elder
    if admission.discharged_on is not None:
        raise ValidationFailed({"admission": "该入住记录已退住"})
    if admission.bed.facility.type not in NETWORK_TYPES:
        raise ValidationFailed({"admission": "只能在特困人员供养服务网络内转院"})
    problem = _bed_problem(bed, elder, nursing=False, today=on)
    if problem:
        raise ValidationFailed({"bed": problem})
    with transaction.atomic():
        admission_discharge(
            by=by,
            admission=admission,
            discharged_on=on,
            reason=f"网络内转院至{bed.facility.name}",
        )
        return admission_create(by=by, elder=elder, bed=bed, admitted_on=on)
