"""Benchmark: a monthly subsidy cycle over 1,000,000 older people (issue 6: ≤ 60 s on SQLite and on
PostgreSQL, peak memory ≤ 2 GB, entitlements and explanations written; ≥ 20× a per-person ORM
implementation of the same rules, which must produce identical entitlements on 20,000 people).

Steps, each in its own process (so the cycle's peak memory is the cycle's own):
  1. setup: the demo city's regions, the Jingdezhen programmes (all five shipped), and 1,000,000
     synthetic people with a realistic mix — ages 60–105 (80+ about 14%), hukou outside the city
     for 4%, 3% dead or moved away, 低保/低保边缘/特困/计生特殊家庭/重残 categories, a valid
     GB/T 42195-2022 level for 30% (0–4), 1% in institutions, approved applications for the
     programmes that need one;
  2. last month's cycle (timed), approved by a second clerk;
  3. this month's cycle (timed, peak memory): re-check, explanations, diff against last month,
     back-pay/recovery check;
  4. baseline: the same rules person by person through the ORM — load the person, their
     categories, latest valid assessment, admission and applications, decide each programme in
     order, save each entitlement — on the first 20,000 people, extrapolated; then its
     entitlements are compared with the cycle's for the same people (amount, tier, explanation).

    uv run python bench/benefits_cycle.py [--people 1000000] [--baseline 20000] [--staff 50000]
        [--institutions 5000] [--staff-baseline 5000] [--pg postgresql://…/EMPTY_DB]

Issue 25 §5 adds to the same city 50,000 staff (2% trainees whose 见习期 ends this month, 0.4% on
the ban list, 5% who left), 5,000 institutions (5% charging membership fees) with 5,000 new beds
accepted last month or this, 1,000 item claims (适老化改造 accepted), and the shipped staff, trainee,
bed and item programmes; it reports the time the new payee kinds take alone, and compares the
staff entitlements with a record-by-record ORM evaluation on 5,000 staff.

SQLite always (a fresh file in a temporary directory); PostgreSQL when --pg names an empty database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

PRELUDE = r"""
import os, time, resource, datetime as dt, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from django.utils import timezone
from yanglao.core.dates import add_months
THIS = timezone.localdate().replace(day=1)
LAST = add_months(THIS, -1)
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

