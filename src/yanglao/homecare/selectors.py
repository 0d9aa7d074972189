"""Every read of home and community services, given the acting user: civil-affairs staff see
their area, a provider its own orders, a carer the orders dispatched to them, a family member the
orders of the people they are linked to. Outside scope is 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.benefits.selectors import decided_amount_fen
from yanglao.core import permissions
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.core.money import fen_to_yuan_text
from yanglao.core.notes import user_note
from yanglao.core.queries import CompiledQuery, first_unordered
from yanglao.core.scope import sees_everything
from yanglao.elders.models import Elder
from yanglao.elders.selectors import elder_get, name_match_q
from yanglao.facilities.models import Facility, FacilityType, Provider, Staff
from yanglao.homecare import rules
from yanglao.homecare.models import (
    CareBed,
    Carer,
    Concern,
    FamilyLink,
    Meal,
    Menu,
    Order,
    Price,
    ProviderArea,
    ProviderTerms,
    Rating,
    ServiceItem,
    Settlement,
    VoucherGrant,
    VoucherProgramme,
    VoucherUse,
)
from yanglao.regions.models import Region
from yanglao.regions.selectors import in_scope_q, region_ancestors

# Asked on every request a provider or a carer makes: compiled once (core.queries.CompiledQuery).
_STAFF_PROVIDER = CompiledQuery(
    lambda user_id: (
        Staff.objects.filter(user_id=user_id, provider__isnull=False)
        .select_related("provider")
        .only("provider")
    )
)
_CARER_OF_USER = CompiledQuery(
    lambda user_id: Carer.objects.filter(staff__user_id=user_id, active=True)
)


def provider_of(user) -> Provider | None:
    """The provider a 服务商管理员 works for (through their staff record). Kept on the user object
    for the request (one page or API call asks several times), and for a bearer token's trust
    window (core.notes)."""
    if not permissions.acts_for_provider(user):
        return None

    def read() -> Provider | None:
        staff = _STAFF_PROVIDER.first(user_id=user.pk)
        return staff.provider if staff else None

    return user_note(user, "_homecare_provider", read)


def carer_of(user) -> Carer | None:
    """The carer record of a 护理员. Like `provider_of`, kept for a bearer token's trust window
    (core.notes): a carer moved to another provider in the admin acts for the old one's
    orders at most that long on a process that had seen their token."""
    if not permissions.is_carer(user):
        return None
    return user_note(
        user, "_homecare_carer", lambda: _CARER_OF_USER.first(user_id=user.pk)
    )


def linked_elder_ids(user) -> set[int]:
    if not permissions.acts_for_linked_elders(user):
        return set()

    def read() -> set[int]:
        links = FamilyLink.objects.filter(user=user, revoked_at__isnull=True)
        return set(links.values_list("elder_id", flat=True))

    return user_note(
        user, "_homecare_linked", read, for_the_window=False
    )  # revoked: at once


def order_scope_q(by) -> Q:
    if sees_everything(by):
        return Q()
    if permissions.acts_for_provider(by):
        p = provider_of(by)
        return Q(provider=p) if p else Q(pk__in=[])
    if permissions.is_carer(by):
        c = carer_of(by)
        return Q(carer=c) if c else Q(pk__in=[])
    if permissions.acts_for_linked_elders(by):
        return Q(elder_id__in=linked_elder_ids(by))
    if by.region_id:
        return in_scope_q(by, "region")
    return Q(pk__in=[])


@dataclass
class OrderFilter:
    q: str = ""
    state: str = ""
    provider: int | None = None
    item: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    problem: bool = False
    elder: int | None = None


def _day_bounds(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), timezone.get_current_timezone())


def orders(*, by, filters: OrderFilter | None = None) -> QuerySet[Order]:
    f = filters or OrderFilter()
    qs = Order.objects.filter(order_scope_q(by)).select_related(
        "elder", "provider", "item", "carer__staff", "region"
    )
    if f.q:
        cond = name_match_q(f.q, "elder")
        if ascii_digits(f.q):
            cond |= Q(pk=int(f.q))
        qs = qs.filter(cond)
    if f.elder:
        qs = qs.filter(elder_id=f.elder)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.provider:
        qs = qs.filter(provider_id=f.provider)
    if f.item:
        qs = qs.filter(item__code=f.item)
    if f.since:
        qs = qs.filter(slot_start__gte=_day_bounds(f.since))
    if f.until:
        qs = qs.filter(slot_start__lt=_day_bounds(f.until + dt.timedelta(days=1)))
    if f.problem:
        qs = qs.exclude(problems=[])
    return qs.order_by("-slot_start", "-id")


def order_get(*, by, pk: int) -> Order:
    order = (
        Order.objects.filter(order_scope_q(by), pk=pk)
        .select_related(
            "elder", "provider", "item", "carer__staff", "region", "voucher"
        )
        .first()
    )
    if order is None:
        raise NotInScope(pk)
    return order


def order_events(order: Order):
    return order.events.select_related("by").order_by("at", "id")


# --- vouchers and purchased services ------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def quota_for(
    elder_id: int, programme: VoucherProgramme, month: dt.date
) -> tuple[int, int]:
    """(amount fen, minutes) a person may use under a programme in `month`: their grants, plus —
    where the programme stands for a subsidy (benefit_code) — that month's decided amount."""
    month = month_of(month)
    fen = minutes = 0
    for g in VoucherGrant.objects.filter(
        programme=programme, elder_id=elder_id, start__lte=month
    ):
        if g.end is None or g.end >= month:
            fen += g.monthly_fen
            minutes += g.monthly_minutes
    if programme.benefit_code:
        fen += decided_amount_fen(programme.benefit_code, elder_id, month)
    return fen, minutes


