"""The demo city: a deterministic (fixed-seed) registry modelled on Jingdezhen.

`build_demo_city(scale=1)` is the full city (269,220 people aged 60+ plus ~11% historic records of
people who have since died or moved away); the default scale of the `yanglao demo` command is small
enough to start in well under a minute. Same seed and scale → the same city, row for row.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from yanglao.accounts.models import User
from yanglao.accounts.services import user_create
from yanglao.assessments.models import Agency, Assessor
from yanglao.core.audit import audit
from yanglao.demo.alarms import build_alarm_centre
from yanglao.demo.assessments import AssessmentsMixin
from yanglao.demo.benefits import build_benefits
from yanglao.demo.family_support import build_family_support
from yanglao.demo.homecare import build_home_services
from yanglao.demo.homesupport import build_homesupport
from yanglao.demo.indicators import build_indicators
from yanglao.demo.institutions import InstitutionsMixin
from yanglao.demo.medical import build_medical
from yanglao.demo.people import PeopleMixin
from yanglao.demo.places import Place, RegionsMixin
from yanglao.demo.supervision import build_oversight, build_supervision
from yanglao.facilities.models import (
    Facility,
    Provider,
    Staff,
)
from yanglao.regions.models import Region
from yanglao.visits.services import roster_build

SEED = 20210301


class DemoCity(RegionsMixin, PeopleMixin, InstitutionsMixin, AssessmentsMixin):
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
            ("inspector", "市民政局 赵检查员", "civil_affairs", region(code="360200")),
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
            ("assessor1", "珠山区评估员 陈评估", "assessor", region(code="360203")),
            ("assessor2", "珠山区评估员 周评估", "assessor", region(code="360203")),
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
            if role == "assessor":
                agency = Agency.objects.get(region=where)
                Assessor.objects.create(
                    user=user, agency=agency, certificate=f"PG-DEMO-{username[-1]}"
                )
            scope = (
                agency.name
                if role == "assessor"
                else welfare_home.name
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

    def build_grid_workers(self) -> int:
        """One 网格员 per community/village (no log-in: they stand for the people the roster assigns
        visits to; the demo's `community` login is the worker of its own community)."""
        taken = set(
            User.objects.filter(role="community").values_list("region_id", flat=True)
        )
        workers = []
        for region in Region.objects.filter(level=Region.Level.VILLAGE).exclude(
            pk__in=taken
        ):
            user = User(
                username=f"wg{region.code}",
                role="community",
                region=region,
                full_name=f"{region.name}网格员",
            )
            user.set_unusable_password()
            workers.append(user)
        User.objects.bulk_create(workers, batch_size=1000)
        self.progress(f"网格员：{len(workers):,} 人")
        return len(workers)


def build_demo_city(
    *,
    scale: float = 0.02,
    seed: int = SEED,
    today: dt.date | None = None,
    progress=print,
    devices_out: dict | None = None,
) -> list[dict]:
    """Create the whole demo city in an empty database; returns the demo logins (and puts the
    simulated terminals' secrets into `devices_out`, for var/demo-devices.json)."""
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
        teams = city.build_agencies()
        logins = city.build_accounts(welfare_home)
        city.build_grid_workers()
    with transaction.atomic():
        city.build_assessments(teams)
        demo_assessors = list(
            Assessor.objects.filter(user__username__startswith="assessor")
        )
        city.build_open_assessments(teams, demo_assessors)
        audit(
            by=None,
            action="event",
            object_type="demo",
            summary=f"生成演示城市 scale={scale} seed={seed}",
        )
    refresh_planner_statistics()
    counts = roster_build(month=city.today.replace(day=1))
    progress(f"本月探访名单：{counts['rostered']:,} 人")
    build_benefits(
        today=city.today,
        seed=seed,
        progress=progress,
        before_cycles=lambda: build_family_support(
            today=city.today, scale=scale, progress=progress
        ),
    )
    alarm_logins, devices = build_alarm_centre(
        today=city.today, seed=seed, progress=progress
    )
    if devices_out is not None:
        devices_out.update(devices)
    home_logins = build_home_services(today=city.today, seed=seed, progress=progress)
    medical_logins = build_medical(today=city.today, seed=seed, progress=progress)
    build_homesupport(today=city.today, progress=progress)
    build_supervision(today=city.today, progress=progress)
    build_oversight(today=city.today, progress=progress)
    build_indicators(today=city.today, progress=progress)
    return logins + alarm_logins + home_logins + medical_logins


def refresh_planner_statistics() -> None:
    """After a bulk load the query planners still believe the tables are empty: tell them. On
    PostgreSQL, VACUUM also marks the pages all-visible, so counts can use index-only scans."""
    if connection.in_atomic_block:
        return  # inside a test's transaction; the planner statistics do not matter there
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def write_devices(doc: dict) -> Path:
    """var/demo-devices.json: the demo terminals' serials and secrets, for `yanglao
    simulate-devices` (readable by the owner only, like the logins)."""
    path = Path(settings.VAR_DIR) / "demo-devices.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    path.chmod(0o600)
    return path


def write_logins(logins: list[dict], address: str) -> Path:
    path = logins_path()
    path.write_text(
        json.dumps(
            {"address": address, "accounts": logins}, ensure_ascii=False, indent=2
        )
    )
    path.chmod(0o600)
    return path
