"""Demo city, part 3: institutions and beds (the 2021 baseline), community facilities,
providers, residents, staff with training, and the 从业禁止 list."""

from __future__ import annotations

import datetime as dt

from yanglao.core import pii
from yanglao.demo import data
from yanglao.demo.people import BATCH
from yanglao.demo.places import Place
from yanglao.elders.models import Elder
from yanglao.facilities.models import (
    Admission,
    Ban,
    Bed,
    Facility,
    Provider,
    Staff,
    Training,
)


class InstitutionsMixin:
    """Facilities and the people who work and live in them."""

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
            name=name,
            type=kind,
            ownership=ownership,
            region=site.region,
            address=f"{site.region.name}{rng.randint(1, 300)}号",
            lat=round(site.lat + rng.uniform(-0.01, 0.01), 6),
            lng=round(site.lng + rng.uniform(-0.01, 0.01), 6),
            floor_area_m2=beds * rng.randint(28, 45),
            licence_no=f"赣民养{rng.randrange(10**6):06d}",
            has_medical_unit=beds >= 100 or rng.random() < 0.3,
            contracted_hospital=f"{site.region.name}卫生院",
            fire_safety=rng.choice(["accepted", "accepted", "filed", "pending"]),
            opened_on=self.today - dt.timedelta(days=rng.randint(400, 9000)),
            operator="" if ownership == "public" else f"{name}有限公司",
        )
        facility.duty_phone = f"0798-8{facility.pk % 1_000_000:06d}"  # 值班电话
        if facility.fire_safety != "pending":
            facility.fire_safety_date = facility.opened_on
        facility.save(update_fields=["duty_phone", "fire_safety_date"])
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

    def _staff_member(
        self, county: str, role: str, sex: str, level: str, max_days: int, **employer
    ) -> Staff:
        """One worker with a valid identity number from the county, hired up to `max_days` ago."""
        rng = self.rng
        birth = self.today - dt.timedelta(days=rng.randint(25 * 365, 55 * 365))
        member = Staff(
            name=self._person_name(sex),
            sex=sex,
            birth_date=birth,
            role=role,
            skill_level=level,
            hired_on=self.today - dt.timedelta(days=rng.randint(30, max_days)),
            **employer,
        )
        member.id_number_enc, member.id_number_hash = pii.protect(
            self._id_number(county, birth, sex)
        )
        member.phone_enc, _ = pii.protect(self._phone())
        return member

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
                female = role in ("carer", "nurse") and rng.random() < 0.85
                sex = "F" if female else rng.choice("MF")
                level = rng.choice("54433") if role == "carer" else ""
                staff.append(
                    self._staff_member(
                        county, role, sex, level, 4000, facility=facility
                    )
                )
        for provider in Provider.objects.all():
            county = provider.region.path.split("/")[2]
            for role in ["director"] + ["carer"] * 12:
                sex = "F" if role == "carer" else "M"
                level = "4" if role == "carer" else ""
                staff.append(
                    self._staff_member(
                        county, role, sex, level, 2000, provider=provider
                    )
                )
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
