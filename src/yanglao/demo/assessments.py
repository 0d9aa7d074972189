"""Demo city, part 4: one assessment agency per county with its assessors, and a history of
GB/T 42195-2022 assessments (plus some MZ/T 039-2013 paper results) for about a third of the
people aged 65+, scored by the real scoring module; some results overdue, some people discharged
from hospital since, and open applications waiting for the demo assessors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.assessments import scoring
from yanglao.assessments.instrument import GBT_42195_2022
from yanglao.assessments.models import (
    MZT_039,
    Agency,
    Assessment,
    Assessor,
    Status,
    TeamMember,
)
from yanglao.core.dates import add_months
from yanglao.core.idnumber import age_on
from yanglao.demo.people import BATCH
from yanglao.elders.models import Elder, LifeEvent
from yanglao.regions.models import Region

ASSESSED_SHARE = 0.35  # of the active people aged 65+
ASSESSORS_PER_AGENCY = 4


class AssessmentsMixin:
    def build_agencies(self) -> dict[int, list[Assessor]]:
        """{county region id: its agency's assessors}."""
        teams: dict[int, list[Assessor]] = {}
        for county in Region.objects.filter(level=Region.Level.COUNTY).order_by("code"):
            agency = Agency.objects.create(
                name=f"{county.name}老年人能力评估中心",
                region=county,
                licence=f"评估资质{county.code}",
            )
            team = []
            for i in range(ASSESSORS_PER_AGENCY):
                user = User(
                    username=f"pg{county.code}{i + 1}",
                    full_name=f"{self._person_name(self.rng.choice('MF'))}",
                    role="assessor",
                    region=county,
                )
                user.set_unusable_password()
                user.save()
                team.append(
                    Assessor.objects.create(
                        user=user,
                        agency=agency,
                        certificate=f"PG{county.code}{i + 1:03d}",
                    )
                )
            teams[county.pk] = team
        return teams

    def build_assessments(self, teams: dict[int, list[Assessor]]) -> int:
        rng, today = self.rng, self.today
        county_of = {
            r.pk: r.path.split("/")[2]
            for r in Region.objects.filter(level=Region.Level.VILLAGE)
        }
        county_pk = dict(
            Region.objects.filter(level=Region.Level.COUNTY).values_list("code", "pk")
        )
        cutoff = today.replace(year=today.year - 65)
        people = Elder.objects.filter(
            status="active", birth_date__lte=cutoff
        ).values_list("pk", "birth_date", "residence_region_id")
        rows, levels, made = [], {}, 0
        for pk, birth, region_id in people.iterator(chunk_size=BATCH):
            if rng.random() >= ASSESSED_SHARE:
                continue
            team = teams[county_pk[county_of[region_id]]]
            assessed_on = today - dt.timedelta(days=rng.randint(5, 470))
            a = self._scored_assessment(pk, age_on(birth, assessed_on), assessed_on)
            a.agency_id = team[0].agency_id
            rows.append((a, rng.sample(team, 2)))
            levels[pk] = a.final_level
            if rng.random() < 0.08:  # an older paper result under the previous standard
                rows.append((self._paper_result(pk, assessed_on), []))
            if len(rows) >= BATCH:
                made += self._save_assessments(rows)
                rows = []
        made += self._save_assessments(rows)
        self._set_levels(levels)
        self._discharges(list(levels))
        self.progress(f"能力评估：{made:,} 份")
        return made

    def _scored_assessment(self, elder_id: int, age: int, day: dt.date) -> Assessment:
        """Answers drawn around one latent ability that falls with age, then scored for real."""
        rng = self.rng
        frailty = min(1.0, max(0.0, rng.betavariate(1.2, 6) + (age - 65) * 0.012))
        items = {}
        for item in GBT_42195_2022.items:
            expected = item.max_score * (1 - frailty) + rng.uniform(-0.7, 0.7)
            able = frailty < 0.08  # fully able people score every item at its best
            items[item.code] = (
                item.max_score if able else max(0, min(item.max_score, round(expected)))
            )
        diagnoses = rng.sample(
            ["I10", "E11", "I63", "M81", "H25", "J44"], rng.randint(0, 2)
        )
        if frailty > 0.5 and rng.random() < 0.25:
            diagnoses.append("F03")
        falls = rng.choice([0, 0, 0, 0, 1, 2]) if frailty > 0.3 else 0
        answers = {
            "items": items,
            "coma": frailty > 0.97 and rng.random() < 0.3,
            "diagnoses": diagnoses,
            "risk_events": {"跌倒": falls},
        }
        result = scoring.score(scoring.parse_answers(answers))
        done = timezone.make_aware(dt.datetime.combine(day, dt.time(15, 30)))
        return Assessment(
            elder_id=elder_id,
            reason="first",
            applicant="community",
            applied_on=day - dt.timedelta(days=7),
            status=Status.COMPLETED,
            answers=answers,
            version=1,
            domain_scores=result.domain_scores,
            total=result.total,
            preliminary_level=result.preliminary_level,
            final_level=result.final_level,
            change_reasons=list(result.change_reasons),
            submitted_at=done,
            assessed_on=day,
            valid_until=add_months(day, 12),
            completed_at=done,
            place="老人家中",
        )

    def _paper_result(self, elder_id: int, before: dt.date) -> Assessment:
        day = before - dt.timedelta(days=self.rng.randint(800, 2000))
        return Assessment(
            elder_id=elder_id,
            standard=MZT_039,
            source="import",
            reason="other",
            applicant="community",
            applied_on=day,
            status=Status.COMPLETED,
            final_level=self.rng.choice([0, 0, 1, 1, 2, 3]),
            assessed_on=day,
            valid_until=add_months(day, 12),
            completed_at=timezone.now(),
            external_agency="原老年人能力评估站（纸质档案）",
        )

    def _save_assessments(self, rows) -> int:
        if not rows:
            return 0
        saved = Assessment.objects.bulk_create([a for a, _ in rows], batch_size=BATCH)
        if saved[0].pk is None:  # backends without RETURNING: read ids back
            latest = dict(
                Assessment.objects.filter(
                    elder_id__in=[a.elder_id for a in saved], standard="GB/T 42195-2022"
                ).values_list("elder_id", "pk")
            )
            for a in saved:
                a.pk = latest.get(a.elder_id) if a.standard != MZT_039 else None
        members = [
            TeamMember(assessment_id=a.pk, assessor=x, confirmed_at=a.completed_at)
            for a, team in rows
            for x in team
        ]
        TeamMember.objects.bulk_create(members, batch_size=BATCH)
        return len(rows)

    def _set_levels(self, levels: dict[int, int]) -> None:
        by_level: dict[int, list[int]] = {}
        for pk, level in levels.items():
            by_level.setdefault(level, []).append(pk)
        for level, pks in by_level.items():
            for i in range(0, len(pks), BATCH):
                Elder.objects.filter(pk__in=pks[i : i + BATCH]).update(
                    ability_level=level
                )

    def _discharges(self, assessed: list[int]) -> None:
        """A few assessed people came home from hospital since: their 即时评估 is due."""
        chosen = [pk for pk in assessed if self.rng.random() < 0.02]
        LifeEvent.objects.bulk_create(
            [
                LifeEvent(
                    elder_id=pk,
                    kind="discharge",
                    date=self.today - dt.timedelta(days=2),
                    source="医院出院通知",
                )
                for pk in chosen
            ],
            batch_size=BATCH,
        )

    def build_open_assessments(self, teams, demo_assessors: list[Assessor]) -> None:
        """Work in progress for the demo logins: applications waiting for a team, and ones
        assigned to the two demo assessors."""
        rng = self.rng
        agency = demo_assessors[0].agency
        waiting = list(
            Elder.objects.filter(
                status="active",
                residence_region__path__startswith=agency.region.path,
                assessments__isnull=True,
            ).values_list("pk", flat=True)[:12]
        )
        for i, pk in enumerate(waiting):
            a = Assessment.objects.create(
                elder_id=pk,
                reason="first",
                applicant=rng.choice(["family", "community"]),
                applicant_name="家属" if i % 2 else "",
                applied_on=self.today - dt.timedelta(days=i),
            )
            if i < 6:
                a.agency, a.status, a.assigned_at = (
                    agency,
                    Status.ASSIGNED,
                    timezone.now(),
                )
                a.place = "老人家中"
                a.save()
                TeamMember.objects.bulk_create(
                    [TeamMember(assessment=a, assessor=x) for x in demo_assessors]
                )