SETUP = (
    PRELUDE
    + r"""
import random
from django.core.management import call_command
call_command("migrate", verbosity=0)
from yanglao.accounts.models import User
from yanglao.assessments.models import Assessment
from yanglao.benefits import services
from yanglao.benefits.examples import JINGDEZHEN
from yanglao.benefits.models import Application, Programme
from yanglao.core.bulk import bulk_insert
from yanglao.demo.generator import DemoCity
from yanglao.elders.models import Elder, ElderCategory
from yanglao.facilities.models import Admission, Bed, Facility
from yanglao.regions.models import Region

N = int(os.environ["BENCH_PEOPLE"])
rng = random.Random(6)
t0 = time.monotonic()
DemoCity(0.001, 20210301, timezone.localdate(), lambda m: None).build_regions()
admin = User.objects.create_superuser("admin", password=None, role="admin")
city = Region.objects.get(code="360200")
for name in ("city", "amy"):
    User.objects.create_user(name, password=None, role="civil_affairs", region=city)
for spec in JINGDEZHEN:
    p = services.programme_create(by=admin, code=spec["code"], name=spec["name"], region=city, unit=spec.get("unit", "person"),
        needs_application=spec.get("needs_application", False), steps=spec.get("steps", []), funding=spec["funding"], order=spec["order"])
    services.version_create(by=admin, programme=p, version="2025", effective_from=dt.date(2025, 1, 1), effective_to=None,
        conditions=spec["conditions"], amount=spec["amount"])
villages = list(Region.objects.filter(level=5).values_list("pk", flat=True))
outside = Region.objects.get(code="360000").pk  # hukou in the province, outside the city
today = timezone.localdate()

def birth():
    r = rng.random()
    age = rng.randint(60, 69) if r < .55 else rng.randint(70, 79) if r < .86 else rng.randint(80, 89) if r < .97 else rng.randint(90, 105)
    return today.replace(year=today.year - age - 1, month=1, day=1) + dt.timedelta(days=rng.randint(0, 364))

def people():
    for i in range(N):
        village = rng.choice(villages)
        gone = rng.random()
        status, died = ("deceased", add_months(THIS, -rng.randint(2, 30))) if gone < .025 else ("moved_out", None) if gone < .03 else ("active", None)
        yield {"name": f"测试{i}", "id_number_enc": "-", "id_number_hash": f"{i:064x}", "birth_date": birth(), "sex": "FM"[i % 2],
               "residence_region_id": village, "hukou_region_id": outside if rng.random() < .04 else village,
               "living_arrangement": rng.choice(["alone", "empty_nest", "with_children", "with_children", "other"]),
               "care_setting": "home", "status": status, "died_on": died}
bulk_insert(Elder, people(), batch=20000)
ids = list(Elder.objects.order_by("pk").values_list("pk", flat=True))
print(f"ROW setup: {len(ids):,} people | {time.monotonic() - t0:.0f} s")

CATS = [("dibao", .04), ("dibao_edge", .02), ("tekun", .015), ("family_planning", .005), ("disabled", .02)]
cats, levels = [], {}
for pk in ids:
    for code, share in CATS:
        if rng.random() < share:
            cats.append({"elder_id": pk, "category": code, "start_date": dt.date(2020, 1, 1)})
    if rng.random() < .30:
        levels[pk] = rng.choices([0, 1, 2, 3, 4], [50, 20, 15, 10, 5])[0]
bulk_insert(ElderCategory, cats, batch=20000)
def assessments():
    for pk, level in levels.items():
        on = today - dt.timedelta(days=rng.randint(30, 300))
        yield {"elder_id": pk, "reason": "first", "applicant": "self", "applied_on": on, "status": "completed",
               "standard": "GB/T 42195-2022", "final_level": level, "assessed_on": on, "valid_until": add_months(on, 12),
               "completed_at": timezone.now() - dt.timedelta(days=400)}
bulk_insert(Assessment, assessments(), batch=20000)
homes = [Facility.objects.create(name=f"测试养老院{k}", type="nursing_home", ownership="public", region_id=villages[k]) for k in range(40)]
beds = [{"facility_id": homes[k % 40].pk, "code": f"B{k}", "kind": "nursing"} for k in range(N // 100)]
bulk_insert(Bed, beds, batch=20000)
bed_ids = list(Bed.objects.values_list("pk", flat=True))
residents = rng.sample(ids, len(bed_ids))
bulk_insert(Admission, ({"elder_id": e, "bed_id": b, "admitted_on": dt.date(2024, 1, 1)} for e, b in zip(residents, bed_ids)), batch=20000)
poor = {c["elder_id"] for c in cats if c["category"] in ("dibao", "dibao_edge")}
worker = User.objects.get(username="city")
apps = [{"programme_id": Programme.objects.get(code=code).pk, "elder_id": pk, "applicant_kind": "self", "applicant_name": "-",
         "from_month": dt.date(2025, 1, 1), "status": "approved", "step": 2, "submitted_by_id": worker.pk, "decided_at": timezone.now() - dt.timedelta(days=400)}
        for pk in poor for code in ("fuwu", "huli")]
bulk_insert(Application, apps, batch=20000)
# Nothing above changed after the cycles that follow: back-dated so the back-pay check sees no news.
Elder.objects.update(updated_at=timezone.now() - dt.timedelta(days=400))
ElderCategory.objects.update(updated_at=timezone.now() - dt.timedelta(days=400))
# Issue 25 §5: the new payee kinds — staff, the units that keep trainees, new beds — and item
# claims (适老化改造 accepted last month), at 50,000 staff and 5,000 institutions.
STAFF, HOMES = int(os.environ.get("BENCH_STAFF", "0")), int(os.environ.get("BENCH_INSTITUTIONS", "0"))
if STAFF:
    from yanglao.benefits.models import Claim, PolicyVersion
    from yanglao.facilities.models import Ban, Staff
    more = [{"name": f"测试机构{k}", "type": rng.choice(["private_home", "private_home", "welfare_home"]),
             "ownership": rng.choice(["private", "private", "private", "public"]), "membership_fee": rng.random() < .05,
             "region_id": rng.choice(villages), "childcare_places": 0, "has_medical_unit": False, "fire_safety": "pending"}
            for k in range(max(HOMES - len(homes), 0))]
    bulk_insert(Facility, more, batch=5000)
    institutions = list(Facility.objects.values_list("pk", flat=True))
    def staff_rows():
        for i in range(STAFF):
            hired = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, (THIS - dt.date(2014, 1, 1)).days))
            trainee = rng.random() < .02
            yield {"name": f"护理员{i}", "id_number_enc": "-", "id_number_hash": f"s{i:063x}", "sex": "FM"[i % 2],
                   "birth_date": dt.date(1975, 1, 1), "role": "carer" if rng.random() < .8 else rng.choice(["nurse", "other", "social_worker"]),
                   "skill_level": rng.choice(["", "5", "5", "4", "4", "3", "2", "1"]), "facility_id": rng.choice(institutions),
                   "hired_on": THIS - dt.timedelta(days=180) if trainee else hired,
                   "internship_until": THIS + dt.timedelta(days=rng.randint(0, 20)) if trainee else None,
                   "left_on": THIS - dt.timedelta(days=rng.randint(1, 60)) if rng.random() < .05 else None}
    bulk_insert(Staff, staff_rows(), batch=20000)
    bulk_insert(Ban, ({"name": "-", "id_number_enc": "-", "id_number_hash": f"s{i:063x}", "reason": "从业禁止", "source": "法院",
                       "start_date": dt.date(2024, 1, 1)} for i in rng.sample(range(STAFF), STAFF // 250)), batch=5000)
    new_beds = [{"facility_id": rng.choice(institutions), "code": f"N{k}", "kind": rng.choice(["nursing", "nursing", "ordinary"]),
                 "state": "in_service", "created_on": dt.date(2025, 6, 1), "accepted_on": rng.choice([LAST, THIS])} for k in range(HOMES)]
    bulk_insert(Bed, new_beds, batch=5000)
    sl = Programme.objects.get(code="shilaohua")
    version = PolicyVersion.objects.get(programme=sl)
    bulk_insert(Claim, ({"programme_id": sl.pk, "version_id": version.pk, "source": f"bench:{k}", "title": f"居家适老化改造 {k}",
                         "elder_id": ids[(k * 97) % len(ids)], "region_id": villages[k % len(villages)], "month": LAST, "quantity": 1,
                         "amount_fen": 180000, "explanation": "基础类项目", "created_at": timezone.now()} for k in range(1000)), batch=1000)
    print(f"ROW setup: staff {STAFF:,} ({STAFF // 250:,} on the ban list), institutions {len(institutions):,}, new beds {HOMES:,}, item claims 1,000 | {time.monotonic() - t0:.0f} s")
from django.db import connection
with connection.cursor() as cursor:  # statistics, as a live database keeps them (autovacuum)
    cursor.execute("ANALYZE")
print(f"ROW setup: categories {len(cats):,}, levels {len(levels):,}, residents {len(residents):,}, applications {len(apps):,} | {time.monotonic() - t0:.0f} s")
"""
)

