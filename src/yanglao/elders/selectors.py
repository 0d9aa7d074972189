from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from yanglao.core import permissions, pii
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope
from yanglao.core.idnumber import age_on, mask, normalize
from yanglao.core.phone import mask_phone
from yanglao.core.queries import CompiledQuery, first_unordered
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.core.search import name_prefix_q
from yanglao.elders import naming
from yanglao.elders.models import (
    Category,
    Contact,
    Elder,
    ElderCategory,
    NameKey,
    Status,
)
from yanglao.elders.profile import person_sections
from yanglao.regions.selectors import in_region_code_q, in_scope_q

# Age bands used in filters and on the home page: (key, label, min age, max age or None).
AGE_BANDS = [
    ("60-64", "60–64岁", 60, 64),
    ("65-69", "65–69岁", 65, 69),
    ("70-79", "70–79岁", 70, 79),
    ("80-89", "80–89岁", 80, 89),
    ("90-99", "90–99岁", 90, 99),
    ("100+", "100岁及以上", 100, None),
]


@dataclass
class ElderFilter:
    q: str = ""
    region: str = ""  # region code: that region and everything below it
    category: str = ""
    age_band: str = ""
    living_arrangement: str = ""
    status: str = Status.ACTIVE
    ability_level: str = ""
    order: str = "name"


# List orders a clerk can choose. By name is the default: names are spread evenly over areas, so
# the name index finds a county's first page at once, while ids cluster by import batch and make
# "newest first" walk through other areas' records (bench/RESULTS.md).
ORDERS = {
    "name": ("姓名（拼音）", ("name_order", "id")),
    "newest": ("最近建档", ("-id",)),
    "oldest": ("年龄从大到小", ("birth_date", "id")),
}


# How accounts that are not scoped by region see older people. The app that links such an account
# to people registers the rule (facilities: a facility's residents; assessments: the people an
# assessor's team assesses), so this lower app never names an upper app's tables (ARCHITECTURE
# "Dependencies point down"; issue 20).
ElderScope = tuple[Callable[[object], bool], Callable[[object], QuerySet]]
_ELDER_SCOPES: list[ElderScope] = []


def register_elder_scope(
    applies: Callable[[object], bool], elder_ids: Callable[[object], QuerySet]
) -> None:
    """`applies(user)`: whether the rule is the user's; `elder_ids(user)`: a query of the ids of
    the people they may see."""
    if (applies, elder_ids) not in _ELDER_SCOPES:
        _ELDER_SCOPES.append((applies, elder_ids))


def elder_scope_q(by) -> Q:
    """Older people a user may see: their region subtree, or what the registered rule of their
    kind of account allows; nobody for an account no rule covers."""
    if sees_everything(by):
        return Q()
    if permissions.acts_for_region(by):
        return in_scope_q(by, "residence_region")
    for applies, elder_ids in _ELDER_SCOPES:
        if applies(by):
            return Q(pk__in=elder_ids(by))
    return Q(pk__in=[])