def quota_left(
    elder_id: int, programme: VoucherProgramme, month: dt.date
) -> tuple[int, int]:
    fen, minutes = quota_for(elder_id, programme, month)
    used = VoucherUse.objects.filter(
        elder_id=elder_id, programme=programme, month=month_of(month)
    ).aggregate(f=Sum("amount_fen"), m=Sum("minutes"))
    return fen - (used["f"] or 0), minutes - (used["m"] or 0)


# --- dispatch ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roster:
    stamp: tuple
    carers: rules.CarerIndex


# A provider's carers' standing facts, per process (a large provider has thousands; reading and
# decoding them on every dispatch was most of a suggestion's time — bench/homecare.py).
_ROSTERS: dict[int, _Roster] = {}


def _roster(provider_id: int) -> rules.CarerIndex:
    """The provider's active carers' standing facts, re-read whenever any of its carers was
    added, changed or removed (their count and newest `updated_at`, from one index)."""
    stamp = tuple(
        Carer.objects.filter(provider_id=provider_id)
        .aggregate(n=Count("id"), at=Max("updated_at"))
        .values()
    )
    cached = _ROSTERS.get(provider_id)
    if cached is not None and cached.stamp == stamp:
        return cached.carers
    carers = rules.CarerIndex(
        rules.CarerStanding(
            pk,
            lat,
            lng,
            frozenset(quals or ()),
            frozenset(skills or ()),
            frozenset(days or ()),
            ws,
            we,
            cap,
        )
        for pk, lat, lng, quals, skills, days, ws, we, cap in Carer.objects.filter(
            provider_id=provider_id, active=True
        ).values_list(
            "pk",
            "base_lat",
            "base_lng",
            "qualifications",
            "skills",
            "workdays",
            "work_start",
            "work_end",
            "daily_capacity",
        )
    )
    _ROSTERS[provider_id] = _Roster(stamp, carers)
    return carers


def suggestions(*, by, order: Order, limit: int = 10) -> list[rules.Suggestion]:
    """Suggested carers for an order (rules.rank_carers) among all of the provider's carers:
    their standing facts from the roster, their day (orders, a clash with the slot) read only
    for those who can still make the list."""
    local = timezone.localtime(order.slot_start)
    home = (
        (order.lat, order.lng)
        if order.lat is not None and order.lng is not None
        else None
    )
    day0 = _day_bounds(local.date())
    day1 = day0 + dt.timedelta(days=1)
    start = order.slot_start
    end = start + dt.timedelta(minutes=order.minutes)
    # An order that starts the evening before may still run into the slot.
    since = min(day0, start - dt.timedelta(hours=12))

    def days_of(ids: list[int]) -> dict[int, rules.CarerDay]:
        orders: dict[int, int] = defaultdict(int)
        busy: set[int] = set()
        for carer_id, s, m in (
            Order.objects.filter(
                carer_id__in=ids,
                slot_start__gte=since,
                slot_start__lt=max(day1, end),
                state__in=(*rules.OPEN_STATES, *rules.DONE_STATES),
            )
            .exclude(pk=order.pk)
            .values_list("carer_id", "slot_start", "minutes")
        ):
            if day0 <= s < day1:
                orders[carer_id] += 1
            if s < end and s + dt.timedelta(minutes=m) > start:
                busy.add(carer_id)
        return {pk: rules.CarerDay(orders[pk], pk in busy) for pk in {*orders, *busy}}

    ranked = rules.rank_carers(
        _roster(order.provider_id),
        slot_start=local,
        minutes=order.minutes,
        home=home,
        needed=order.item.qualification,
        item_code=order.item.code,
        days_of=days_of,
        limit=limit,
    )
    names = dict(
        Carer.objects.filter(pk__in=[s.carer_id for s in ranked]).values_list(
            "pk", "staff__name"
        )
    )
    return [replace(s, name=names.get(s.carer_id, "")) for s in ranked]


