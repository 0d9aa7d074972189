"""Benchmark: importing a 100,000-row older-person roster (.xlsx) with every validation, end to
end, on SQLite and PostgreSQL — against django-import-export configured for the same model and
the same checks, on the same file, in the same run (issue 3: ≤ 60 s, peak memory ≤ 2 GB, ≥ 5×).

Steps, each in its own process so peak memory (max RSS) is its own:
  1. build a small demo city (regions and accounts; scale 0.02) in a fresh database;
  2. write the roster: N people with valid identity numbers (GB 11643), in the city's
     communities, with phones, categories and a family contact in a share of rows;
  3. ours: `yanglao import elders FILE --user city` (read, check every row, write in one
     transaction, audit), timed from the command's start to its end;
  4. the baseline on a fresh copy of the database: django-import-export's ModelResource for
     Elder with the same checks in before_import_row (identity number, sex/birth date, age, phone,
     community in scope, encryption + keyed hash), import_data(use_transactions=True).

    uv run python bench/roster_import.py [--rows 100000] [--pg postgresql://…/EMPTY_DB]
                                         [--baseline-rows N]   (default: the same N)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRITE_ROSTER = r"""
import os, sys, random, datetime as dt, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
from openpyxl import Workbook
from yanglao.core.idnumber import make
from yanglao.regions.models import Region
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(5)
villages = list(Region.objects.filter(level=5).values_list("name", "code"))
book = Workbook(write_only=True); sheet = book.create_sheet("花名册")
sheet.append(["姓名", "身份证号", "性别", "出生日期", "联系电话", "所属社区/村", "现居住地址", "居住情况", "类别",
              "联系人姓名", "联系人关系", "联系人电话"])
seen = set()
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
for i in range(n):
    while True:
        birth = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
        seq = rng.randint(1, 999)
        if (birth, seq) not in seen:
            seen.add((birth, seq)); break
    number = make("110101", birth, seq)
    sex = "男" if int(number[16]) % 2 else "女"
    name, code = villages[i % len(villages)]
    cat = rng.choice(["", "", "", "低保", "特困供养", "低保、失智"])
    contact = rng.random() < 0.5
    sheet.append([rng.choice(surnames) + rng.choice("秀英建国桂兰志强玉兰德明"), number, sex, birth,
                  f"138{rng.randint(0, 99999999):08d}", code, f"{name}{i % 300 + 1}号", rng.choice(["独居", "空巢", "与子女同住", ""]),
                  cat, "李明" if contact else "", "儿子" if contact else "", f"139{rng.randint(0, 99999999):08d}" if contact else ""])
book.save(path)
"""

BASELINE = r"""
import os, sys, time, datetime as dt, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings"); django.setup()
import tablib
from django.utils import timezone
from import_export import fields, resources
from yanglao.accounts.models import User
from yanglao.core import pii
from yanglao.core.errors import ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder
from yanglao.elders.services import check_identity, clean_phone
from yanglao.regions.models import Region

by = User.objects.get(username="city")
today = timezone.localdate()
LIVING = {"独居": "alone", "空巢": "empty_nest", "与子女同住": "with_children", "": "other", None: "other"}

class ElderResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    address = fields.Field(attribute="address", column_name="现居住地址")
    class Meta:
        model = Elder
        import_id_fields = ("id_number_hash",)
        fields = ("name", "address", "id_number_hash", "id_number_enc", "phone_enc", "phone_hash", "birth_date",
                  "sex", "residence_region", "living_arrangement")
        use_bulk = False
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        # The same checks as ours: identity number (check character, sex, birth date, age 60+),
        # phone, community (exists, in the user's area), then encryption and the keyed hash.
        errors = {}
        birth = row.get("出生日期")
        birth = birth.date() if isinstance(birth, dt.datetime) else birth
        sex = {"男": "M", "女": "F"}.get(row.get("性别"))
        parsed = check_identity(str(row.get("身份证号") or ""), birth, sex, errors, today)
        phone = clean_phone(str(row.get("联系电话") or ""), "phone", errors)
        region = Region.objects.filter(code=str(row.get("所属社区/村"))).first()
        if region is None or not region_path_allowed(by, region.path):
            errors["residence_region"] = "不在管辖范围内"
        if errors:
            raise ValidationFailed(errors)
        row["id_number_enc"], row["id_number_hash"] = pii.protect(parsed.value)
        row["phone_enc"], row["phone_hash"] = pii.protect(phone)
        row["birth_date"], row["sex"] = parsed.birth_date, parsed.sex
        row["residence_region"] = region.pk
        row["living_arrangement"] = LIVING.get(row.get("居住情况"), "other")