def birth_range_for_ages(lo: int, hi: int | None, today: dt.date) -> Q:
    """People aged lo..hi (inclusive) on `today`, as a birth-date range (index friendly)."""
    latest = _years_before(today, lo)
    q = Q(birth_date__lte=latest)
    if hi is not None:
        earliest = _years_before(today, hi + 1) + dt.timedelta(days=1)
        q &= Q(birth_date__gte=earliest)
    return q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def active_category_q(category: str, on: dt.date) -> Q:
    """People holding `category` on a date. An IN list from the (category, end_date) index: the
    categories are rare, so this beats a per-person EXISTS on large scopes."""
    holders = ElderCategory.objects.filter(
        category=category, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
    return Q(pk__in=holders.values("elder_id"))


def on_register_q(day: dt.date) -> Q:
    """People on the register on a date: in the register now, or died after that date."""
    return Q(status=Status.ACTIVE) | Q(died_on__gt=day)


def people_counted_by_region(q: Q) -> dict[int, int]:
    """How many people match `q`, per residence region (for core.measures)."""
    rows = Elder.objects.filter(q).values("residence_region").annotate(n=Count("pk"))
    return {r["residence_region"]: r["n"] for r in rows.order_by()}


def people_matching(q: Q, region_ids: list[int]):
    """The people matching `q` in some regions, by pinyin order (a measure's drill-down)."""
    return Elder.objects.filter(q, residence_region_id__in=region_ids).order_by(
        "name_order"
    )


def name_match_q(text: str, field: str = "") -> Q:
    """People (or rows whose `field` is a person) whose name contains `text`, or whose name's
    pinyin or initials do (elders.naming); "王秀英 0029" adds the identity number's last four."""
    name, last4 = naming.split_query(text)
    key = naming.normalize_query(name)
    q = Q()
    if key:
        keys = NameKey.objects.filter(name_prefix_q("key", key)).values("elder_id")
        q &= Q(**{f"{field}_id__in" if field else "pk__in": keys})
    if last4:
        q &= Q(**{f"{field}__id_last4" if field else "id_last4": last4})
    return q


def name_rank(text: str):
    """For typed pinyin, 0 for people whose syllables match it as typed (wang → 王, 汪) and 1 for
    the rest of the matches (wang → 万根宝, wan·gen): the list shows the first kind first. None when
    the text is not pinyin."""
    aligned = naming.aligned_query(text)
    if aligned is None:
        return None
    key, complete = aligned
    if complete:  # the last syllable is whole: it ends there or another follows
        match = Q(key=key) | name_prefix_q("key", key + naming.SEPARATOR)
    else:
        match = name_prefix_q("key", key)
    return Case(
        When(pk__in=NameKey.objects.filter(match).values("elder_id"), then=0),
        default=1,
        output_field=IntegerField(),
    )


def search_q(text: str) -> Q:
    """Identity number and phone match exactly through their keyed hash; names as a clerk types
    them (name_match_q)."""
    text = text.strip()
    if not text:
        return Q()
    compact = normalize(text)
    if len(compact) == 18 and ascii_digits(compact[:17]):
        return Q(id_number_hash=pii.lookup_hash(compact))
    if ascii_digits(compact) and len(compact) >= 7:
        # The person's own phone or a family contact's. The contacts' ids are fetched first so that
        # both sides of the OR are index look-ups (an OR with a subquery makes PostgreSQL scan).
        phone_hash = pii.lookup_hash(compact)
        via_contacts = list(
            Contact.objects.filter(phone_hash=phone_hash).values_list(
                "elder_id", flat=True
            )[:1000]
        )
        return Q(phone_hash=phone_hash) | Q(pk__in=via_contacts)
    return name_match_q(text)


def elder_list(*, by, filters: ElderFilter | None = None) -> QuerySet[Elder]:
    f = filters or ElderFilter()
    today = timezone.localdate()
    qs = Elder.objects.filter(elder_scope_q(by))
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.region:
        qs = qs.filter(in_region_code_q(f.region, "residence_region"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.living_arrangement:
        qs = qs.filter(living_arrangement=f.living_arrangement)
    if f.ability_level != "":
        qs = (
            qs.filter(ability_level__isnull=True)
            if f.ability_level == "none"
            else qs.filter(ability_level=f.ability_level)
        )
    if f.category in Category.values:
        qs = qs.filter(active_category_q(f.category, today))
    for key, _label, lo, hi in AGE_BANDS:
        if f.age_band == key:
            qs = qs.filter(birth_range_for_ages(lo, hi, today))
    order = ORDERS.get(f.order, ORDERS["name"])[1]
    rank = name_rank(f.q) if f.q and order[0] == "name_order" else None
    if rank is not None:
        order = (rank, Upper("name_order"), *order[1:])
    elif f.q and order[0] == "name_order":
        # A search's matches are sorted, not found by walking the name index: for a broad match
        # ("wang", 6,000 people) PostgreSQL walked the whole name_order index from the top looking
        # for 20 of them (2 s at full scale); an expression it cannot read from that index makes
        # it sort the matches instead (40 ms). Upper() keeps the order: the keys are lower-case
        # pinyin, digits and the name itself.
        order = (Upper("name_order"), *order[1:])
    return qs.select_related("residence_region").order_by(*order)


_ELDER_BY_PK = CompiledQuery(
    lambda pk: Elder.objects.filter(pk=pk).select_related(
        "residence_region", "hukou_region"
    )
)


def elder_get(*, by, pk: int) -> Elder:
    """One person, or NotInScope. For staff who see by region, the person's region is checked
    against theirs after reading the row by key — the same rule as elder_scope_q without first
    listing the ids of every region of their subtree (orders are placed through this)."""
    if permissions.acts_for_region(by):
        elder = _ELDER_BY_PK.first(pk=pk)
        region = elder.residence_region if elder is not None else None
        if region is None or not region_path_allowed(by, region.path):
            raise NotInScope(pk)
        return elder
    elder = first_unordered(
        Elder.objects.filter(elder_scope_q(by), pk=pk).select_related(
            "residence_region", "hukou_region"
        )
    )
    if elder is None:
        raise NotInScope(pk)
    return elder


@dataclass
class ElderProfile:
    """Everything the detail page shows about one person, read in a fixed number of queries."""

    elder: Elder
    categories: list[ElderCategory]
    active_categories: list[ElderCategory]
    contacts: list[Contact]
    events: list
    sections: list  # elders.profile.Section: the other apps' records (一人一档)


def person_url(*, by, elder_id: int) -> str:
    """The person's page (一人一档) for a record that names them, or "" when the viewer cannot open
    it (a provider, a carer): every record links back to the person where it may."""
    if Elder.objects.filter(elder_scope_q(by), pk=elder_id).exists():
        return reverse("elders:detail", args=[elder_id])
    return ""


def elder_profile(*, by, pk: int) -> ElderProfile:
    elder = elder_get(by=by, pk=pk)
    categories = list(elder.categories.order_by("-start_date"))
    today = timezone.localdate()
    return ElderProfile(
        elder=elder,
        categories=categories,
        active_categories=[c for c in categories if c.is_active(today)],
        contacts=list(elder_contacts(elder)),
        events=list(elder.events.select_related("region", "recorded_by")),
        sections=person_sections(by=by, elder=elder),
    )


def elder_contacts(elder: Elder) -> QuerySet[Contact]:
    return elder.contacts.order_by("-is_emergency", "pk")


def elder_contact_get(*, elder: Elder, pk: int) -> Contact:
    """A contact of a person the caller already reached through elder_get (so: in scope)."""
    contact = elder.contacts.filter(pk=pk).first()
    if contact is None:
        raise NotInScope(pk)
    return contact


def elder_categories_active(
    elder: Elder, on: dt.date | None = None
) -> list[ElderCategory]:
    return [c for c in elder.categories.all() if c.is_active(on)]


def elder_counts(*, by) -> dict:
    """Home-page figures for the user's scope: people by age band, category and ability level."""
    today = timezone.localdate()
    base = Elder.objects.filter(elder_scope_q(by), status=Status.ACTIVE)
    aggregates = {
        key: Count("pk", filter=birth_range_for_ages(lo, hi, today))
        for key, _l, lo, hi in AGE_BANDS
    }
    aggregates["total"] = Count("pk")
    aggregates["alone"] = Count("pk", filter=Q(living_arrangement="alone"))
    for level in range(5):
        aggregates[f"level{level}"] = Count("pk", filter=Q(ability_level=level))
    aggregates["unassessed"] = Count("pk", filter=Q(ability_level__isnull=True))
    by_age = base.aggregate(**aggregates)
    active = ElderCategory.objects.filter(elder__in=base, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today)
    )
    by_cat = dict(
        active.values_list("category")
        .annotate(n=Count("elder", distinct=True))
        .values_list("category", "n")
    )
    return {
        "total": by_age.pop("total"),
        "alone": by_age.pop("alone"),
        # (GB/T 42195-2022 level or None for 未评估, people)
        "ability_levels": [(level, by_age.pop(f"level{level}")) for level in range(5)]
        + [(None, by_age.pop("unassessed"))],
        "age_bands": [(label, by_age[key]) for key, label, _lo, _hi in AGE_BANDS],
        "categories": [
            (label, by_cat.get(value, 0)) for value, label in Category.choices
        ],
    }


def residence_region_id(elder_id: int) -> int | None:
    """The region where the person lives, for records other apps file under it (an alarm goes to
    the operators of that region). Not scoped: the caller already acts for this person."""
    return (
        Elder.objects.filter(pk=elder_id)
        .values_list("residence_region_id", flat=True)
        .first()
    )


def contacts_to_notify(elder_id: int) -> list[Contact]:
    """Whom to tell when something happens to the person: the emergency contacts, or the
    guardians when none is marked for emergencies. Not scoped: the caller already acts for this
    person (an alarm raised by the person's own terminal)."""
    contacts = list(
        Contact.objects.filter(elder_id=elder_id, is_emergency=True).order_by("pk")
    )
    return contacts or list(
        Contact.objects.filter(elder_id=elder_id, is_guardian=True).order_by("pk")
    )


def elder_find_by_id_number(id_number: str) -> Elder | None:
    """Exact look-up by a full identity number, outside region scope: used when a facility admits
    a person who shows their identity card (the caller holds the number already)."""
    return Elder.objects.filter(
        id_number_hash=pii.lookup_hash(normalize(id_number))
    ).first()


# --- export ----------------------------------------------------------------------------------

EXPORT_HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "年龄",
    "联系电话",
    "所属社区/村",
    "区划代码",
    "现居住地址",
    "居住情况",
    "类别",
    "能力等级",
    "状态",
]
EXPORT_CHUNK = 2000


def elder_export_rows(
    *, by, filters: ElderFilter | None = None, full_pii: bool = False
):
    """The filtered list as rows under EXPORT_HEADER (the columns of the import template, so an
    export with full numbers imports back unchanged). Reads in chunks by id: memory stays flat."""
    qs = elder_list(by=by, filters=filters).order_by()
    ids = qs.values_list("pk", flat=True)
    today = timezone.localdate()
    last = 0
    fields = (
        "pk",
        "name",
        "id_number_enc",
        "sex",
        "birth_date",
        "phone_enc",
        "address",
        "living_arrangement",
        "ability_level",
        "status",
        "residence_region__name",
        "residence_region__code",
    )
    living = dict(Elder._meta.get_field("living_arrangement").choices)
    statuses = dict(Status.choices)
    categories = dict(Category.choices)
    while True:
        chunk = list(ids.filter(pk__gt=last).order_by("pk")[:EXPORT_CHUNK])
        if not chunk:
            return
        last = chunk[-1]
        held: dict[int, list[str]] = {}
        active = ElderCategory.objects.filter(
            elder_id__in=chunk, start_date__lte=today
        ).filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        for elder_id, category in active.values_list("elder_id", "category"):
            held.setdefault(elder_id, []).append(categories[category])
        rows = Elder.objects.filter(pk__in=chunk).order_by("pk").values_list(*fields)
        for (
            pk,
            name,
            id_enc,
            sex,
            birth,
            phone_enc,
            address,
            live,
            level,
            status,
            village,
            code,
        ) in rows:
            id_number = pii.decrypt(id_enc)
            phone = pii.decrypt(phone_enc) if phone_enc else ""
            yield [
                name,
                id_number if full_pii else mask(id_number),
                "男" if sex == "M" else "女",
                birth,
                age_on(birth, today),
                phone if full_pii else (mask_phone(phone) if phone else ""),
                village,
                code,
                address,
                living.get(live, ""),
                "、".join(held.get(pk, [])),
                "" if level is None else level,
                statuses.get(status, status),
            ]


# --- duplicates ---------------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    reason: str
    elders: list[Elder]


def _near_miss(a: str, b: str) -> str:
    """How two identity numbers of the same length differ, when it looks like a typing slip:
    one digit wrong, or two neighbouring digits swapped."""
    if len(a) != len(b) or a == b:
        return ""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return f"身份证号仅第{diff[0] + 1}位不同"
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    ):
        return f"身份证号第{diff[0] + 1}、{diff[1] + 1}位颠倒"
    return ""