def carers(*, by, provider: Provider) -> QuerySet[Carer]:
    return (
        Carer.objects.filter(provider=provider, active=True)
        .select_related("staff")
        .order_by("staff__name")
    )


def carer_day(*, by, day: dt.date) -> list[Order]:
    """A carer's day in visiting order (by appointment time)."""
    c = carer_of(by)
    if c is None:
        return []
    d0 = _day_bounds(day)
    return list(
        Order.objects.filter(
            carer=c, slot_start__gte=d0, slot_start__lt=d0 + dt.timedelta(days=1)
        )
        .exclude(state__in=(rules.S.CANCELLED, rules.S.REJECTED))
        .select_related("elder", "item", "region")
        .order_by("slot_start", "id")
    )


# --- places to order from ---------------------------------------------------------------------------


def order_elder(*, by, pk: int) -> Elder:
    """The person `by` may place an order for: a linked person (family, or the person's own
    account), or one of the staff's area."""
    if pk in linked_elder_ids(by):
        return Elder.objects.select_related("residence_region").get(pk=pk)
    return elder_get(by=by, pk=pk)


def family_elders(*, by) -> list[Elder]:
    ids = linked_elder_ids(by)
    return list(
        Elder.objects.filter(pk__in=ids)
        .select_related("residence_region")
        .order_by("name")
    )


def offers_for(elder: Elder) -> list[tuple[Provider, list[tuple[ServiceItem, int]]]]:
    """Providers serving the person's community, each with its items and prices."""
    path = elder.residence_region.path
    providers = {
        a.provider_id
        for a in ProviderArea.objects.select_related("region")
        if path.startswith(a.region.path)
    }
    out: dict[int, list] = defaultdict(list)
    for price in (
        Price.objects.filter(provider_id__in=providers, active=True, item__active=True)
        .select_related("item")
        .order_by("item__content", "item__code")
    ):
        out[price.provider_id].append((price.item, price.price_fen))
    named = {
        p.pk: p
        for p in Provider.objects.filter(pk__in=providers).exclude(terms__active=False)
    }
    return [(named[pk], items) for pk, items in sorted(out.items()) if pk in named]


def provider_items(provider: Provider) -> list[tuple[ServiceItem, int]]:
    """A provider's active items with their prices (分)."""
    return [
        (p.item, p.price_fen)
        for p in provider.prices.filter(active=True, item__active=True).select_related(
            "item"
        )
    ]


def vouchers_for(elder: Elder) -> list[VoucherProgramme]:
    path = elder.residence_region.path
    return [
        v
        for v in VoucherProgramme.objects.filter(active=True).select_related("region")
        if path.startswith(v.region.path)
    ]


def voucher_quotas(elder) -> list[dict]:
    """This month's voucher quotas the person holds: what is left, and whether it can pay for an
    order now (only those are offered: a programme without a quota was offered, then refused)."""
    quotas = []
    month = timezone.localdate().replace(day=1)
    for v in vouchers_for(elder):
        fen, minutes = quota_left(elder.pk, v, month)
        total_fen, total_min = quota_for(elder.pk, v, month)
        if not (total_fen or total_min):
            continue
        left = fen_to_yuan_text(fen) if v.kind == "amount" else f"{minutes} 分钟"
        quotas.append(
            {
                "programme": v,
                "name": v.name,
                "kind": v.kind,
                "left_fen": fen,
                "left_minutes": minutes,
                "total_fen": total_fen,
                "total_minutes": total_min,
                "usable": (fen if v.kind == "amount" else minutes) > 0,
                "label": f"{v.name}（本月剩余 {left}）",
            }
        )
    return quotas


