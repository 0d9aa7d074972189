"""Benchmark: importing the health system's 200,000-row roster (家庭医生签约及健康服务名单, .xlsx)
with every check, in one transaction, on SQLite and PostgreSQL (issue 24: ≤ 60 s), against a
per-row baseline in the same run.

Steps, each in its own process (peak memory is its own):
  1. a small demo city (scale 0.02) in a fresh database;
  2. N people registered through `yanglao import elders` (the roster harness of
     bench/roster_import.py), so that every roster row has a person to match;
  3. the health roster written for those people: this year's 健康档案/体检/中医药 flags, and a
     family-doctor contract with the township's health centre for a third of them;
  4. ours: `yanglao import health_roster FILE --user city` (read, check every row — identity
     number, keyed-hash match, name, area, flags, dates, the institution — and write in bulk),
     timed from the command's start to its end;
  5. the same file again (idempotent: every row unchanged);
  6. the baseline on a copy of step 3's database: the same rows read from the same file, each
     matched and written with the ORM one at a time (a look-up by keyed hash, get_or_create per
     service, as a per-row service import does), on a sample scaled to N.

    uv run python bench/health_roster.py [--rows 200000] [--baseline-rows 20000]
                                         [--pg postgresql://…/EMPTY_DB] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from roster_import import WRITE_ROSTER, _restore, _snapshot, run  # noqa: E402

WRITE_HEALTH = r"""
import os, sys, random, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from django.utils import timezone
from openpyxl import Workbook
from yanglao.core import pii
from yanglao.elders.models import Elder
from yanglao.medical.models import MedicalInstitution
path, limit = sys.argv[1], int(sys.argv[2])
year = timezone.localdate().year
rng = random.Random(9)
centres = {i.region.path: i.name for i in MedicalInstitution.objects.select_related("region").filter(kind__in=("township", "community_centre"))}
book = Workbook(write_only=True); sheet = book.create_sheet("名单")
sheet.append(["身份证号", "姓名", "年度", "健康档案", "年度体检", "中医药健康管理", "服务日期", "服务机构",
              "家庭医生签约机构", "家庭医生团队", "签约起始日期", "签约截止日期"])
n = 0
people = Elder.objects.filter(status="active").order_by("-pk")[:limit]  # the registered N
for number_enc, name, path_ in people.values_list("id_number_enc", "name", "residence_region__path").iterator(chunk_size=5000):
    centre = centres.get("/".join(path_.split("/")[:4]) + "/", "")
    contract = centre and rng.random() < 0.35
    yes = lambda p: "是" if rng.random() < p else "否"
    sheet.append([pii.decrypt(number_enc), name, year, yes(0.9), yes(0.65), yes(0.72), f"{year}-03-01", centre,
                  centre if contract else "", "全科团队" if contract else "",
                  f"{year}-01-01" if contract else "", f"{year}-12-31" if contract else ""])
    n += 1
book.save(path)
print("ROWS", n)
"""

BASELINE = r"""
import os, sys, time, datetime as dt, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from django.db import transaction
from openpyxl import load_workbook
from yanglao.core import pii
from yanglao.core.idnumber import parse
from yanglao.elders.models import Elder
from yanglao.medical.models import FamilyDoctorContract, HealthService, MedicalInstitution
path, limit = sys.argv[1], int(sys.argv[2])
started = time.monotonic()
rows = load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
next(rows)
institutions = dict(MedicalInstitution.objects.values_list("name", "pk"))
done = 0
with transaction.atomic():
    for i, r in enumerate(rows):
        if i >= limit:
            break
        number = parse(str(r[0])).value
        elder = Elder.objects.get(id_number_hash=pii.lookup_hash(number))
        assert elder.name == r[1]
        for flag, kind in ((r[3], "record"), (r[4], "checkup"), (r[5], "tcm")):
            if flag == "是":
                HealthService.objects.get_or_create(elder=elder, year=int(r[2]), kind=kind,
                                                    defaults={"served_on": dt.date.fromisoformat(str(r[6])), "provider": r[7] or ""})
        if r[8]:
            FamilyDoctorContract.objects.get_or_create(
                elder=elder, starts_on=dt.date.fromisoformat(str(r[10])),
                defaults={"institution_id": institutions[r[8]], "team": r[9], "ends_on": dt.date.fromisoformat(str(r[11]))})
        done += 1
