"""The demo city's 医养结合: a city hospital, a people's hospital in every county and a health
centre in every township (卫生院, or 社区卫生服务中心 in a town street); contracts for most
institutions (some never signed, some expired), this year's patrol visits (巡诊) short of what was
promised in places, and in-house units where the register says an institution has one — all
through the services, as a clerk would enter them."""

from __future__ import annotations

import datetime as dt
import random

from yanglao.accounts.models import User
from yanglao.facilities.models import INSTITUTION_TYPES, Facility, Staff
from yanglao.medical import services
from yanglao.medical.models import Service
from yanglao.regions.models import Region

SERVICES = [
    Service.PATROL,
    Service.APPOINTMENT,
    Service.REFERRAL,
    Service.GREEN_CHANNEL,
]
DOCTORS = "王李张刘陈杨黄赵吴周"


def build_medical(*, today: dt.date, seed: int, progress) -> None:
    rng = random.Random(seed + 11)
    clerk = User.objects.get(username="admin")
    health = _institutions(clerk)
    contracts = patrols = units = 0
    own = set(
        Staff.objects.filter(user__username="facility").values_list(
            "facility_id", flat=True
        )
    )
    homes = Facility.objects.filter(
        type__in=INSTITUTION_TYPES, closed_on__isnull=True
    ).select_related("region")
    for n, home in enumerate(homes.order_by("pk")):
        if home.has_medical_unit:
            services.unit_save(
                by=clerk,
                facility=home,
                kind="infirmary" if n % 3 else "clinic",
                filed_on=home.opened_on or today - dt.timedelta(days=400),
                licence_no=f"备{home.pk:05d}",
                insured=n % 2 == 0,
                doctors=1 + n % 3,
                nurses=2 + n % 4,
            )
            units += 1
        roll = rng.random()
        shown = home.pk in own  # the demo facility account's home is always signed
        if roll < 0.1 and not shown:  # never signed
            continue
        partner = _nearest(health, home.region)
        if roll < 0.22 and not shown:  # signed once, lapsed 20 days ago
            ends = today - dt.timedelta(days=20)
            starts = ends - dt.timedelta(days=729)
        else:
            starts = today - dt.timedelta(days=rng.randint(60, 600))
            ends = starts + dt.timedelta(days=729)
        per_month = rng.choice([2, 2, 4])
        contract = services.contract_create(
            by=clerk,
            facility=home,
            institution=partner,
            services=SERVICES + ([Service.HEALTH] if n % 2 else [Service.REHAB]),
            patrols_per_month=per_month,
            starts_on=starts,
            ends_on=ends,
        )
        contracts += 1
        patrols += _patrols(rng, clerk, contract, today)
    progress(
        f"医养结合：医疗机构 {len(health)} 家，签约 {contracts} 份，巡诊 {patrols} 次，"
        f"内设医疗机构 {units} 家"
    )
    asked, willing = _survey(rng, clerk, today)
    progress(f"特困人员集中供养意愿：已询问 {asked} 人，愿意 {willing} 人")


def _institutions(clerk) -> dict[int, object]:
    """{region id: medical institution} for the city, every county and every township."""
    found = {}
    for region in Region.objects.filter(level__in=(2, 3, 4)).order_by("path"):
        if region.level == Region.Level.CITY:
            name, kind, grade = f"{region.name}第一人民医院", "hospital", "3"
        elif region.level == Region.Level.COUNTY:
            name, kind, grade = f"{region.name}人民医院", "hospital", "2"
        elif region.is_urban:
            name, kind, grade = (
                f"{region.name}社区卫生服务中心",
                "community_centre",
                "none",
            )
        else:
            name, kind, grade = f"{region.name}卫生院", "township", "1"
        found[region.pk] = services.institution_save(
            by=clerk,
            region=region,
            name=name,
            kind=kind,
            grade=grade,
            insured=True,
            address=f"{region.name}卫生路 1 号",
        )
    return found


def _nearest(health: dict, region):
    """The health centre of the home's township, else its county's hospital, else the city's."""
    by_code = {i.region.code: i for i in health.values()}
    for code in reversed([c for c in region.path.strip("/").split("/") if c]):
        if code in by_code:
            return by_code[code]
    return next(iter(health.values()))


def _patrols(rng, clerk, contract, today) -> int:
    """This year's visits, 60–100% of those promised, on days within the term."""
    start = max(contract.starts_on, today.replace(month=1, day=1))
    end = min(contract.ends_on, today)
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    n = int(contract.patrols_per_month * months * rng.uniform(0.6, 1.0))
    span = (end - start).days
    for _ in range(n):
        services.patrol_record(
            by=clerk,
            contract=contract,
            visited_on=start + dt.timedelta(days=rng.randint(0, span)),
            doctor=f"{rng.choice(DOCTORS)}医生",
            residents_seen=rng.randint(5, 40),
        )
    return n


def _survey(rng, clerk, today) -> tuple[int, int]:
    """This year's 意愿登记 for about three in four 特困 persons: those in care said yes; of the
    others about a third are willing (the waiting list), a few undecided; one in five confirmed by
    a guardian."""
    from yanglao.elders.models import Category, Elder, ElderCategory, Status
    from yanglao.elders.selectors import active_category_q
    from yanglao.facilities.models import Admission

    in_care = set(
        Admission.objects.filter(discharged_on__isnull=True).values_list(
            "elder_id", flat=True
        )
    )
    since = dict(
        ElderCategory.objects.filter(category=Category.TEKUN)
        .order_by("start_date")
        .values_list("elder_id", "start_date")
    )
    people = Elder.objects.filter(
        active_category_q(Category.TEKUN, today), status=Status.ACTIVE
    ).select_related("residence_region")
    asked = willing = 0
    for person in people.order_by("pk"):
        if rng.random() > 0.75:
            continue
        if person.pk in in_care:
            answer = "willing"
        else:
            answer = rng.choices(
                ["willing", "unwilling", "undecided"], weights=[32, 55, 13]
            )[0]
        guardian = rng.random() < 0.2
        services.willingness_record(
            by=clerk,
            elder=person,
            asked_on=max(
                since[person.pk],
                today
                - dt.timedelta(days=rng.randint(0, today.timetuple().tm_yday - 1)),
            ),
            answer=answer,
            confirmed_by="guardian" if guardian else "self",
            confirmer_name=f"{person.name[0]}某（监护人）" if guardian else "",
        )
        asked += 1
        willing += answer == "willing"
    return asked, willing