# --- supervision ----------------------------------------------------------------------------------------


def overdue(*, by, now: dt.datetime | None = None) -> QuerySet[Order]:
    """未按时签到: nobody checked in 30 minutes after the slot (today and the last 7 days)."""
    now = now or timezone.now()
    return (
        Order.objects.filter(
            order_scope_q(by),
            state__in=rules.BEFORE_ARRIVAL,
            slot_start__lt=now - rules.NO_CHECKIN_AFTER,
            slot_start__gte=now - dt.timedelta(days=7),
        )
        .select_related("elder", "provider", "item", "carer__staff", "region")
        .order_by("slot_start")
    )


def unaccepted(
    *, by, older_than: dt.timedelta, now: dt.datetime | None = None
) -> QuerySet[Order]:
    """待受理 longer than `older_than` since it was placed (issue 21 §7)."""
    now = now or timezone.now()
    return Order.objects.filter(
        order_scope_q(by),
        state=rules.OrderState.NEW,
        placed_at__lt=now - older_than,
    ).order_by("placed_at")


def concerns(*, by, status: str = "open", kind: str = "") -> QuerySet[Concern]:
    qs = Concern.objects.filter(
        order__in=Order.objects.filter(order_scope_q(by)).values("pk")
    )
    if permissions.works_on_phone_only(by):
        qs = qs.filter(opened_by=by)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related(
        "order__elder", "order__provider", "order__item", "region"
    ).order_by("-created_at")


def concern_get(*, by, pk: int) -> Concern:
    c = concerns(by=by, status="").filter(pk=pk).first()
    if c is None:
        raise NotInScope(pk)
    return c


# --- settlement ------------------------------------------------------------------------------------------


def settlements(*, by) -> QuerySet[Settlement]:
    qs = Settlement.objects.select_related("provider", "approved_by").order_by(
        "-month", "provider__name"
    )
    if sees_everything(by):
        return qs
    if permissions.acts_for_provider(by):
        p = provider_of(by)
        return qs.filter(provider=p) if p else qs.none()
    if permissions.may_manage_services(by) and by.region_id:
        return qs.filter(in_scope_q(by, "provider__region"))
    return qs.none()


def settlement_get(*, by, pk: int) -> Settlement:
    s = settlements(by=by).filter(pk=pk).first()
    if s is None:
        raise NotInScope(pk)
    return s


SETTLEMENT_HEADER = [
    "工单号",
    "服务日期",
    "老年人",
    "社区/村",
    "服务项目",
    "数量",
    "服务人员",
    "签到",
    "签退",
    "服务时长（分钟）",
    "金额（元）",
    "政府购买/服务券（元）",
    "家属支付（元）",
    "本人支付（元）",
    "评分",
]


def settlement_download(settlement: Settlement) -> dict:
    """What core.export.export_response needs for a settlement's detail (the page's and the
    API's .xlsx download)."""
    return {
        "name": f"{settlement.provider.name}{settlement.month:%Y年%m月}服务结算",
        "header": SETTLEMENT_HEADER,
        "rows": settlement_rows(settlement),
        "what": "服务结算",
        "filters": {"settlement": settlement.pk},
    }


def settlement_rows(settlement: Settlement):
    """One row per order of the settlement, for the page and the .xlsx file (streamed)."""
    ratings = dict(
        Rating.objects.filter(order__settlement=settlement).values_list(
            "order_id", "score"
        )
    )
    rows = (
        Order.objects.filter(settlement=settlement)
        .order_by("slot_start", "id")
        .values_list(
            "pk",
            "slot_start",
            "elder__name",
            "region__name",
            "item__name",
            "quantity",
            "carer__staff__name",
            "checkin_at",
            "checkout_at",
            "amount_fen",
            "voucher_fen",
            "family_fen",
            "self_fen",
        )
    )
    for (
        pk,
        slot,
        elder,
        region,
        item,
        qty,
        carer,
        cin,
        cout,
        amount,
        voucher,
        family,
        own,
    ) in rows.iterator(chunk_size=5000):
        minutes = round((cout - cin).total_seconds() / 60) if cin and cout else ""
        yield [
            pk,
            timezone.localtime(slot).date(),
            elder,
            region,
            item,
            qty,
            carer or "",
            timezone.localtime(cin).strftime("%H:%M") if cin else "",
            timezone.localtime(cout).strftime("%H:%M") if cout else "",
            minutes,
            amount / 100,
            voucher / 100,
            family / 100,
            own / 100,
            ratings.get(pk, ""),
        ]


