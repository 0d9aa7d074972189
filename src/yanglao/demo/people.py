"""Demo city, part 2: older people with contacts, hardship categories and life events."""

from __future__ import annotations

import datetime as dt

from yanglao.core import idnumber, pii
from yanglao.demo import data
from yanglao.demo.places import Place
from yanglao.elders.models import Contact, Elder, ElderCategory, LifeEvent
from yanglao.elders.services import name_fields, name_keys_write

# Age structure of people aged 60+: (from, to, percent).
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


class PeopleMixin:
    """Generates people village by village; identity numbers are valid and unique."""

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
                    name=self._person_name(sex),
                    birth_date=birth,
                    sex=sex,
                    residence_region=place.region,
                    hukou_region=place.region,
                    address=f"{place.region.name}{rng.randint(1, 120)}号",
                    lat=round(place.lat + rng.uniform(-place.radius, place.radius), 6),
                    lng=round(place.lng + rng.uniform(-place.radius, place.radius), 6),
                    living_arrangement=self._living(place.urban, birth),
                    status=status,
                )
                id_number = self._id_number(place.county, birth, sex)
                elder.id_number_enc, elder.id_number_hash = pii.protect(id_number)
                for field, value in name_fields(elder.name, id_number).items():
                    setattr(elder, field, value)
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
        name_keys_write({e.pk: e.name for e in elders}, replace=False)
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
