"""The demo city's 医养结合: a city hospital, a people's hospital in every county and a health
centre in every township (卫生院, or 社区卫生服务中心 in a town street); contracts for most
institutions (some never signed, some expired), this year's patrol visits (巡诊) short of what was
promised in places, and in-house units where the register says an institution has one — all
through the services, as a clerk would enter them."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.alarms.models import Alarm
from yanglao.alarms.rules import KINDS, REFERRAL_KINDS
from yanglao.core import pii
from yanglao.elders.models import Elder
from yanglao.facilities.models import INSTITUTION_TYPES, Admission, Facility, Staff
from yanglao.imports import services as imports
from yanglao.medical import selectors, services
from yanglao.medical.models import Contract, Referral, Service
from yanglao.regions.models import Region
from yanglao.visits.services import roster_build

SERVICES = [
    Service.PATROL,
    Service.APPOINTMENT,
    Service.REFERRAL,
    Service.GREEN_CHANNEL,
]
DOCTORS = "王李张刘陈杨黄赵吴周"


def build_medical(*, today: dt.date, seed: int, progress) -> list[dict]:
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
    offered = _offer_beds(clerk, today)
    progress(f"集中供养床位安排：待答复 {offered} 件")
    roster = _health_roster(rng, clerk, today)
    progress(
        f"健康服务名单：导入 {roster['rows']} 行（健康档案 {roster['record']}、"
        f"中医药健康管理 {roster['tcm']}、家庭医生签约 {roster['contracts']}）"
    )
    beds = _home_beds(clerk, today)
    roster_build(month=today.replace(day=1))  # the roster marks them (built before)
    progress(f"家庭病床：在床 {beds} 张")
    logins, states = _referrals(rng, clerk, health)
    progress(
        "双向转诊："
        + "，".join(f"{label} {n} 件" for label, n in states.items() if n)
        + "（联络员账户 liaison）"
    )
    return logins


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


# (state reached, hours ago it was requested, steps the institution took) for the referrals of
# the demo facility's residents and of people at home: every state, some late.
REFERRAL_PLAN = [
    ("returned", 600, "按时"),
    ("returned", 500, "按时"),
    ("returned", 420, "迟"),
    ("returned", 300, "按时"),
    ("closed", 260, "按时"),
    ("declined", 200, "按时"),
    ("attended", 120, "按时"),
    ("scheduled", 40, "按时"),
    ("accepted", 20, "按时"),
    ("requested", 30, "迟"),
    ("requested", 2, "按时"),
]
REASONS = [
    "血压控制不佳，反复头晕",
    "血糖偏高，需调整用药",
    "跌倒后髋部疼痛",
    "慢阻肺咳喘加重",
    "褥疮创面换药评估",
    "术后康复复查",
]


def _referrals(rng, clerk, health) -> tuple[list[dict], dict[str, int]]:
    """A liaison for the demo facility's contracted health centre, and referrals from that home
    and from people at home in every state, entered through the services with their times; the
    fall alarm the operators are handling proposes one that waits for them to confirm."""

    home = Facility.objects.filter(staff__user__username="facility").first()
    contract = Contract.objects.filter(facility=home).order_by("-starts_on").first()
    centre = contract.institution
    password = secrets.token_urlsafe(9)
    link = services.liaison_create(
        by=clerk,
        institution=centre,
        username="liaison",
        password=password,
        full_name=f"{centre.name}转诊联络员",
    )
    logins = [
        {
            "username": "liaison",
            "password": password,
            "role": link.user.role,
            "role_name": link.user.role_name,
            "scope": centre.name,
        }
    ]
    residents = [
        a.elder
        for a in Admission.objects.filter(
            bed__facility=home, discharged_on__isnull=True
        )
        .select_related("elder__residence_region")
        .order_by("pk")[: len(REFERRAL_PLAN) // 2]
    ]
    at_home = Elder.objects.filter(
        status="active",
        residence_region__path__startswith=centre.region.path,
        care_setting="home",
    ).order_by("pk")[: len(REFERRAL_PLAN) - len(residents)]
    people = [(e, Referral.Origin.FACILITY) for e in residents] + [
        (e, Referral.Origin.COMMUNITY) for e in at_home
    ]
    now = timezone.now()
    for n, ((elder, origin), (state, hours, pace)) in enumerate(
        zip(people, REFERRAL_PLAN, strict=False)
    ):
        sent = now - dt.timedelta(hours=hours)
        referral = services.referral_request(
            by=clerk,
            elder=elder,
            institution=centre,
            reason=REASONS[n % len(REASONS)],
            origin=origin,
            urgency="urgent" if n % 4 == 0 else "routine",
            at=sent if hours < 24 * 30 else None,
        )
        _answer(link.user, referral, state, sent, late=pace == "迟", now=now)
    services.referrals_escalate(now=now)
    _propose_from_alarm()
    states = {
        label: Referral.objects.filter(status=value).count()
        for value, label in Referral.Status.choices
    }
    return logins, states


def _answer(liaison, referral, state, sent, *, late: bool, now) -> None:
    """The institution's steps up to `state`, each a few hours after the last (the first one
    past its 24-hour deadline when `late`)."""
    path = {
        "requested": [],
        "accepted": ["accepted"],
        "scheduled": ["accepted", "scheduled"],
        "attended": ["accepted", "scheduled", "attended"],
        "returned": ["accepted", "scheduled", "attended", "returned"],
        "declined": ["declined"],
        "closed": ["accepted", "attended", "closed"],
    }[state]
    at = sent
    for n, step in enumerate(path):
        at = min(at + dt.timedelta(hours=30 if late and n == 0 else 5), now)
        note = {
            "declined": "本院暂无康复科床位，建议转县人民医院",
            "closed": "门诊处理后无需回转，已告知机构",
            "returned": "按时服药，每日测血压两次，两周后门诊复诊",
        }.get(step, "")
        services.referral_move(
            by=liaison,
            referral_id=referral.pk,
            to=step,
            note=note,
            appointment_at=at + dt.timedelta(hours=20) if step == "scheduled" else None,
            department="全科门诊" if step == "scheduled" else "",
            return_to=(
                ("facility" if referral.facility_id else "home")
                if step == "returned"
                else ""
            ),
            at=at,
        )


def _propose_from_alarm() -> None:
    """The proposals operators' acknowledgements would have made had the medical directory
    existed when the demo's alarms were answered (the alarm centre is built first): one for each
    taken fall or abnormal-vital alarm of a person."""
    taken = Alarm.objects.filter(
        kind__in=REFERRAL_KINDS,
        elder__isnull=False,
        acknowledged_at__isnull=False,
        resolved_at__isnull=True,
    ).select_related("elder__residence_region")
    for alarm in taken:
        services.referral_propose_for_alarm(
            alarm_id=alarm.pk,
            elder=alarm.elder,
            text=f"{KINDS[alarm.kind][0]}：{alarm.text}",
        )


def _offer_beds(clerk, today) -> int:
    """The first person of the queue who has a matching free bed in their county's network is
    offered the nearest; the answer waits (a page to try in the demo)."""
    for place in selectors.priority_queue(by=clerk, today=today)[:20]:
        elder = Elder.objects.select_related("residence_region").get(
            pk=place.candidate.elder_id
        )
        choices = selectors.bed_choices(
            by=clerk, elder=elder, nursing=place.nursing_bed, today=today
        )
        if choices:
            services.bed_offer_create(
                by=clerk, elder=elder, bed=choices[0].bed, today=today
            )
            return 1
    return 0


def _health_roster(rng, clerk, today) -> dict[str, int]:
    """This year's roster from the health system, imported as a clerk would (the import kind
    `health_roster`): most 65+ people have a health record, fewer had the check, and
    中医药健康管理 reaches about 70% — below Shaoyang's 74%, lower in one township — with a
    family-doctor contract for a third of them."""
    centres = {
        i.region.path: i.name
        for i in selectors.institution_list(by=clerk).filter(
            kind__in=("township", "community_centre")
        )
    }
    people = (
        Elder.objects.filter(selectors.aged_65_q(today))
        .select_related("residence_region")
        .order_by("pk")
    )
    lagging = None
    lines = [
        "身份证号,年度,健康档案,年度体检,中医药健康管理,服务日期,服务机构,家庭医生签约机构,家庭医生团队,签约起始日期,签约截止日期"
    ]
    counts = {"rows": 0, "record": 0, "tcm": 0, "contracts": 0}
    for e in people.iterator(chunk_size=2000):
        path = e.residence_region.path
        township = "/".join(path.split("/")[:4]) + "/"
        lagging = lagging or township
        centre = centres.get(township, "")
        record = rng.random() < 0.9
        tcm = rng.random() < (0.5 if township == lagging else 0.72)
        checkup = rng.random() < 0.65
        contract = centre and rng.random() < 0.35
        if not (record or tcm or checkup or contract):
            continue
        yes = {True: "是", False: "否"}
        served = today.replace(month=1, day=1) + dt.timedelta(
            days=rng.randint(0, max(0, (today - today.replace(month=1, day=1)).days))
        )
        lines.append(
            ",".join(
                [
                    pii.decrypt(e.id_number_enc),
                    str(today.year),
                    yes[record],
                    yes[checkup],
                    yes[tcm],
                    served.isoformat(),
                    centre,
                    centre if contract else "",
                    "全科团队" if contract else "",
                    f"{today.year}-01-01" if contract else "",
                    f"{today.year}-12-31" if contract else "",
                ]
            )
        )
        counts["rows"] += 1
        counts["record"] += record
        counts["tcm"] += tcm
        counts["contracts"] += bool(contract)
    job = imports.import_check(
        job=imports.import_upload(
            by=clerk,
            kind="health_roster",
            file_name=f"{today.year}年家庭医生签约及健康服务名单.csv",
            data=("\n".join(lines) + "\n").encode("utf-8"),
        )
    )
    if job.errors:
        raise RuntimeError(f"demo health roster refused: {job.errors[:3]}")
    imports.import_run(job=imports.import_confirm(by=clerk, job=job))
    return counts


def _home_beds(clerk, today) -> int:
    """Three disabled people at home with a 家庭病床 from their township's health centre (the
    visit roster marks them)."""
    made = 0
    people = Elder.objects.filter(
        status="active", care_setting="home", ability_level__gte=3
    ).select_related("residence_region")
    for elder in people.order_by("pk")[:10]:
        targets = selectors.referral_targets(elder=elder)
        if not targets:
            continue
        services.home_bed_open(
            by=clerk,
            elder=elder,
            institution=targets[0][0],
            opened_on=today - dt.timedelta(days=20 + made * 9),
            team="家庭病床医护组",
        )
        made += 1
        if made == 3:
            break
    return made