# --- figures -----------------------------------------------------------------------------------------------


def figures(*, by, since: dt.date, until: dt.date) -> dict:
    """Orders, service hours and ratings per region (the level below the user's) and per
    provider, for the charts."""
    base = Order.objects.filter(
        order_scope_q(by),
        slot_start__gte=_day_bounds(since),
        slot_start__lt=_day_bounds(until + dt.timedelta(days=1)),
    )
    done = base.filter(state__in=rules.DONE_STATES)
    by_provider = list(
        done.values("provider__name")
        .annotate(n=Count("id"), minutes=Sum("minutes"), amount=Sum("amount_fen"))
        .order_by("-n")[:20]
    )
    rating_by_provider = dict(
        Rating.objects.filter(order__in=done.values("pk"))
        .values_list("provider__name")
        .annotate(a=Avg("score"))
    )
    for row in by_provider:
        row["rating"] = rating_by_provider.get(row["provider__name"])
    level = _child_level(by)
    by_region: dict[str, dict] = {}
    paths = dict(Region.objects.filter(level=level).values_list("path", "name"))
    for path, n, minutes in done.values_list("region__path").annotate(
        n=Count("id"), m=Sum("minutes")
    ):
        name = next((nm for p, nm in paths.items() if path.startswith(p)), "其他")
        row = by_region.setdefault(name, {"n": 0, "minutes": 0})
        row["n"] += n
        row["minutes"] += minutes or 0
    states = dict(base.values_list("state").annotate(n=Count("id")))
    rated = Rating.objects.filter(order__in=base.values("pk")).aggregate(
        a=Avg("score"), n=Count("id")
    )
    return {
        "by_provider": by_provider,
        "by_region": sorted(by_region.items(), key=lambda kv: -kv[1]["n"]),
        "states": states,
        "total": sum(states.values()),
        "rating": rated["a"],
        "rated": rated["n"],
    }


def _child_level(by) -> int:
    region = by.region if by.region_id else None
    return (
        min(region.level + 1, Region.Level.VILLAGE) if region else Region.Level.COUNTY
    )


def provider_ratings(provider: Provider) -> dict:
    r = Rating.objects.filter(provider=provider).aggregate(
        a=Avg("score"), n=Count("id")
    )
    return {"avg": r["a"], "n": r["n"]}


def provider_ratings_in(
    provider: Provider, start: dt.date, end: dt.date
) -> tuple[int, int]:
    """(ratings given in [start, end], their sum of stars): the yearly evaluation's 服务满意度."""
    r = Rating.objects.filter(
        provider=provider, at__date__range=(start, end)
    ).aggregate(n=Count("id"), s=Sum("score"))
    return r["n"] or 0, r["s"] or 0


def carer_ratings(provider: Provider) -> dict[int, tuple[float, int]]:
    rows = (
        Rating.objects.filter(provider=provider, carer__isnull=False)
        .values_list("carer_id")
        .annotate(a=Avg("score"), n=Count("id"))
    )
    return {c: (a, n) for c, a, n in rows}


# --- family care beds and meals ------------------------------------------------------------------------


def care_beds(*, by) -> QuerySet[CareBed]:
    qs = CareBed.objects.select_related("elder", "facility", "provider").order_by(
        "-signed_on"
    )
    if sees_everything(by):
        return qs
    if permissions.acts_for_provider(by):
        p = provider_of(by)
        return qs.filter(provider=p) if p else qs.none()
    if permissions.acts_for_facility(by):
        return qs.filter(facility__staff__user=by)
    if by.region_id:
        return qs.filter(in_scope_q(by, "elder__residence_region"))
    return qs.none()


def care_bed_get(*, by, pk: int) -> CareBed:
    bed = care_beds(by=by).filter(pk=pk).first()
    if bed is None:
        raise NotInScope(pk)
    return bed


