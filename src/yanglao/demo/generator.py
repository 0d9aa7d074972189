"""The demo city: a deterministic (fixed-seed) registry modelled on Jingdezhen.

`build_demo_city(scale=1)` is the full city (269,220 people aged 60+ plus ~11% historic records of
people who have since died or moved away); the default scale of the `yanglao demo` command is small
enough to start in well under a minute. Same seed and scale → the same city, row for row.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from yanglao.accounts.models import User
from yanglao.accounts.services import user_create
from yanglao.core import idnumber, pii
from yanglao.core.audit import audit
from yanglao.demo import data
from yanglao.elders.models import Contact, Elder, ElderCategory, LifeEvent
from yanglao.facilities.models import (
    Admission,
    Ban,
    Bed,
    Facility,
    Provider,
    Staff,
    Training,
)
from yanglao.regions.models import Region

SEED = 20210301
AGE_BANDS = [
    (60, 64, 32),
    (65, 69, 27),
    (70, 74, 17),
    (75, 79, 12),
    (80, 84, 7),
    (85, 89, 3.5),
    (90, 94, 1.2),
    (95, 99, 0.25),
    (100, 104, 0.05),
]
BATCH = 2000


@dataclass
class Place:
    region: Region
    county: str
    urban: bool
    lat: float
    lng: float
    radius: float
    elders: list[int] = field(default_factory=list)


class DemoCity:
    def __init__(
        self, scale: float, seed: int, today: dt.date, progress: Callable[[str], None]
    ):
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress
        self.villages: list[Place] = []
        self.townships: dict[str, Place] = {}
        self.id_seq: dict[tuple[str, dt.date], int] = {}
        self.elder_ids_by_county: dict[str, list[int]] = {}

    # --- regions -------------------------------------------------------------------------------

    def build_regions(self) -> None:
        rng = self.rng
        province = self._region(
            data.PROVINCE[0], data.PROVINCE[1], 1, None, None, (28.68, 115.86)
        )
        city = self._region(
            data.CITY[0], data.CITY[1], 2, province, True, (29.27, 117.18)
        )
        rural_townships = sum(
            1 for c in data.COUNTIES for _n, street in c[5] if not street
        )
        villages_left, rural_left = data.VILLAGES, rural_townships
        remaining_people = data.RESIDENTS
        for i, (code, name, share, centre, radius, townships) in enumerate(
            data.COUNTIES
        ):
            people = (
                remaining_people
                if i == len(data.COUNTIES) - 1
                else round(data.RESIDENTS * share)
            )
            remaining_people -= people
            county = self._region(code, name, 3, city, None, centre)
            weights = [3.0 if street else 1.4 for _n, street in townships]
            street_no, town_no = 1, 101
            for (t_name, street), weight in zip(townships, weights, strict=True):
                t_code = f"{code}{street_no if street else town_no:03d}"
                street_no, town_no = (
                    (street_no + 1, town_no) if street else (street_no, town_no + 1)
                )
                t_centre = self._jitter(centre, radius * (0.35 if street else 0.85))
                township = self._region(t_code, t_name, 4, county, street, t_centre)
                t_people = round(people * weight / sum(weights))
                if street:
                    units = [
                        (f"{t_code}{k:03d}", self._place_name("社区"), True)
                        for k in range(1, rng.randint(7, 11))
                    ]
                else:
                    n_villages = round(villages_left / rural_left)
                    villages_left, rural_left = (
                        villages_left - n_villages,
                        rural_left - 1,
                    )
                    units = [(f"{t_code}001", t_name.rstrip("镇乡") + "社区", True)]
                    units += [
                        (f"{t_code}{200 + k:03d}", self._place_name("村"), False)
                        for k in range(1, n_villages + 1)
                    ]
                self.townships[t_code] = Place(
                    township, code, street, *t_centre, radius * 0.15
                )
                for u_code, u_name, urban in units:
                    u_centre = self._jitter(
                        t_centre, radius * (0.06 if street else 0.14)
                    )
                    pop = max(300, round(t_people / len(units) * rng.uniform(0.7, 1.3)))
                    unit = self._region(
                        u_code, u_name, 5, township, urban, u_centre, pop
                    )
                    self.villages.append(
                        Place(unit, code, urban, *u_centre, 0.004 if urban else 0.01)
                    )
        self._balance_aged()
        self.progress(f"行政区划：{Region.objects.count()} 个")

    def _region(self, code, name, level, parent, urban, centre, population=0) -> Region:
        region = Region(
            code=code,
            name=name,
            level=level,
            parent=parent,
            is_urban=urban,
            lat=centre[0],
            lng=centre[1],
        )
        region.path = (parent.path if parent else "") + code + "/"
        if population:
            region.population = population
            region.households = round(population / 2.62)
            region.population_60 = round(population * (0.158 if urban else 0.178))
        region.save()
        return region

    def _balance_aged(self) -> None:
        """Scale village figures so the city totals are the census figures, then sum upwards."""
        units = [p.region for p in self.villages]
        for attr, total in (
            ("population", data.RESIDENTS),
            ("population_60", data.AGED_60),
        ):
            current = sum(getattr(u, attr) for u in units)
            for u in units:
                setattr(u, attr, round(getattr(u, attr) * total / current))
            biggest = max(units, key=lambda u: getattr(u, attr))
            setattr(
                biggest,
                attr,
                getattr(biggest, attr) + total - sum(getattr(u, attr) for u in units),
            )
        for u in units:
            u.households = round(u.population / 2.62)
            u.population_65 = round(u.population_60 * data.AGED_65 / data.AGED_60)
            u.population_80 = round(u.population_60 * 0.125)
        fields = [
            "population",
            "households",
            "population_60",
            "population_65",
            "population_80",
        ]
        Region.objects.bulk_update(units, fields)
        for level in (4, 3, 2, 1):
            for region in Region.objects.filter(level=level):
                children = Region.objects.filter(path__startswith=region.path, level=5)
                for f in fields:
                    setattr(region, f, sum(getattr(c, f) for c in children))
                region.save(update_fields=fields)

    def _jitter(self, centre, radius) -> tuple[float, float]:
        angle, dist = (
            self.rng.uniform(0, 2 * math.pi),
            radius * math.sqrt(self.rng.random()),
        )
        return round(centre[0] + dist * math.sin(angle), 6), round(
            centre[1] + dist * math.cos(angle) / 0.87, 6
        )

    def _place_name(self, suffix: str) -> str:
        return "".join(self.rng.sample(data.PLACE_CHARS, 2)) + suffix

    # --- people --------------------------------------------------------------------------------

    def _person_name(self, sex: str) -> str:
        given = data.MALE_GIVEN if sex == "M" else data.FEMALE_GIVEN
        return self.rng.choice(data.SURNAMES) + "".join(
            self.rng.choice(given) for _ in range(self.rng.choice((1, 2, 2)))
        )

    def _id_number(self, county: str, birth: dt.date, sex: str) -> str:
        key = (county, birth)
        n = self.id_seq.get(key, 0)
        self.id_seq[key] = n + 1
        sequence = n * 2 + (1 if sex == "M" else 0)  # odd for men, even for women
        return idnumber.make(county, birth, sequence + 2)

    def _birth(self, age_lo: int = 60) -> dt.date:
        lo, hi, _w = self.rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
        age = max(age_lo, self.rng.randint(lo, hi))
        return self.today - dt.timedelta(days=age * 365 + self.rng.randint(30, 330))

    def _phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def build_elders(self) -> int:
        rng = self.rng
        made = 0
        elders, plans = [], []
        for place in self.villages:
            count = round(place.region.population_60 * self.scale)
            historic = round(count * 0.11)
            for k in range(count + historic):
                sex = "F" if rng.random() < 0.53 else "M"
                birth = self._birth()
                status = (
                    "active"
                    if k < count
                    else ("deceased" if rng.random() < 0.73 else "moved_out")
                )
                elder = Elder(
                    name=self._person_name(sex), birth_date=birth, sex=sex, residence_region=place.region,
                    hukou_region=place.region, address=f"{place.region.name}{rng.randint(1, 120)}号",
                    lat=round(place.lat + rng.uniform(-place.radius, place.radius), 6),
                    lng=round(place.lng + rng.uniform(-place.radius, place.radius), 6),
                    living_arrangement=self._living(place.urban, birth), status=status,
                )  # fmt: skip
                elder.id_number_enc, elder.id_number_hash = pii.protect(
                    self._id_number(place.county, birth, sex)
                )
                if rng.random() < 0.85:
                    elder.phone_enc, elder.phone_hash = pii.protect(self._phone())
                if status == "deceased":
                    elder.died_on = self.today - dt.timedelta(
                        days=rng.randint(20, 1500)
                    )
                elders.append(elder)
                plans.append(place)
                if len(elders) >= BATCH:
                    made += self._save_elders(elders, plans)
                    elders, plans = [], []
        made += self._save_elders(elders, plans)
        self.progress(f"老年人档案：{made:,} 份")
        return made

    def _living(self, urban: bool, birth: dt.date) -> str:
        roll = self.rng.random()
        alone = 0.10 + (0.06 if idnumber.age_on(birth, self.today) >= 80 else 0)
        if roll < alone:
            return "alone"
        if roll < alone + (0.36 if urban else 0.27):
            return "empty_nest"
        if not urban and roll < alone + 0.39:
            return "left_behind"
        return "with_children" if roll < 0.92 else "other"

    def _save_elders(self, elders: list[Elder], places: list[Place]) -> int:
        if not elders:
            return 0
        Elder.objects.bulk_create(elders, batch_size=BATCH)
        if (
            elders[0].pk is None
        ):  # backends without RETURNING: read the ids back by hash
            by_hash = dict(
                Elder.objects.filter(
                    id_number_hash__in=[e.id_number_hash for e in elders]
                ).values_list("id_number_hash", "pk")
            )
            for e in elders:
                e.pk = by_hash[e.id_number_hash]
        contacts, categories, events = [], [], []
        rng = self.rng
        for elder, place in zip(elders, places, strict=True):
            if elder.status == "active":
                self.elder_ids_by_county.setdefault(place.county, []).append(elder.pk)
            if rng.random() < 0.7:
                relation = rng.choice(["儿子", "女儿", "儿媳", "女婿", "配偶", "侄子"])
                c = Contact(
                    elder_id=elder.pk,
                    name=self._person_name(rng.choice("MF")),
                    relation=relation,
                    is_emergency=True,
                    is_guardian=rng.random() < 0.15,
                )
                c.phone_enc, c.phone_hash = pii.protect(self._phone())
                contacts.append(c)
            categories.extend(self._categories(elder, place.urban))
            if elder.status == "deceased":
                events.append(
                    LifeEvent(
                        elder_id=elder.pk,
                        kind="death",
                        date=elder.died_on,
                        source="公安户籍/医院死亡证明",
                    )
                )
            elif elder.status == "moved_out":
                events.append(
                    LifeEvent(
                        elder_id=elder.pk,
                        kind="move_out",
                        date=self.today - dt.timedelta(days=rng.randint(20, 1500)),
                        source="公安户籍",
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        ElderCategory.objects.bulk_create(categories, batch_size=BATCH)
        LifeEvent.objects.bulk_create(events, batch_size=BATCH)
        return len(elders)

    def _categories(self, elder: Elder, urban: bool) -> list[ElderCategory]:
        out, rng = [], self.rng
        for category, (u_rate, r_rate) in data.CATEGORY_RATES.items():
            if rng.random() < (u_rate if urban else r_rate):
                start = self.today - dt.timedelta(days=rng.randint(30, 3000))
                grade = rng.choice(["一级", "二级"]) if category == "disabled" else ""
                out.append(
                    ElderCategory(
                        elder_id=elder.pk,
                        category=category,
                        start_date=start,
                        grade=grade,
                    )
                )
        age = idnumber.age_on(elder.birth_date, self.today)
        if rng.random() < (0.01 if age < 70 else 0.03 if age < 80 else 0.10):
            out.append(
                ElderCategory(
                    elder_id=elder.pk,
                    category="dementia",
                    start_date=self.today - dt.timedelta(days=rng.randint(30, 2000)),
                    grade="医院诊断",
                )
            )
        return out

    # --- facilities ----------------------------------------------------------------------------

    def build_facilities(self) -> Facility:
        rng = self.rng
        counties = {c[0]: c for c in data.COUNTIES}
        rural = [t for t in self.townships.values() if not t.urban]
        urban = [t for t in self.townships.values() if t.urban]
        institutions: list[Facility] = []
        welfare_sites = [t for t in urban if t.county in ("360203",)][:1] + [
            t for t in self.townships.values() if t.county in ("360222", "360281")
        ][:2]
        for (ftype, ownership, count, beds), sites in (
            (data.INSTITUTION_GROUPS[0], welfare_sites),
            (data.INSTITUTION_GROUPS[1], rural + rng.sample(urban, 1)),
            (data.INSTITUTION_GROUPS[2], rng.sample(urban, 8) + rng.sample(rural, 5)),
        ):
            shares = [rng.uniform(0.6, 1.4) for _ in range(count)]
            bed_counts = [max(10, round(beds * s / sum(shares))) for s in shares]
            bed_counts[0] += beds - sum(bed_counts)
            for k in range(count):
                site = sites[k % len(sites)]
                county_name = counties[site.county][1]
                if ftype == "welfare_home":
                    name, kind = (
                        (f"{'景德镇市' if k == 0 else county_name}社会福利院"),
                        ftype,
                    )
                elif ftype == "tekun_home":
                    is_county_centre = k < 4
                    name = (
                        f"{counties[data.COUNTIES[k][0]][1]}失能照护中心"
                        if is_county_centre
                        else f"{site.region.name}敬老院"
                    )
                    kind = (
                        "county_disability_centre"
                        if is_county_centre
                        else ("township_centre_home" if k % 3 == 0 else "tekun_home")
                    )
                    if is_county_centre:
                        site = next(
                            t
                            for t in self.townships.values()
                            if t.county == data.COUNTIES[k][0]
                        )
                else:
                    name, kind = (
                        f"{site.region.name.removesuffix('街道').removesuffix('镇').removesuffix('乡')}{rng.choice(['康乐', '福寿', '颐养', '安康', '康宁', '乐龄'])}养老院",
                        ftype,
                    )
                institutions.append(
                    self._facility(name, kind, ownership, site, bed_counts[k])
                )
        self._community_facilities(urban)
        for i, (code, name, *_rest) in enumerate(data.COUNTIES):
            site = next(t for t in self.townships.values() if t.county == code)
            Provider.objects.create(
                name=f"{name}{['颐康', '安馨', '乐享', '福康'][i]}居家养老服务有限公司",
                region=site.region,
                credit_code=f"91360{i:03d}MA3{rng.randrange(10**7):07d}X"[:18],
                phone="0798-" + f"{rng.randrange(10**7):07d}",
            )
        self.progress(
            f"养老服务设施：{Facility.objects.count()} 个，机构床位 {Bed.objects.count():,} 张"
        )
        return institutions[0]

    def _facility(
        self, name: str, kind: str, ownership: str, site: Place, beds: int
    ) -> Facility:
        rng = self.rng
        facility = Facility.objects.create(
            name=name, type=kind, ownership=ownership, region=site.region, address=f"{site.region.name}{rng.randint(1, 300)}号",
            lat=round(site.lat + rng.uniform(-0.01, 0.01), 6), lng=round(site.lng + rng.uniform(-0.01, 0.01), 6),
            floor_area_m2=beds * rng.randint(28, 45), licence_no=f"赣民养{rng.randrange(10**6):06d}",
            has_medical_unit=beds >= 100 or rng.random() < 0.3, contracted_hospital=f"{site.region.name}卫生院",
            fire_safety=rng.choice(["accepted", "accepted", "filed", "pending"]), opened_on=self.today - dt.timedelta(days=rng.randint(400, 9000)),
            operator="" if ownership == "public" else f"{name}有限公司",
        )  # fmt: skip
        if facility.fire_safety != "pending":
            facility.fire_safety_date = facility.opened_on
            facility.save(update_fields=["fire_safety_date"])
        nursing_share = {
            "welfare_home": 0.6,
            "private_home": 0.55,
            "county_disability_centre": 0.9,
        }.get(kind, 0.3)
        Bed.objects.bulk_create(
            Bed(
                facility=facility,
                code=f"{1 + n // 40}-{101 + (n % 40) // 2}-{1 + n % 2}",
                kind="nursing" if rng.random() < nursing_share else "ordinary",
            )
            for n in range(beds)
        )
        return facility

    def _community_facilities(self, urban_townships: list[Place]) -> None:
        rng = self.rng
        rows = []
        for t in urban_townships:
            rows.append(
                Facility(
                    name=f"{t.region.name}综合养老服务中心",
                    type="street_centre",
                    ownership="public_private",
                    region=t.region,
                )
            )
        rural_villages = [p for p in self.villages if not p.urban]
        for p in rng.sample(
            rural_villages, min(data.RURAL_MUTUAL_AID, len(rural_villages))
        ):
            rows.append(
                Facility(
                    name=f"{p.region.name}互助养老服务站",
                    type="rural_mutual_aid",
                    ownership="public",
                    region=p.region,
                )
            )
        for p in (p for p in self.villages if p.urban):
            if rng.random() < 0.82:
                rows.append(
                    Facility(
                        name=f"{p.region.name}日间照料中心",
                        type="community_centre",
                        ownership=rng.choice(["public", "public_private"]),
                        region=p.region,
                    )
                )
            if rng.random() < 0.35:
                rows.append(
                    Facility(
                        name=f"{p.region.name}老年幸福食堂",
                        type="canteen",
                        ownership="public_private",
                        region=p.region,
                    )
                )
            if rng.random() < 0.12:
                rows.append(
                    Facility(
                        name=f"{p.region.name}托育园",
                        type="childcare",
                        ownership="private",
                        region=p.region,
                        childcare_places=rng.choice([30, 50, 80]),
                    )
                )
        for row in rows:
            place = next(
                (p for p in self.villages if p.region.pk == row.region_id), None
            ) or next(t for t in urban_townships if t.region.pk == row.region_id)
            row.lat, row.lng = (
                round(place.lat + rng.uniform(-0.003, 0.003), 6),
                round(place.lng + rng.uniform(-0.003, 0.003), 6),
            )
            row.address = f"{row.region.name}{rng.randint(1, 99)}号"
        Facility.objects.bulk_create(rows, batch_size=BATCH)

    def admit_residents(self) -> None:
        rng = self.rng
        occupancy = 0.62 * min(1.0, max(self.scale, 0.05))
        admissions = []
        taken: set[int] = set()
        for facility in (
            Facility.objects.filter(beds__isnull=False)
            .distinct()
            .select_related("region")
        ):
            county = facility.region.path.split("/")[2]
            pool = self.elder_ids_by_county.get(county, [])
            beds = list(facility.beds.all())
            wanted = min(round(len(beds) * occupancy), len(pool) // 5)
            for bed in rng.sample(beds, wanted):
                for _ in range(20):
                    elder_id = rng.choice(pool)
                    if elder_id not in taken:
                        taken.add(elder_id)
                        admissions.append(
                            Admission(
                                elder_id=elder_id,
                                bed=bed,
                                admitted_on=self.today
                                - dt.timedelta(days=rng.randint(10, 2000)),
                            )
                        )
                        break
        Admission.objects.bulk_create(admissions, batch_size=BATCH)
        Elder.objects.filter(pk__in=taken).update(care_setting="institution")
        self.progress(f"在住老人：{len(admissions):,} 人")

    def build_staff(self) -> None:
        rng = self.rng
        staff = []
        for facility in (
            Facility.objects.filter(beds__isnull=False)
            .distinct()
            .select_related("region")
        ):
            beds = facility.beds.count()
            county = facility.region.path.split("/")[2]
            roles = (
                ["director"]
                + ["carer"] * max(2, round(beds / 7))
                + ["social_worker"] * (1 if beds >= 50 else 0)
            )
            if facility.has_medical_unit:
                roles += ["doctor", "nurse"]
            for role in roles:
                sex = (
                    "F"
                    if role in ("carer", "nurse") and rng.random() < 0.85
                    else rng.choice("MF")
                )
                birth = self.today - dt.timedelta(days=rng.randint(25 * 365, 58 * 365))
                s = Staff(
                    name=self._person_name(sex), sex=sex, birth_date=birth, role=role, facility=facility,
                    skill_level=rng.choice("54433") if role == "carer" else "", hired_on=self.today - dt.timedelta(days=rng.randint(30, 4000)),
                )  # fmt: skip
                s.id_number_enc, s.id_number_hash = pii.protect(
                    self._id_number(county, birth, sex)
                )
                s.phone_enc, _ = pii.protect(self._phone())
                staff.append(s)
        for provider in Provider.objects.all():
            county = provider.region.path.split("/")[2]
            for role in ["director"] + ["carer"] * 12:
                sex = "F" if role == "carer" else "M"
                birth = self.today - dt.timedelta(days=rng.randint(25 * 365, 55 * 365))
                s = Staff(
                    name=self._person_name(sex),
                    sex=sex,
                    birth_date=birth,
                    role=role,
                    provider=provider,
                    skill_level="4" if role == "carer" else "",
                    hired_on=self.today - dt.timedelta(days=rng.randint(30, 2000)),
                )
                s.id_number_enc, s.id_number_hash = pii.protect(
                    self._id_number(county, birth, sex)
                )
                staff.append(s)
        Staff.objects.bulk_create(staff, batch_size=BATCH)
        trainings = []
        for s in Staff.objects.filter(role__in=["carer", "director"]).only(
            "pk", "role", "hired_on"
        ):
            if rng.random() < 0.9:
                kind = "director" if s.role == "director" else "induction"
                title = (
                    "养老机构院长培训" if kind == "director" else "养老护理员岗前培训"
                )
                trainings.append(
                    Training(
                        staff_id=s.pk,
                        kind=kind,
                        title=title,
                        completed_on=min(
                            self.today,
                            s.hired_on + dt.timedelta(days=rng.randint(0, 60)),
                        ),
                    )
                )
        Training.objects.bulk_create(trainings, batch_size=BATCH)
        for k, (reason, source) in enumerate(
            [
                ("虐待老年人被依法追究刑事责任", "景德镇市民政局"),
                ("侵占老年人财产", "浮梁县民政局"),
                ("严重失信被列入黑名单", "乐平市民政局"),
            ]
        ):
            birth = self.today - dt.timedelta(days=(35 + k * 6) * 365)
            ban = Ban(
                name=self._person_name("F"),
                reason=reason,
                source=source,
                start_date=self.today - dt.timedelta(days=400 * (k + 1)),
                end_date=None
                if k == 0
                else self.today + dt.timedelta(days=365 * (k + 1)),
            )
            ban.id_number_enc, ban.id_number_hash = pii.protect(
                self._id_number("360203", birth, "F")
            )
            ban.save()
        self.progress(f"从业人员：{len(staff):,} 人")

    # --- accounts ------------------------------------------------------------------------------

    def build_accounts(self, welfare_home: Facility) -> list[dict]:
        """One account per role: city, one county, one street and one community at least."""
        region = Region.objects.get
        street = region(code="360203001")
        community = Region.objects.filter(parent=street).order_by("code").first()
        provider = Provider.objects.order_by("pk").first()
        plan = [
            ("admin", "系统管理员", "admin", None),
            ("city", "市民政局 王科长", "civil_affairs", region(code="360200")),
            ("county", "浮梁县民政局 李股长", "civil_affairs", region(code="360222")),
            ("street", f"{street.name} 张干事", "street", street),
            ("community", f"{community.name} 刘社工", "community", community),
            (
                "facility",
                f"{welfare_home.name} 院长",
                "facility_admin",
                welfare_home.region,
            ),
            ("provider", f"{provider.name} 经理", "provider_admin", provider.region),
            ("leader", "市领导（只读）", "leader", region(code="360200")),
        ]
        logins = []
        for username, full_name, role, where in plan:
            password = secrets.token_urlsafe(9)
            user = user_create(
                by=None,
                username=username,
                password=password,
                role=role,
                region=where,
                full_name=full_name,
            )
            if role == "facility_admin":
                Staff.objects.filter(facility=welfare_home, role="director").update(
                    user=user
                )
            if role == "provider_admin":
                Staff.objects.filter(provider=provider, role="director").update(
                    user=user
                )
            scope = (
                welfare_home.name
                if role == "facility_admin"
                else provider.name
                if role == "provider_admin"
                else (where.name if where else "全部")
            )
            logins.append(
                {
                    "username": username,
                    "password": password,
                    "role": role,
                    "role_name": user.role_name,
                    "scope": scope,
                }
            )
        return logins


def build_demo_city(
    *,
    scale: float = 0.02,
    seed: int = SEED,
    today: dt.date | None = None,
    progress=print,
) -> list[dict]:
    """Create the whole demo city in an empty database; returns the demo logins."""
    if not 0 < scale <= 2:
        raise ValueError("scale 应在 0 到 2 之间")
    if Region.objects.exists() or User.objects.exists():
        raise RuntimeError("数据库中已有数据；演示城市只能在空数据库中生成")
    city = DemoCity(scale, seed, today or dt.date.today(), progress)
    with transaction.atomic():
        city.build_regions()
    with transaction.atomic():
        city.build_elders()
    with transaction.atomic():
        welfare_home = city.build_facilities()
        city.admit_residents()
        city.build_staff()
        logins = city.build_accounts(welfare_home)
        audit(
            by=None,
            action="event",
            object_type="demo",
            summary=f"生成演示城市 scale={scale} seed={seed}",
        )
    refresh_planner_statistics()
    return logins


def refresh_planner_statistics() -> None:
    """After a bulk load the query planners still believe the tables are empty: tell them."""
    if connection.in_atomic_block:
        return  # inside a test's transaction; the planner statistics do not matter there
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def write_logins(logins: list[dict], address: str) -> Path:
    path = logins_path()
    path.write_text(
        json.dumps(
            {"address": address, "accounts": logins}, ensure_ascii=False, indent=2
        )
    )
    path.chmod(0o600)
    return path