CYCLE = (
    PRELUDE
    + r"""
from yanglao.accounts.models import User
from yanglao.benefits import services
from yanglao.regions.models import Region
month = LAST if os.environ["BENCH_WHICH"] == "last" else THIS
city = Region.objects.get(code="360200")
t = time.monotonic()
cycle = services.cycle_run(services.cycle_start(by=User.objects.get(username="city"), month=month, region=city).pk)
seconds = time.monotonic() - t
assert cycle.status == "computed", cycle.error
n = cycle.entitlements.count()
print(f"ROW cycle {month:%Y-%m} over {cycle.people:,} people → {n:,} entitlements with explanations, {cycle.totals['total_fen'] / 100:,.0f} 元"
      f"{' (diff against last month)' if month == THIS else ''} | {seconds:.1f} s, peak {peak_mb():,.0f} MB")
from yanglao.benefits import rules, selectors
from yanglao.benefits.services import cycles
t = time.monotonic()
added = cycles._workforce_rows(cycle, selectors.programmes_for(city), selectors.programme_names()) + cycles._claim_rows(cycle)
print(f"ROW of which the new payee kinds (staff, trainee units, new beds, item claims: {len(added):,} rows), computed again alone | {time.monotonic() - t:.1f} s")
if month == LAST:
    services.cycle_approve(by=User.objects.get(username="amy"), cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"])
"""
)