def bed_report(bed: CareBed, since: dt.date, until: dt.date) -> list[dict]:
    """Plan vs delivered per care-plan line over [since, until]: visits planned by the weekly plan,
    orders made, and those delivered (completed or rated)."""
    out = []
    for plan in bed.plans.select_related("item").order_by("pk"):
        planned = 0
        week = rules.week_start(since)
        while week <= until:
            planned += sum(
                1
                for o in rules.occurrences(
                    plan.weekdays, plan.at, plan.start, plan.end, week
                )
                if since <= o.date() <= until
            )
            week += dt.timedelta(days=7)
        made = plan.orders.filter(
            slot_start__gte=_day_bounds(since),
            slot_start__lt=_day_bounds(until + dt.timedelta(days=1)),
        )
        delivered = made.filter(state__in=rules.DONE_STATES).count()
        out.append(
            {
                "plan": plan,
                "planned": planned,
                "made": made.count(),
                "delivered": delivered,
                "rate": delivered / planned if planned else None,
            }
        )
    return out


def canteens(*, by) -> QuerySet[Facility]:
    qs = Facility.objects.filter(
        type=FacilityType.CANTEEN, closed_on__isnull=True
    ).select_related("region")
    if sees_everything(by):
        return qs.order_by("name")
    if permissions.acts_for_facility(by):
        return qs.filter(staff__user=by)
    if by.region_id:
        return qs.filter(in_scope_q(by, "region")).order_by("name")
    return qs.none()


def canteen_get(*, by, pk: int) -> Facility:
    c = canteens(by=by).filter(pk=pk).first()
    if c is None:
        raise NotInScope(pk)
    return c


def canteen_diner(*, by, canteen: Facility, pk: int) -> Elder:
    """The older person a meal is registered for. A 幸福食堂's own staff (机构管理员) serve anyone
    registered in the canteen's county — people eat at the canteen near them, and are nobody's
    residents there; community and bureau staff serve the people of their area."""
    if permissions.acts_for_facility(by):
        county = canteen.region.path_at(Region.Level.COUNTY)
        elder = first_unordered(
            Elder.objects.filter(
                pk=pk, status="active", residence_region__path__startswith=county
            ).select_related("residence_region")
        )
        if elder is None:
            raise NotInScope(pk)
        return elder
    return elder_get(by=by, pk=pk)


def menu_of(canteen: Facility, day: dt.date) -> Menu | None:
    return Menu.objects.filter(canteen=canteen, day=day).first()


def meals(
    *, by, canteen: Facility | None = None, day: dt.date | None = None
) -> QuerySet[Meal]:
    qs = Meal.objects.filter(canteen__in=canteens(by=by).values("pk")).select_related(
        "elder", "canteen"
    )
    if canteen is not None:
        qs = qs.filter(canteen=canteen)
    if day is not None:
        qs = qs.filter(day=day)
    return qs.order_by("-day", "-at")


def meal_counts(*, by, since: dt.date, until: dt.date) -> dict:
    """Meals per canteen and per region (the level below the user's) with subsidies, over a period."""
    qs = meals(by=by).filter(day__gte=since, day__lte=until)
    per_canteen = list(
        qs.values("canteen__name")
        .annotate(
            n=Count("id"),
            delivered=Count("id", filter=Q(mode="delivered")),
            subsidy=Sum("subsidy_fen"),
        )
        .order_by("-n")
    )
    paths = dict(
        Region.objects.filter(level=_child_level(by)).values_list("path", "name")
    )
    per_region: dict[str, int] = defaultdict(int)
    for path, n in qs.values_list("region__path").annotate(n=Count("id")):
        per_region[
            next((nm for p, nm in paths.items() if path.startswith(p)), "其他")
        ] += n
    per_day = list(qs.values_list("day").annotate(n=Count("id")).order_by("day"))
    return {
        "per_canteen": per_canteen,
        "per_region": sorted(per_region.items(), key=lambda kv: -kv[1]),
        "per_day": per_day,
        "total": sum(r["n"] for r in per_canteen),
    }


def family_links(*, by, q: str = "") -> QuerySet:
    """Live family links of the people in the user's area."""
    qs = FamilyLink.objects.filter(revoked_at__isnull=True).select_related(
        "user", "elder", "consent_by"
    )
    if not sees_everything(by):
        if not permissions.may_place_orders(by):
            return qs.none()
        qs = qs.filter(in_scope_q(by, "elder__residence_region"))
    if q:
        qs = qs.filter(name_match_q(q, "elder"))
    return qs.order_by("-created_at")


