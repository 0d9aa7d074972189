"""Demo city: 家庭支持 before the subsidy cycles run — this year's 居家适老化改造 projects in every
state (the task scaled with the city, each county close to its share and one behind; the
demo's home-care provider is the contractor), 喘息服务 stays (ended and paid, under way, booked)
and family-carer training with certificates. All through the services, as each user would."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.accounts.models import User
from yanglao.benefits import services as services_benefits
from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import Elder, ElderCategory, Status
from yanglao.facilities.models import Facility, Provider, Staff
from yanglao.facilities.services import bed_accept, bed_create
from yanglao.homesupport import selectors, services
from yanglao.regions.models import Region

PRICES = {
    "F01": 8000,  # 防滑处理 元/平方米 ×100
    "F02": 30000,
    "F04": 12000,
    "D01": 20000,
    "B02": 25000,
    "W01": 15000,
    "W02": 60000,
    "W05": 12000,
    "E01": 6000,
    "A01": 5000,
    "A06": 30000,
    "A07": 25000,
    "A08": 15000,
}
NEEDS = [
    {"F01": "卫生间、厨房地面湿滑", "W01": "坐便器旁无扶手", "W05": "站立洗澡"},
    {"F02": "卧室门口高差 3 厘米", "B02": "夜间起身无抓扶", "E01": "起夜无照明"},
    {"W01": "淋浴区无扶手", "A01": "行走不稳", "A07": "独居，无呼叫设备"},
    {"F01": "地面湿滑", "W02": "蹲便，起身困难", "A06": "有走失经历"},
]


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG standing for a photo taken on a phone."""
    width, height = 64, 48
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


BEFORE, AFTER = _png((170, 120, 90)), _png((90, 160, 120))


def _photo(data: bytes, name: str):
    return SimpleUploadedFile(name, data, "image/png")