BASELINE = (
    PRELUDE
    + r"""
from django.db.models import Q
from yanglao.benefits import rules, selectors
from yanglao.benefits.models import Application, Cycle, Entitlement, Programme
from yanglao.elders.models import Elder
from yanglao.facilities.models import Admission
from yanglao.assessments.models import Assessment
from yanglao.regions.models import Region
SAMPLE = int(os.environ["BENCH_BASELINE"])
city = Region.objects.get(code="360200")
total = Elder.objects.exclude(status="merged").filter(residence_region__path__startswith=city.path).count()
names = selectors.programme_names()
policies = [(p, v, selectors.policy_of(v, names)) for p in selectors.programmes_for(city)
            if p.unit in ("person", "institution") and (v := selectors.version_in_force(p, THIS))]  # per-person programmes
cycle = Cycle.objects.create(month=THIS, region=Region.objects.get(code="360000"), status="computed")  # the baseline's own rows
day = THIS
t = time.monotonic()
for e in Elder.objects.exclude(status="merged").filter(residence_region__path__startswith=city.path).select_related("hukou_region", "residence_region").order_by("pk")[:SAMPLE]:
    cats = frozenset(e.categories.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gt=day)).values_list("category", flat=True))
    a = Assessment.objects.filter(elder=e, status="completed", standard="GB/T 42195-2022", assessed_on__lte=day, final_level__isnull=False).order_by("-assessed_on", "-id").first()
    level = a.final_level if a and (a.valid_until is None or a.valid_until >= day) else None
    adm = Admission.objects.filter(elder=e, admitted_on__lte=day).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=day)).select_related("bed").first()
    gone = ""
    if e.status == "deceased" and (e.died_on is None or e.died_on < day):
        gone = f"{e.died_on:%Y年%m月%d日}死亡" if e.died_on else "已登记死亡（日期未登记）"
    elif e.status == "moved_out":
        ev = e.events.filter(kind="move_out").order_by("date").first()
        if ev is None or ev.date < day:
            gone = f"{ev.date:%Y年%m月%d日}迁出" if ev else "已迁出"
    receiving = set()
    for p, v, policy in policies:
        facts = rules.Facts(age=e.age(day), hukou_path=e.hukou_region.path if e.hukou_region else "",
                            residence_path=e.residence_region.path, categories=cats, ability_level=level, living=e.living_arrangement,
                            in_institution=adm is not None, receiving=frozenset(receiving), gone=gone)
        d = rules.evaluate(policy, facts, day)
        if d.eligible and p.needs_application:
            d.eligible = Application.objects.filter(programme=p, elder=e, status="approved", from_month__lte=day).exists()
        if d.eligible:
            receiving.add(p.code)
            Entitlement.objects.create(cycle=cycle, programme=p, version=v, elder=e, region=e.residence_region, month=day,
                                       kind="regular", amount_fen=d.amount_fen, tier=d.tier, explanation=d.text,
                                       facility_id=adm.bed.facility_id if adm and p.unit == "institution" else None)
seconds = time.monotonic() - t
ours_cycle = Cycle.objects.get(month=THIS, region__code="360200")
sample_ids = list(Elder.objects.exclude(status="merged").filter(residence_region__path__startswith=city.path).order_by("pk").values_list("pk", flat=True)[:SAMPLE])
fields = ("elder_id", "programme_id", "amount_fen", "tier", "explanation", "facility_id")
theirs = set(Entitlement.objects.filter(cycle=cycle).values_list(*fields))
ours = set(Entitlement.objects.filter(cycle=ours_cycle, kind="regular", elder_id__in=sample_ids).values_list(*fields))
same = theirs == ours
print(f"ROW baseline: person by person through the ORM, {SAMPLE:,} people ({len(theirs):,} entitlements) | {seconds:.1f} s")
print(f"ROW baseline extrapolated to {total:,} people | {seconds * total / SAMPLE:.0f} s")
print(f"ROW identical entitlements on the {SAMPLE:,} (amount, tier, payee, explanation) | {'yes' if same else 'NO: ' + str(len(theirs ^ ours)) + ' differ'}")
Entitlement.objects.filter(cycle=cycle).delete(); cycle.delete()

# The staff programmes record by record through the ORM: each person loaded with their employer,
# the ban list asked per person, "paid before" asked per person, each programme decided in turn.
from yanglao.benefits import staff_rules
from yanglao.facilities.models import Ban, Staff
STAFF_SAMPLE = int(os.environ.get("BENCH_STAFF_BASELINE", "0"))
if STAFF_SAMPLE:
    programmes = [p for p in selectors.programmes_for(city) if p.unit == "staff"]
    end = add_months(THIS, 1) - dt.timedelta(days=1)
    theirs = set()
    t = time.monotonic()
    for s in Staff.objects.select_related("facility__region", "provider__region").filter(hired_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gte=THIS)).order_by("pk")[:STAFF_SAMPLE]:
        banned = Ban.objects.filter(id_number_hash=s.id_number_hash, start_date__lte=end).filter(Q(end_date__isnull=True) | Q(end_date__gte=THIS)).exists()
        facts = staff_rules.StaffFacts(s.name, s.role, int(s.skill_level) if s.skill_level else None, s.hired_on, s.left_on, banned)
        for p in programmes:
            v = selectors.version_in_force(p, THIS)
            policy = selectors.policy_of(v, names)
            rule, _ = staff_rules.rule_from_data(v.conditions, policy.amount, p.unit)
            if rule.kind == "entry" and Entitlement.objects.filter(programme=p, staff=s, cycle__status="approved").exists():
                continue
            d = staff_rules.evaluate_staff(rule, policy.amount, facts, THIS, p.name, v.effective_from)
            if d.eligible:
                theirs.add((s.pk, p.pk, d.amount_fen, f"{s.name}：{d.text}"))
    seconds = time.monotonic() - t
    sample = set(Staff.objects.filter(hired_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gte=THIS)).order_by("pk").values_list("pk", flat=True)[:STAFF_SAMPLE])
    ours = {r for r in Entitlement.objects.filter(cycle=ours_cycle, staff_id__in=sample, programme__unit="staff").values_list("staff_id", "programme_id", "amount_fen", "explanation")}
    in_post = Staff.objects.filter(hired_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gte=THIS)).count()
    print(f"ROW staff baseline: record by record through the ORM, {STAFF_SAMPLE:,} staff ({len(theirs):,} entitlements) | {seconds:.1f} s")
    print(f"ROW staff baseline extrapolated to {in_post:,} staff in post | {seconds * in_post / STAFF_SAMPLE:.1f} s")
    print(f"ROW identical staff entitlements on the {STAFF_SAMPLE:,} (programme, amount, explanation) | {'yes' if theirs == ours else 'NO: ' + str(len(theirs ^ ours)) + ' differ'}")
"""
)