print(f"ROWS {done} ELAPSED {time.monotonic() - started:.1f}")
"""


def backend(
    label: str, db_url: str | None, rows: int, baseline_rows: int, workdir: Path
) -> None:
    var = workdir / label
    var.mkdir()
    env = dict(os.environ, YANGLAO_VAR_DIR=str(var), YANGLAO_DEBUG="false")
    env.pop("YANGLAO_DATABASE_URL", None)
    if db_url:
        env["YANGLAO_DATABASE_URL"] = db_url
    py = sys.executable
    run([py, "-m", "yanglao.cli", "demo", "--scale", "0.02", "--no-serve"], env)
    people = workdir / f"people-{label}.xlsx"
    run([py, "-c", WRITE_ROSTER, str(rows), str(people)], env)
    t, _mb, _ = run(
        [py, "-m", "yanglao.cli", "import", "elders", str(people), "--user", "city"],
        env,
    )
    print(
        f"| {label} | set-up: {rows:,} people registered (yanglao import elders) | {t:.1f} s | | |",
        flush=True,
    )
    roster = workdir / f"health-{label}.xlsx"
    t, _mb, out = run([py, "-c", WRITE_HEALTH, str(roster), str(rows)], env)
    print(
        f"| {label} | set-up: write the roster ({out.strip().splitlines()[-1]}, {roster.stat().st_size / 1e6:.1f} MB) | {t:.1f} s | | |",
        flush=True,
    )
    snapshot = _snapshot(label, var, db_url, workdir)
    t, mb, out = run(
        [
            py,
            "-m",
            "yanglao.cli",
            "import",
            "health_roster",
            str(roster),
            "--user",
            "city",
        ],
        env,
    )
    print(
        f"| {label} | ours: yanglao import health_roster (all checks, one transaction) | **{t:.1f} s** | {mb:,} MB | {out.strip().splitlines()[-1]} |",
        flush=True,
    )
    t2, mb2, out2 = run(
        [
            py,
            "-m",
            "yanglao.cli",
            "import",
            "health_roster",
            str(roster),
            "--user",
            "city",
        ],
        env,
    )
    print(
        f"| {label} | ours: the same file again (idempotent) | {t2:.1f} s | {mb2:,} MB | {out2.strip().splitlines()[-1]} |",
        flush=True,
    )
    _restore(label, var, db_url, snapshot)
    tb, mbb, outb = run([py, "-c", BASELINE, str(roster), str(baseline_rows)], env)
    note = outb.strip().splitlines()[-1]
    inner = float(note.rsplit(" ", 1)[-1])
    scaled = (tb - inner) + inner * rows / baseline_rows
    print(
        f"| {label} | baseline: per-row ORM ({baseline_rows:,} rows; {scaled:.0f} s scaled to {rows:,}) | {tb:.1f} s | {mbb:,} MB | {note} |",
        flush=True,
    )
    print(
        f"| {label} | **speed-up** (baseline scaled ÷ ours) | **{scaled / t:.1f}×** | | |",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("YANGLAO_BENCH_PG_URL", ""),
        help="an EMPTY database",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    opts = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-health-"))
    print(
        "| database | case | time | peak memory | result |\n|---|---|---:|---:|---|",
        flush=True,
    )
    if not opts.skip_sqlite:
        backend("SQLite", None, opts.rows, opts.baseline_rows, workdir)
    if opts.pg:
        backend("PostgreSQL", opts.pg, opts.rows, opts.baseline_rows, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