def _people_by(base, keys: list[dict], field: str, attname: str):
    """The people of each group key (a name and `field`), in the keys' order, read in one query
    per 500 keys — not one per group: the page made 2,000 queries at full scale."""
    wanted = [(k["name"], k[field]) for k in keys]
    found: dict[tuple, list[Elder]] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = base.filter(
            name__in={n for n, _ in chunk}, **{f"{attname}__in": {v for _, v in chunk}}
        ).select_related("residence_region")
        for e in rows.order_by("pk"):
            found.setdefault((e.name, getattr(e, attname)), []).append(e)
    for key in wanted:
        people = found.get(key, [])
        if len(people) > 1:
            yield people


def duplicate_groups(*, by, limit: int = 500) -> list[DuplicateGroup]:
    """Older people who are probably the same person: the same name and birth date (different
    identity numbers), or the same name in the same community with identity numbers one typing
    slip apart. Only records in the user's area; merged ones left out."""
    base = Elder.objects.filter(elder_scope_q(by)).exclude(status=Status.MERGED)
    groups: list[DuplicateGroup] = []
    seen: set[frozenset[int]] = set()
    same_birth = (
        base.values("name", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")[:limit]
    )
    for people in _people_by(base, list(same_birth), "birth_date", "birth_date"):
        ids = frozenset(e.pk for e in people)
        if ids not in seen:
            seen.add(ids)
            groups.append(DuplicateGroup("姓名和出生日期相同，身份证号不同", people))
    same_place = (
        base.values("name", "residence_region")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")[: limit * 4]
    )
    for people in _people_by(
        base, list(same_place), "residence_region", "residence_region_id"
    ):
        numbers = {e.pk: e.id_number for e in people}
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                why = _near_miss(numbers[a.pk], numbers[b.pk])
                pair = frozenset((a.pk, b.pk))
                if why and pair not in seen and not any(pair <= g for g in seen):
                    seen.add(pair)
                    groups.append(DuplicateGroup(f"同一社区同名，{why}", [a, b]))
    return groups[:limit]


def elders_by_ids(ids) -> dict[int, Elder]:
    """People already reached through a scoped selector, by id (for showing a page of them)."""
    return Elder.objects.select_related("residence_region").in_bulk(list(ids))


def find_one_elder(*, by, text: str):
    """The one person a clerk names by identity number or full name, within their scope, or a
    reason why not: (elder, "") or (None, reason)."""
    found = list(elder_list(by=by, filters=ElderFilter(q=text))[:3])
    if not found:
        return None, "在您的管辖范围内找不到此人"
    if len(found) > 1:
        return None, "有多位同名老人，请输入身份证号"
    return found[0], ""