def build_family_support(*, today: dt.date, scale: float, progress) -> None:
    admin = User.objects.get(username="admin")
    bureau = User.objects.get(username="city")
    city = Region.objects.get(code="360200")
    services.price_list_adopt(by=bureau, region=city, prices=PRICES)
    provider_admin = User.objects.get(username="provider")
    contractor = Provider.objects.filter(staff__user=provider_admin).first()
    assessor = User.objects.get(username="assessor1")
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    poor = ElderCategory.objects.filter(
        category__in=["tekun", "dibao", "dibao_edge"],
        end_date__isnull=True,
        start_date__lte=dt.date(today.year, 1, 1),
    ).values("elder_id")
    eligible = Elder.objects.filter(
        pk__in=poor,
        status=Status.ACTIVE,
        care_setting="home",
        birth_date__lte=dt.date(today.year - 61, 1, 1),
    )
    total_eligible = eligible.count() or 1
    total_quota = accepted = open_ = 0
    for n, county in enumerate(counties):
        here = eligible.filter(residence_region__path__startswith=county.path)
        # the city's 500 a year, scaled with the demo city and split by eligible households
        quota = max(3, round(500 * scale * here.count() / total_eligible))
        services.quota_set(by=bureau, region=county, year=today.year, households=quota)
        total_quota += quota
        behind = n == len(counties) - 1
        done = quota // 2 if behind else quota - 1
        open_states = ["applied", "assessed", "in_progress", "completed", "withdrawn"]
        states = (
            open_states + ["accepted"] * done
            if n == 0
            else ["in_progress"] + ["accepted"] * done
        )
        people = list(here.order_by("pk")[: len(states)])
        for i, (person, state) in enumerate(zip(people, states, strict=False)):
            month = max(1, min(today.month, 1 + i * today.month // max(len(states), 1)))
            day = (
                dt.date(today.year, month, 10)
                if state == "accepted"
                else today - dt.timedelta(days=3)
            )
            day = min(day, today)
            _project(
                person,
                state,
                day,
                i,
                admin=admin,
                bureau=bureau,
                assessor=assessor,
                contractor=(contractor, provider_admin),
            )
            accepted += state == "accepted"
            open_ += state not in ("accepted", "withdrawn")
    services.quota_set(by=bureau, region=city, year=today.year, households=total_quota)
    stays = _respite(today, admin)
    trained = _training(today, admin)
    beds, trainees, accounts = _workforce(today, admin, bureau)
    progress(
        f"居家适老化改造：{today.year}年任务 {total_quota} 户，已验收 {accepted} 户，办理中 {open_} 件；"
        f"喘息服务 {stays} 次；家庭照护者培训 {trained} 人次；"
        f"新增护理型床位验收 {beds} 张，见习期满 {trainees} 人，从业人员代发账户 {accounts} 个"
    )


def _workforce(today: dt.date, admin, bureau) -> tuple[int, int, int]:
    """What the workforce and construction subsidies pay on: new 护理型 beds of a private home
    built this year and accepted days ago (and one in a membership-fee home, which earns
    nothing), trainees of another private home whose 见习期 ended this month (two kept, one
    gone), and bank accounts for most carers."""
    homes = list(
        Facility.objects.filter(ownership="private", type="private_home").order_by(
            "pk"
        )[:3]
    )
    if len(homes) < 2:
        return 0, 0, 0
    built = today - dt.timedelta(days=90)
    accepted_on = max(today - dt.timedelta(days=2), today.replace(day=1))
    made = 0
    for k in range(4):
        bed = bed_create(
            by=admin,
            facility=homes[0],
            code=f"XZ-{k + 1:02d}",
            kind="nursing",
            created_on=built,
        )
        bed_accept(by=bureau, bed=bed, accepted_on=accepted_on)
        made += 1
    if len(homes) > 2:
        Facility.objects.filter(pk=homes[2].pk).update(membership_fee=True)
        bed = bed_create(
            by=admin, facility=homes[2], code="XZ-01", kind="nursing", created_on=built
        )
        bed_accept(by=bureau, bed=bed, accepted_on=accepted_on)
    trainees = list(
        Staff.objects.filter(
            facility=homes[1], role="carer", left_on__isnull=True
        ).order_by("pk")[:3]
    )
    ended = today.replace(day=1)
    for n, person in enumerate(trainees):
        Staff.objects.filter(pk=person.pk).update(
            internship_until=ended,
            hired_on=ended - dt.timedelta(days=180),
            left_on=ended if n == 2 else None,
        )
    accounts = 0
    for n, person in enumerate(
        Staff.objects.filter(role="carer", left_on__isnull=True).order_by("pk")
    ):
        if n % 10 == 9:  # a few have not given an account yet
            continue
        services_benefits.bank_account_set(
            by=bureau,
            bank="中国农业银行",
            holder=person.name,
            account=f"62284800{person.pk:010d}",
            staff=person,
        )
        accounts += 1
    return made, len(trainees), accounts


def _project(person, state, day, i, *, admin, bureau, assessor, contractor) -> None:
    worker = (
        User.objects.filter(role="community", region=person.residence_region).first()
        or admin
    )
    firm, firm_admin = contractor
    in_zhushan = person.residence_region.code.startswith("360203")
    project = services.project_apply(
        by=worker,
        elder=person,
        source=["community", "family", "self"][i % 3],
        applicant_name=f"{person.name}家属" if i % 3 == 1 else person.name,
        reason="特殊困难老年人家庭，居住环境存在跌倒风险",
        # the demo's assessor is sent to 珠山区's homes and to those still waiting for one
        assessor=assessor if in_zhushan or state == "applied" else None,
        day=day,
    )
    if state == "applied":
        return
    if state == "withdrawn":
        services.project_withdraw(by=worker, project=project, reason="老人已随子女迁居")
        return
    surveyor = assessor if in_zhushan else worker
    services.project_photo_add(
        by=surveyor, project=project, stage="before", photo=_photo(BEFORE, "before.png")
    )
    needs = NEEDS[i % len(NEEDS)]
    services.project_assess(by=surveyor, project=project, needs=needs)
    if state == "assessed":
        return
    lines = {code: (_quantity(code), _basic(code)) for code in needs}
    services.project_plan(
        by=bureau, project=project, lines=lines, contractor=firm, day=day
    )
    if state == "in_progress":
        return
    project.refresh_from_db()
    services.project_photo_add(
        by=firm_admin, project=project, stage="after", photo=_photo(AFTER, "after.png")
    )
    serials = {
        item.code: f"SLH-{project.pk:05d}-{item.code}"
        for item in project.items.filter(quantity__gt=0).exclude(device_type="")
    }
    services.project_complete(by=firm_admin, project=project, serials=serials)
    if state == "completed":
        return
    project.refresh_from_db()
    services.project_accept(
        by=worker,
        project=project,
        confirmed=True,
        confirmed_by=f"{person.name}家属",
        relation="子女",
        day=day,
    )


def _quantity(code: str) -> int:
    return {"F01": 8, "F04": 3, "W01": 2}.get(code, 1)


def _basic(code: str) -> bool:
    from yanglao.homesupport.modification import BY_CODE

    return BY_CODE[code].basic


def _respite(today: dt.date, admin) -> int:
    """Stays for people at home with 中度失能 or worse: two ended (paid), one under way, one booked."""
    people = list(
        Elder.objects.filter(
            status=Status.ACTIVE, care_setting="home", ability_level__gte=2
        ).order_by("pk")[:12]
    )
    plan = [(-70, 5, "ended"), (-40, 3, "ended"), (-1, 4, "staying"), (5, 3, "booked")]
    made = 0
    for person in people:
        if made == len(plan):
            break
        offset, days, state = plan[made]
        start = today + dt.timedelta(days=offset)
        bed = selectors.free_beds(
            person.residence_region, start, start + dt.timedelta(days=days - 1)
        ).first()
        if bed is None:
            continue
        try:
            stay = services.respite_book(
                by=admin,
                elder=person,
                bed=bed,
                start_on=start,
                days=days,
                carer_name=f"{person.name}的家人",
                today=start,
            )
        except ValidationFailed:  # not covered by the rules (no valid assessment): next
            continue
        made += 1
        if state in ("staying", "ended"):
            services.respite_check_in(by=admin, stay=stay)
        if state == "ended":
            services.respite_end(by=admin, stay=stay, ended_on=stay.end_on)
    return made


def _training(today: dt.date, admin) -> int:
    community = User.objects.get(username="community").region
    people = list(
        Elder.objects.filter(
            status=Status.ACTIVE,
            care_setting="home",
            ability_level__gte=2,
            residence_region__path__startswith=community.parent.path,
        ).order_by("pk")[:24]
    )
    courses = [
        ("失能老人居家照护技能", "in_person", 8, "市社会福利中心"),
        ("防跌倒与安全用药（线上）", "online", 4, "市老年大学"),
    ]
    trained = 0
    for c, (title, mode, hours, organiser) in enumerate(courses):
        course = services.course_create(
            by=admin,
            title=title,
            mode=mode,
            hours=hours,
            organiser=organiser,
            region=community.parent.code,
        )
        for s, days_ago in enumerate((60, 20)):
            session = services.session_create(
                by=admin,
                course=course,
                held_on=today - dt.timedelta(days=days_ago + c),
                place="社区活动室" if mode == "in_person" else "线上直播",
                capacity=30,
            )
            for k, person in enumerate(people[s * 6 + c * 12 : s * 6 + c * 12 + 6]):
                seat = services.attendance_add(
                    by=admin,
                    session=session,
                    elder=person,
                    carer_name=f"{person.name}的家人",
                    relation=["女儿", "儿子", "配偶"][k % 3],
                )
                if k < 5:  # one did not come
                    services.attendance_mark(
                        by=admin,
                        attendance=seat,
                        attended=True,
                        certificate_no=f"JZ{today.year}-{session.pk:03d}-{k + 1:02d}",
                    )
                    trained += 1
    return trained