path, limit = sys.argv[1], int(sys.argv[2])
started = time.monotonic()
from openpyxl import load_workbook
sheet = load_workbook(path, read_only=True).worksheets[0]
rows = sheet.iter_rows(values_only=True)
header = list(next(rows))
data = tablib.Dataset(headers=header)
for i, r in enumerate(rows):
    if i >= limit:
        break
    data.append(list(r))
result = ElderResource().import_data(data, dry_run=False, use_transactions=True, raise_errors=False)
print(f"ROWS {len(data)} ERRORS {len(result.row_errors())} INVALID {len(result.invalid_rows)} ELAPSED {time.monotonic() - started:.1f}")
"""


def run(cmd: list[str], env: dict, quiet: bool = True) -> tuple[float, int, str]:
    """(seconds, peak RSS of that process in MB, stdout)."""
    # A fresh wrapper process per command: its RUSAGE_CHILDREN peak is this command's alone.
    wrapper = (
        "import resource, subprocess, sys, time; t = time.monotonic(); "
        "r = subprocess.run(sys.argv[1:]); "
        "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t); "
        "sys.exit(r.returncode)"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd[:6])}")
    lines = out.stdout.strip().splitlines()
    _tag, peak_kb, elapsed = lines[-1].split()
    return float(elapsed), int(peak_kb) // 1024, "\n".join(lines[:-1])


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
    roster = workdir / f"roster-{rows}.xlsx"
    if not roster.exists():
        t, _mb, _ = run([py, "-c", WRITE_ROSTER, str(rows), str(roster)], env)
        print(
            f"| | write the {rows:,}-row roster (.xlsx, {roster.stat().st_size / 1e6:.1f} MB) | {t:.1f} s | | |",
            flush=True,
        )
    snapshot = _snapshot(label, var, db_url, workdir)
    t, mb, out = run(
        [py, "-m", "yanglao.cli", "import", "elders", str(roster), "--user", "city"],
        env,
    )
    print(
        f"| {label} | ours: yanglao import elders ({rows:,} rows, all checks, one transaction) | **{t:.1f} s** | {mb:,} MB | {out.strip().splitlines()[-1]} |",
        flush=True,
    )
    t2, mb2, out2 = run(
        [py, "-m", "yanglao.cli", "import", "elders", str(roster), "--user", "city"],
        env,
    )
    print(
        f"| {label} | ours: the same file again (idempotent) | {t2:.1f} s | {mb2:,} MB | {out2.strip().splitlines()[-1]} |",
        flush=True,
    )
    _restore(label, var, db_url, snapshot)
    tb, mbb, outb = run([py, "-c", BASELINE, str(roster), str(baseline_rows)], env)
    note = outb.strip().splitlines()[-1]
    if " ERRORS 0 " not in note:
        raise SystemExit(
            f"the baseline refused rows, so its time means nothing: {note}"
        )
    inner = float(note.rsplit(" ", 1)[-1])  # reading + importing, without start-up
    scaled = (tb - inner) + inner * rows / baseline_rows
    print(
        f"| {label} | baseline: django-import-export ({baseline_rows:,} rows, same checks) | {tb:.1f} s | {mbb:,} MB | {note} |",
        flush=True,
    )
    print(
        f"| {label} | **speed-up** (baseline time for {rows:,} rows ÷ ours) | **{scaled / t:.1f}×** | | |",
        flush=True,
    )


def _snapshot(label: str, var: Path, db_url: str | None, workdir: Path):
    if not db_url:
        copy = workdir / f"{label}.sqlite3"
        shutil.copy(var / "yanglao.sqlite3", copy)
        return copy
    dump = workdir / f"{label}.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), db_url], check=True)
    return dump


def _restore(label: str, var: Path, db_url: str | None, snapshot: Path) -> None:
    if not db_url:
        for suffix in ("", "-wal", "-shm"):
            (var / f"yanglao.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.copy(snapshot, var / "yanglao.sqlite3")
        return
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "-d", db_url, str(snapshot)],
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=0)
    parser.add_argument(
        "--pg",
        default=os.environ.get("YANGLAO_BENCH_PG_URL", ""),
        help="an EMPTY database",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    opts = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    print(
        "| database | case | time | peak memory | result |\n|---|---|---:|---:|---|",
        flush=True,
    )
    if not opts.skip_sqlite:
        backend("SQLite", None, opts.rows, opts.baseline_rows or opts.rows, workdir)
    if opts.pg:
        backend(
            "PostgreSQL", opts.pg, opts.rows, opts.baseline_rows or opts.rows, workdir
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