# --- choices for the pages' forms ---------------------------------------------------------------------


def providers_to_settle(*, by) -> list[Provider]:
    """Providers whose settlements the user may build: their own, or those of the bureau's area."""
    if sees_everything(by):
        return list(Provider.objects.order_by("name"))
    mine = provider_of(by)
    if mine is not None:
        return [mine]
    if permissions.may_manage_services(by) and by.region_id:
        return list(Provider.objects.filter(in_scope_q(by, "region")).order_by("name"))
    return []


def providers_serving_area(*, by) -> QuerySet[Provider]:
    """Providers whose service area holds the user's region (or lies above it)."""
    if sees_everything(by) or not by.region_id:
        return Provider.objects.order_by("name")
    regions = [r.pk for r in region_ancestors(by.region)]  # it and those above it
    return (
        Provider.objects.filter(areas__region_id__in=regions)
        .distinct()
        .order_by("name")
    )


def bed_facilities(*, by) -> QuerySet[Facility]:
    """Institutions of the user's area that may sign family care beds."""
    return (
        Facility.objects.filter(in_scope_q(by, "region"), closed_on__isnull=True)
        .exclude(type__in=(FacilityType.CANTEEN, FacilityType.CHILDCARE))
        .order_by("name")
    )


def offer_get(provider_id: int, item_id: int) -> tuple[Provider, ServiceItem]:
    """The provider and item of an offer picked on the order form (the service checks the price
    and the area)."""
    return Provider.objects.get(pk=provider_id), ServiceItem.objects.get(pk=item_id)


def voucher_get(pk: int | None) -> VoucherProgramme | None:
    return first_unordered(VoucherProgramme.objects.filter(pk=pk)) if pk else None


# Look-ups by key that placing an order or dispatching makes (the API's hot path): compiled once.
_PROVIDER_BY_ID = CompiledQuery(lambda pk: Provider.objects.filter(pk=pk))
_ITEM_BY_CODE = CompiledQuery(lambda code: ServiceItem.objects.filter(code=code))
_VOUCHER_BY_CODE = CompiledQuery(
    lambda code: VoucherProgramme.objects.filter(code=code)
)
_PROVIDER_CARER = CompiledQuery(
    lambda pk, provider_id: Carer.objects.filter(
        pk=pk, provider_id=provider_id
    ).select_related("staff")
)


_TERMS_OF = CompiledQuery(
    lambda provider_id: ProviderTerms.objects.filter(provider_id=provider_id)
)
_PRICE_OF = CompiledQuery(
    lambda provider_id, item_id: Price.objects.filter(
        provider_id=provider_id, item_id=item_id, active=True
    )
)
_AREA_PATHS = CompiledQuery(
    lambda provider_id: (
        ProviderArea.objects.filter(provider_id=provider_id)
        .select_related("region")
        .only("region__path")
    )
)


def provider_terms(provider_id: int) -> ProviderTerms | None:
    return _TERMS_OF.first(provider_id=provider_id)


def price_of(provider_id: int, item_id: int) -> Price | None:
    """The provider's active price for the item, or None (it does not offer it)."""
    return _PRICE_OF.first(provider_id=provider_id, item_id=item_id)


def provider_serves(provider: Provider, region: Region) -> bool:
    """Whether the region lies in the provider's service area."""
    paths = [a.region.path for a in _AREA_PATHS.all(provider_id=provider.pk)]
    return any(region.path.startswith(p) for p in paths)


def provider_by_id(pk: int) -> Provider | None:
    return _PROVIDER_BY_ID.first(pk=pk)


def item_by_code(code: str) -> ServiceItem | None:
    return _ITEM_BY_CODE.first(code=code)


def voucher_by_code(code: str) -> VoucherProgramme | None:
    return _VOUCHER_BY_CODE.first(code=code)


def provider_carer(provider_id: int, pk: int | None) -> Carer | None:
    """A carer of this provider (None for anyone else's: the service then says why)."""
    if pk is None:
        return None
    return _PROVIDER_CARER.first(pk=pk, provider_id=provider_id)


def account_by_username(username: str) -> User | None:
    return first_unordered(User.objects.filter(username=username))
