"""Benchmark: the 集中供养 priority queue of a county (issue 24: all 特困 persons and all the
network's beds ranked in ≤ 1 s).

Builds the demo city (scale 0.05 by default) on SQLite, or on PostgreSQL with --database-url, then
makes 5,000 of one county's older people 特困 with an answer on 集中供养 (about 60% willing, the
latest of two answers counting), and times, as the city clerk:
  - the ranked queue (medical.selectors.priority_queue) for the county;
  - the network's free beds (medical.selectors.network_free_beds) for the county.
Baseline in the same run: the obvious code — each 特困 person read, then their latest answer,
whether they live in an institution and whether they are 失智 asked one person at a time — over
the same people, ranked by the same pure rule.

    uv run python bench/medical_queue.py [--scale 0.05] [--people 5000] [--database-url URL] [--reuse VAR_DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from _city import build_or_migrate, city_env  # noqa: E402

COUNTY = "360222"  # 浮梁县


def best_of(fn, n: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(n):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def make_tekun(people: int, today: dt.date) -> int:
    from yanglao.core.bulk import bulk_insert
    from yanglao.elders.models import Elder, ElderCategory, Status
    from yanglao.medical.models import Willingness

    rng = random.Random(7)
    ids = list(
        Elder.objects.filter(
            status=Status.ACTIVE, residence_region__code__startswith=COUNTY
        )
        .exclude(categories__category="tekun")
        .order_by("pk")
        .values_list("pk", flat=True)[:people]
    )
    bulk_insert(
        ElderCategory,
        [
            {"elder_id": pk, "category": "tekun", "start_date": dt.date(2020, 1, 1)}
            for pk in ids
        ],
    )
    rows = []
    for pk in ids:
        for days, willing_share in ((300, 0.4), (rng.randint(1, 200), 0.6)):
            rows.append(
                {
                    "elder_id": pk,
                    "asked_on": today - dt.timedelta(days=days),
                    "answer": "willing"
                    if rng.random() < willing_share
                    else "unwilling",
                    "occasion": "survey",
                    "confirmed_by": "self",
                    "confirmer_name": "",
                    "note": "",
                    "created_at": dt.datetime.now(dt.UTC),
                }
            )
    bulk_insert(Willingness, rows)
    return len(ids)


def naive_queue(today: dt.date):
    """One person at a time: the obvious ORM code."""
    from yanglao.elders.models import Category, Elder, ElderCategory, Status
    from yanglao.elders.selectors import active_category_q
    from yanglao.facilities.models import Admission
    from yanglao.medical import queue
    from yanglao.medical.models import Willingness

    candidates = []
    for person in Elder.objects.filter(
        active_category_q(Category.TEKUN, today),
        status=Status.ACTIVE,
        residence_region__code__startswith=COUNTY,
    ):
        latest = (
            Willingness.objects.filter(elder=person)
            .order_by("-asked_on", "-pk")
            .first()
        )
        if latest is None or latest.answer != "willing":
            continue
        if Admission.objects.filter(elder=person, discharged_on__isnull=True).exists():
            continue
        dementia = ElderCategory.objects.filter(
            elder=person, category="dementia", end_date__isnull=True
        ).exists()
        born = person.birth_date
        age = (
            today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        )
        candidates.append(
            queue.Candidate(
                person.pk, person.ability_level, dementia, age, latest.asked_on
            )
        )
    return queue.ranked(candidates, today)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float, default=0.05)
    p.add_argument("--people", type=int, default=5000)
    p.add_argument("--database-url", default=None)
    p.add_argument("--reuse", default="")
    a = p.parse_args()
    env, var = city_env("queue", a.database_url, a.reuse)
    took = build_or_migrate(env, a.scale, bool(a.reuse))
    print(
        f"demo city (scale {a.scale}): {'reused' if took is None else f'{took:.0f} s'}; {var}"
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    import django

    django.setup()
    from django.db import connection

    from yanglao.accounts.models import User
    from yanglao.medical import selectors

    today = dt.date.today()
    made = make_tekun(a.people, today)
    clerk = User.objects.get(username="city")
    print(
        f"{connection.vendor}: {made:,} more 特困 persons in {COUNTY}, two answers each"
    )
    seconds, places = best_of(
        lambda: selectors.priority_queue(by=clerk, region_code=COUNTY, today=today)
    )
    print(
        f"priority queue: {len(places):,} ranked in {seconds * 1000:.0f} ms (best of 5; target ≤ 1,000 ms)"
    )
    beds_s, homes = best_of(
        lambda: selectors.network_free_beds(by=clerk, region_code=COUNTY, today=today)
    )
    free = sum(h.free_nursing + h.free_ordinary for h in homes)
    print(
        f"network free beds: {len(homes)} institutions, {free:,} free beds in {beds_s * 1000:.0f} ms"
    )
    naive_s, naive = best_of(lambda: naive_queue(today), n=1)
    same = [x.candidate.elder_id for x in naive] == [
        x.candidate.elder_id for x in places
    ]
    print(
        f"baseline, one person at a time: {naive_s * 1000:.0f} ms (same order: {same})"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
