"""Orders (工单): placing one (by the older person, family or a community worker), and each step
of it — accept, dispatch, take, check-in (签到, within the booked time's window), start, check-out
with the service record and photo, confirmation, rating, cancellation, 异常 and disputes — one
transaction each, version-checked, with an OrderEvent. docs/homecare.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from yanglao.core import complaints, permissions, sanctions
from yanglao.core.audit import audit
from yanglao.core.bulk import insert_row
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.geo import distance_m
from yanglao.core.models import AuditEntry
from yanglao.core.photos import photo_problem, photo_type
from yanglao.core.queries import CompiledQuery, update_where
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.facilities.models import Provider
from yanglao.homecare import rules
from yanglao.homecare.models import (
    Concern,
    Order,
    OrderEvent,
    Rating,
    RecurringPlan,
    ServiceItem,
    Settlement,
    VoucherProgramme,
    VoucherUse,
)
from yanglao.homecare.rules import Actor
from yanglao.homecare.selectors import (
    linked_elder_ids,
    month_of,
    price_of,
    provider_carer,
    provider_serves,
    provider_terms,
    quota_for,
    quota_left,
)
from yanglao.homecare.services.shared import S, _is_staff_for, _refuse, actors_for

# --- orders ---------------------------------------------------------------------------------------------


def _placer_channel(by, elder: Elder) -> str:
    if permissions.acts_for_linked_elders(by):
        if elder.pk not in linked_elder_ids(by):
            raise NotInScope(elder.pk)
        return (
            Order.Channel.ELDER
            if permissions.is_elder_self(by)
            else Order.Channel.FAMILY
        )
    if _is_staff_for(by, elder.residence_region):
        return Order.Channel.COMMUNITY
    raise NotInScope(elder.pk)


def order_place(
    *,
    by,
    elder: Elder,
    provider: Provider,
    item: ServiceItem,
    slot_start: dt.datetime,
    quantity: int = 1,
    note: str = "",
    voucher: VoucherProgramme | None = None,
    rest_paid_by: str = "self",
    plan: RecurringPlan | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """下单. Refused with the reason, writing nothing: a person the orderer may not act for, a
    provider that does not serve the person's community or has no price for the item, a time in
    the past, a quota used up."""
    channel = Order.Channel.PLAN if plan is not None else _placer_channel(by, elder)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if elder.status != "active":
        errors["elder"] = "该老人不在册（已迁出或已故），不能下单"
    terms = provider_terms(provider.pk)
    if terms is not None and not terms.active:
        errors["provider"] = f"{provider.name} 暂停接单"
    elif not provider_serves(provider, elder.residence_region):
        errors["provider"] = (
            f"{provider.name} 的服务区域不包括 {elder.residence_region.name}"
        )
    price = price_of(provider.pk, item.pk)
    if price is None or not item.active:
        errors["item"] = f"{provider.name} 未提供“{item.name}”服务"
    if not 1 <= quantity <= 12:
        errors["quantity"] = "数量应在 1 到 12 之间"
    if plan is None and slot_start < now - dt.timedelta(minutes=5):
        errors["slot_start"] = "预约时间已过，请选择以后的时间"
    elif slot_start > now + dt.timedelta(days=90):
        errors["slot_start"] = "只能预约 90 天以内的服务"
    if voucher is not None:
        barred = sanctions.barred("provider", provider.pk, sanctions.GOVERNMENT_ORDERS)
        if barred:
            errors["provider"] = f"{provider.name} {barred}"
    if rest_paid_by not in ("self", "family"):
        errors["rest_paid_by"] = "自付部分应由本人或家属支付"
    if errors:
        raise ValidationFailed(errors)
    minutes = (60 if item.unit == "hour" else item.typical_minutes) * quantity
    amount = rules.price_of(price.price_fen, quantity)
    left_fen = left_min = 0
    month = month_of(timezone.localtime(slot_start).date())
    with transaction.atomic():
        if voucher is not None:
            # One order at a time draws on a person's quota (the elder row is the lock).
            Elder.objects.select_for_update().filter(pk=elder.pk).first()
            if voucher.items and item.code not in voucher.items:
                _refuse("voucher", f"{voucher.name} 不能用于“{item.name}”")
            left_fen, left_min = quota_left(elder.pk, voucher, month)
            left = left_fen if voucher.kind == "amount" else left_min
            if left <= 0:
                total_fen, total_min = quota_for(elder.pk, voucher, month)
                if total_fen == 0 and total_min == 0:
                    _refuse(
                        "voucher",
                        f"{elder.name} 没有 {month:%Y年%m月} 的{voucher.name}额度",
                    )
                _refuse(
                    "voucher",
                    f"{elder.name} {month:%Y年%m月}的{voucher.name}额度已用完",
                )
        split = rules.split_payment(
            amount,
            minutes,
            quota_kind=voucher.kind if voucher else None,
            left_fen=left_fen,
            left_minutes=left_min,
            rest_paid_by=rest_paid_by,
        )
        order = Order(
            elder=elder,
            region=elder.residence_region,
            provider=provider,
            item=item,
            quantity=quantity,
            slot_start=slot_start,
            minutes=minutes,
            address=elder.address,
            lat=elder.lat,
            lng=elder.lng,
            note=note[:200],
            channel=channel,
            placed_by=by,
            plan=plan,
            amount_fen=split.amount_fen,
            voucher=voucher if split.voucher_fen or split.voucher_minutes else None,
            voucher_fen=split.voucher_fen,
            voucher_minutes=split.voucher_minutes,
            family_fen=split.family_fen,
            self_fen=split.self_fen,
        )
        if plan is None:
            order.save()
        else:  # one order per plan and slot: a second generation of the week makes none
            try:
                with transaction.atomic():
                    order.save()
            except IntegrityError:
                _refuse("slot_start", "该计划在这一时间已有工单")
        if order.voucher_id:
            VoucherUse.objects.create(
                programme=voucher,
                elder=elder,
                order=order,
                month=month,
                amount_fen=split.voucher_fen,
                minutes=split.voucher_minutes,
            )
        OrderEvent.objects.create(
            order=order,
            to_state=S.NEW,
            action="place",
            by=by,
            at=now,
            note=Order.Channel(channel).label,
        )
    return order


def _release_voucher(order: Order) -> None:
    """A cancelled, refused or failed order gives its quota back (a negative ledger row)."""
    drawn = order.voucher_uses.aggregate(f=Sum("amount_fen"), m=Sum("minutes"))
    if (drawn["f"] or 0) or (drawn["m"] or 0):
        VoucherUse.objects.create(
            programme_id=order.voucher_id,
            elder_id=order.elder_id,
            order=order,
            month=month_of(timezone.localtime(order.slot_start).date()),
            amount_fen=-(drawn["f"] or 0),
            minutes=-(drawn["m"] or 0),
        )


def order_step(
    *,
    by,
    order_id: int,
    step: str,
    version: int | None = None,
    now: dt.datetime | None = None,
    **data: Any,
) -> Order:
    """Move an order one step (rules.STEPS). The order row is locked for the step, and the
    update is conditional on the version read, so two people pressing at once give one
    transition and one refusal — never two."""
    now = now or timezone.now()
    with transaction.atomic():
        order, actors = _order_locked(by, order_id)
        if version is not None and version != order.version:
            _refuse("version", "工单已被他人更新，请刷新后再操作")
        refusal = rules.step_refusal(step, order.state, actors)
        if refusal:
            _refuse("__all__", refusal)
        spec = rules.STEPS[step]
        reason = str(data.get("reason") or "").strip()
        if spec.needs_reason and not reason:
            _refuse("reason", f"请填写{spec.name}的原因")
        before = order.state
        changed = _STEP_EFFECTS[step](by, order, now, data, actors)
        if spec.target is not None:
            order.state = spec.target
        if reason:
            order.reason = reason[:200]
            changed = {*changed, "reason"}
        attnames = sorted(Order._meta.get_field(f).attname for f in {*changed, "state"})
        fields = {a: getattr(order, a) for a in attnames}
        fields["updated_at"] = now
        fields["version"] = order.version + 1
        if update_where(Order, {"id": order.pk, "version": order.version}, fields) != 1:
            _refuse("version", "工单已被他人更新，请刷新后再操作")
        order.version += 1
        insert_row(
            OrderEvent,
            {
                "order_id": order.pk,
                "from_state": before,
                "to_state": order.state,
                "action": step,
                "by_id": by.pk,
                "at": now,
                "note": reason[:200],
                "lat": data.get("lat"),
                "lng": data.get("lng"),
            },
        )
    return order


# What a step and its answer read of the order's neighbours (the rest of them is not loaded).
_STEP_READS = (
    *(f.name for f in Order._meta.concrete_fields),
    "region__name",
    "region__path",
    "elder__name",
    "provider__name",
    "carer__staff",
    "carer__staff__name",
    *(f"item__{f.name}" for f in ServiceItem._meta.concrete_fields),
)


# The order step's lock: the order row, locked, with what the step and its answer read of its
# neighbours. Compiled once per process (core.queries.CompiledQuery): this is the hottest query
# of the API (bench/homecare.py) and Django took longer building it than PostgreSQL running it.
_LOCK_FOR_STEP = CompiledQuery(
    lambda pk: (
        Order.objects.select_for_update(of=("self",))
        .select_related("region", "item", "elder", "provider", "carer__staff")
        .only(*_STEP_READS)
        .filter(pk=pk)
    )
)


def _order_locked(by, order_id: int) -> tuple[Order, set[Actor]]:
    """The order row locked for a step, and the parts `by` plays for it (outside them the order
    does not exist for `by`)."""
    order = _LOCK_FOR_STEP.first(pk=order_id)
    actors = actors_for(by, order) if order is not None else set()
    if not actors:
        raise NotInScope(order_id)
    return order, actors


def _no_effect(by, order, now, data, actors) -> set[str]:
    return set()


def _dispatch(by, order: Order, now, data, actors) -> set[str]:
    carer = data.get("carer") or provider_carer(order.provider_id, data.get("carer_id"))
    if carer is None:
        _refuse("carer", "请选择本服务商的服务人员")
    if carer.provider_id != order.provider_id or not carer.active:
        _refuse("carer", f"{carer} 不是 {order.provider} 的在岗服务人员")
    if not rules.qualified(order.item.qualification, set(carer.qualifications)):
        _refuse(
            "carer",
            f"{carer} 没有“{order.item.get_qualification_display()}”资质，不能提供{order.item.name}",
        )
    start = order.slot_start
    end = start + dt.timedelta(minutes=order.minutes)
    clash = (
        Order.objects.filter(
            carer=carer, state__in=rules.OPEN_STATES, slot_start__lt=end
        )
        .exclude(pk=order.pk)
        .only("slot_start", "minutes")
    )
    for other in clash.filter(slot_start__gte=start - dt.timedelta(hours=12)):
        if other.slot_start + dt.timedelta(minutes=other.minutes) > start:
            when = timezone.localtime(other.slot_start)
            _refuse("carer", f"{carer} 在 {when:%m月%d日 %H:%M} 已有工单，时间冲突")
    order.carer = carer
    return {"carer"}


def _arrive(by, order: Order, now, data, actors) -> set[str]:
    """到达签到: with the phone's location, checked against the home within the tolerance. A
    provider may sign in for a carer whose phone has no location; that shows as 签到未定位."""
    _ensure_checkin_window(order, now)
    lat, lng = data.get("lat"), data.get("lng")
    tolerance = settings.HOMECARE_CHECKIN_TOLERANCE_M
    if lat is None or lng is None:
        if Actor.CARER in actors and Actor.PROVIDER not in actors:
            _refuse("lat", "签到需要手机定位，请允许定位后重试")
        order.checkin_distance_m = None
    elif order.lat is not None and order.lng is not None:
        d = round(distance_m((lat, lng), (order.lat, order.lng)))
        if d > tolerance:
            _refuse(
                "lat",
                f"签到位置距老人住址约 {d} 米，超过 {tolerance} 米，请到达后再签到",
            )
        order.checkin_distance_m = d
    else:
        order.checkin_distance_m = 0
    order.checkin_at = now
    return {"checkin_at", "checkin_distance_m"}


def _ensure_checkin_window(order: Order, now: dt.datetime) -> None:
    """签到 only around the booked time: from HOMECARE_CHECKIN_EARLY_MINUTES before it to
    HOMECARE_CHECKIN_LATE_MINUTES after (issue 20, finding 7: an order booked for 00:00 the next
    day was checked in and completed the evening before)."""
    early = dt.timedelta(minutes=settings.HOMECARE_CHECKIN_EARLY_MINUTES)
    late = dt.timedelta(minutes=settings.HOMECARE_CHECKIN_LATE_MINUTES)
    booked = timezone.localtime(order.slot_start)
    if now < order.slot_start - early:
        _refuse(
            "__all__",
            f"预约时间为 {booked:%m月%d日 %H:%M}，最早可提前 {settings.HOMECARE_CHECKIN_EARLY_MINUTES} 分钟签到",
        )
    if now > order.slot_start + late:
        _refuse(
            "__all__",
            f"预约时间为 {booked:%m月%d日 %H:%M}，已超过 {settings.HOMECARE_CHECKIN_LATE_MINUTES} 分钟，不能再签到；请服务商改约或报告异常",
        )


def _complete(by, order: Order, now, data, actors) -> set[str]:
    """完成签退 with the service record (what was done, notes, an optional photo)."""
    lat, lng = data.get("lat"), data.get("lng")
    done = [str(x)[:50] for x in (data.get("done_items") or [])]
    if not done:
        _refuse("done_items", "请填写完成的服务内容")
    distance = None
    if (
        lat is not None
        and lng is not None
        and order.lat is not None
        and order.lng is not None
    ):
        distance = round(distance_m((lat, lng), (order.lat, order.lng)))
    photo = data.get("photo")
    if photo is not None:
        _keep_photo(order, photo, now)
    order.checkout_at, order.checkout_distance_m = now, distance
    order.done_items, order.record_note = done, str(data.get("note") or "")[:500]
    served = (
        round((now - order.checkin_at).total_seconds() / 60)
        if order.checkin_at
        else None
    )
    min_minutes = order.item.min_minutes * (
        order.quantity if order.item.unit == "hour" else 1
    )
    order.problems = rules.service_problems(
        checkin_distance_m=order.checkin_distance_m,
        checkout_distance_m=distance,
        minutes_served=served,
        min_minutes=min_minutes,
        tolerance_m=settings.HOMECARE_CHECKIN_TOLERANCE_M,
    )
    if order.problems:
        # 异常 (too short, too far): held out of settlement until staff have looked at it
        # (争议处理完毕) — issue 20, finding 6: a 0-minute bath was paid in full.
        _concern(by, order, Concern.Kind.ABNORMAL, "；".join(order.problems))
        order.disputed = True
    return {
        "disputed",
        "checkout_at",
        "checkout_distance_m",
        "done_items",
        "record_note",
        "problems",
        *(("photo",) if photo is not None else ()),
    }


def order_photo_add(
    *, by, order_id: int, photo, now: dt.datetime | None = None
) -> Order:
    """现场照片 sent after check-out (the phone had no signal at the door, or the app posts it
    separately): by the order's carer or provider, on a completed order not yet settled. Logged
    as an event; a later photo replaces the earlier one."""
    now = now or timezone.now()
    with transaction.atomic():
        order, actors = _order_locked(by, order_id)
        if not actors & {Actor.CARER, Actor.PROVIDER}:
            _refuse("__all__", "只有服务人员或服务商可以上传现场照片")
        if order.state not in rules.DONE_STATES:
            _refuse("__all__", "完成签退后才能上传现场照片")
        if order.settlement_id is not None:
            _refuse("__all__", "该工单已结算，不能再更改服务记录")
        _keep_photo(order, photo, now)
        Order.objects.filter(pk=order.pk).update(photo=order.photo.name, updated_at=now)
        OrderEvent.objects.create(
            order=order,
            from_state=order.state,
            to_state=order.state,
            action="photo",
            by=by,
            at=now,
        )
    return order


def order_photo_open(*, by, order: Order):
    """The service photo of an order `by` may see, opened for reading; every viewing is audited
    (it shows the inside of a home)."""
    if not order.photo:
        raise NotInScope(order.pk)
    audit(
        by=by, action=AuditEntry.Action.VIEW_PII, obj=order, summary="查看服务现场照片"
    )
    return order.photo.open("rb")


def _keep_photo(order: Order, photo, now: dt.datetime) -> None:
    """现场照片 of the service record (optional), accepted as core.photos says; stored under the
    media folder and shown only to those who may see the order."""
    problem = photo_problem(photo)
    if problem:
        _refuse("photo", problem)
    name = f"{order.pk}-{timezone.localtime(now):%Y%m%d%H%M%S}.{photo_type(photo)}"
    order.photo.save(name, photo, save=False)


def _confirm(by, order: Order, now, data, actors) -> set[str]:
    if order.confirmed_at is not None:
        _refuse("__all__", "该服务已确认")
    order.confirmed_at, order.confirmed_by = now, by
    return {"confirmed_at", "confirmed_by"}


def _rate(by, order: Order, now, data, actors) -> set[str]:
    """评价 (1–5, with text); rating also confirms the service. Two stars or fewer opens a
    follow-up for the community."""
    try:
        score = int(data.get("score"))
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        _refuse("score", "评分应为 1 到 5 星")
    text = str(data.get("text") or "").strip()[:300]
    Rating.objects.create(
        order=order,
        score=score,
        text=text,
        by=by,
        provider_id=order.provider_id,
        carer_id=order.carer_id,
    )
    changed: set[str] = set()
    if order.confirmed_at is None:
        order.confirmed_at, order.confirmed_by = now, by
        changed = {"confirmed_at", "confirmed_by"}
    if score <= settings.HOMECARE_LOW_RATING:
        _concern(
            by, order, Concern.Kind.LOW_RATING, f"{score} 星：{text or '（无文字）'}"
        )
        if (
            text
        ):  # a low rating that says what went wrong is a complaint: held until resolved
            order.disputed = True
            changed.add("disputed")
    return changed


def _cancel(by, order: Order, now, data, actors) -> set[str]:
    _release_voucher(order)
    return set()


def _abnormal(by, order: Order, now, data, actors) -> set[str]:
    _release_voucher(order)
    _concern(by, order, Concern.Kind.ABNORMAL, str(data.get("reason") or "")[:300])
    return set()


def _dispute(by, order: Order, now, data, actors) -> set[str]:
    if order.settlement_id and order.settlement.status == Settlement.Status.APPROVED:
        _refuse("__all__", "该工单所在的结算已审核，请通过投诉渠道处理")
    order.disputed = True
    _concern(by, order, Concern.Kind.DISPUTE, str(data.get("reason") or "")[:300])
    return {"disputed"}


def _settle_dispute(by, order: Order, now, data, actors) -> set[str]:
    if not order.disputed:
        _refuse("__all__", "该工单没有争议")
    order.disputed = False
    return {"disputed"}


_STEP_EFFECTS = {
    "accept": _no_effect,
    "reject": _cancel,
    "dispatch": _dispatch,
    "take": _no_effect,
    "decline": lambda by, o, now, d, a: setattr(o, "carer", None) or {"carer"},
    "arrive": _arrive,
    "start": _no_effect,
    "complete": _complete,
    "confirm": _confirm,
    "rate": _rate,
    "cancel": _cancel,
    "abnormal": _abnormal,
    "dispute": _dispute,
    "settle_dispute": _settle_dispute,
}


def _concern(by, order: Order, kind: str, text: str) -> Concern:
    return Concern.objects.create(
        order=order,
        region_id=order.region_id,
        kind=kind,
        text=text[:300] or "—",
        opened_by=by,
    )


def complaint_file(*, by, order: Order, text: str) -> Concern:
    """投诉 about a service: opens a follow-up for the community."""
    if Actor.PLACER not in actors_for(by, order):
        raise NotInScope(order.pk)
    if not text.strip():
        _refuse("text", "请填写投诉内容")
    with transaction.atomic():
        concern = _concern(by, order, Concern.Kind.COMPLAINT, text.strip())
        audit(by=by, action="create", obj=concern, summary=f"投诉工单 {order.pk}")
        # ... and into the bureau's one complaint list (投诉举报), about the provider
        complaints.forward(
            provider_id=order.provider_id,
            subject_name=order.provider.name,
            region=order.region,
            content=f"工单 {order.pk}（{order.item.name}）：{text.strip()}",
            source=f"order:{order.pk}",
            by=by,
        )
    return concern


def concern_close(*, by, concern: Concern, note: str) -> Concern:
    if not permissions.may_place_orders(by) or not region_path_allowed(
        by, concern.region.path
    ):
        raise NotInScope(concern.pk)
    if concern.status == Concern.Status.CLOSED:
        _refuse("__all__", "该事项已办结")
    if not note.strip():
        _refuse("note", "请填写办理情况")
    concern.status, concern.note = Concern.Status.CLOSED, note.strip()[:300]
    concern.closed_at, concern.closed_by = timezone.now(), by
    concern.save()
    audit(by=by, action="update", obj=concern, summary=f"办结：{concern.note}")
    return concern