def run(case: str, env: dict) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", case], env=env, capture_output=True, text=True
    )
    if out.returncode:
        print(out.stderr[-4000:], file=sys.stderr)
        raise SystemExit(1)
    return [line[4:] for line in out.stdout.splitlines() if line.startswith("ROW ")]


def bench(label: str, env: dict) -> None:
    rows = []
    for case, extra in (
        (SETUP, {}),
        (CYCLE, {"BENCH_WHICH": "last"}),
        (CYCLE, {"BENCH_WHICH": "this"}),
        (BASELINE, {}),
    ):
        rows += run(case, env | extra)
        print(f"  … {rows[-1]}", file=sys.stderr, flush=True)
    print("\n| database | case | figure |\n|---|---|---:|")
    for r in rows:
        case, value = r.split(" | ")
        print(f"| {label} | {case} | {value} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--institutions", type=int, default=5_000)
    parser.add_argument("--staff-baseline", type=int, default=5_000)
    parser.add_argument("--pg", default=os.environ.get("YANGLAO_BENCH_PG_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-benefits-") as tmp:
        env = dict(
            os.environ,
            YANGLAO_VAR_DIR=tmp,
            BENCH_PEOPLE=str(opts.people),
            BENCH_BASELINE=str(opts.baseline),
            BENCH_STAFF=str(opts.staff),
            BENCH_INSTITUTIONS=str(opts.institutions),
            BENCH_STAFF_BASELINE=str(opts.staff_baseline),
        )
        env.pop("YANGLAO_DATABASE_URL", None)
        if not opts.skip_sqlite:
            bench("SQLite", env)
        if opts.pg:
            bench("PostgreSQL", env | {"YANGLAO_DATABASE_URL": opts.pg})
    return 0


if __name__ == "__main__":
    sys.exit(main())
