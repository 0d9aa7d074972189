"""Demo city, part 5: the Jingdezhen subsidy programmes (benefits.examples), bank accounts for the
payees, approved applications for the people who need one, a few applications waiting at each
approval step for the demo logins, and three monthly cycles: two approved and paid (one bank
return with failures), and this month's computed and waiting for approval — after a late death
notice, so it carries a recovery. Every total traces to the explanation of each entitlement."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.benefits import selectors, services
from yanglao.benefits.examples import JINGDEZHEN
from yanglao.benefits.models import Application, BankAccount, Decision
from yanglao.core import pii
from yanglao.core.bulk import bulk_insert
from yanglao.core.dates import add_months
from yanglao.elders.models import Elder, ElderCategory, LifeEvent, Status
from yanglao.elders.services import life_event_record
from yanglao.facilities.models import Admission, Facility
from yanglao.regions.models import Region

BANKS = ["中国农业银行", "中国邮政储蓄银行", "江西农商银行", "中国建设银行"]
BUDGET_PER_PERSON_FEN = {
    "gaoling": 12 * 6000,
    "tekun_care": 12 * 40000,
    "fuwu": 12 * 5000,
    "huli": 12 * 5000,
    "yunying": 12 * 15000,
    "shilaohua": 300000,
    "chuanxi": 21 * 10000,
    "ruzhi": 300000,
    "gangwei": 12 * 20000,
    "nianxian": 12 * 10000,
    "jianxi": 185000,
    "jianshe": 500000,
}


def build_benefits(
    *, today: dt.date, seed: int, progress, before_cycles=None
) -> dict[str, int]:
    """`before_cycles` builds what the cycles pay besides allowances (item claims: 适老化改造,
    喘息服务), once the programmes exist."""
    rng = random.Random(seed + 6)
    admin = User.objects.get(username="admin")
    city = Region.objects.get(code="360200")
    older = Elder.objects.filter(status=Status.ACTIVE).count()
    made = {}
    for spec in JINGDEZHEN:
        p = services.programme_create(
            by=admin,
            code=spec["code"],
            name=spec["name"],
            region=city,
            unit=spec.get("unit", "person"),
            needs_application=spec.get("needs_application", False),
            steps=spec.get("steps", []),
            funding=spec["funding"],
            order=spec["order"],
            note=spec["note"],
            annual_budget_fen=_budget(spec["code"], older),
        )
        services.version_create(
            by=admin,
            programme=p,
            version="2025年标准",
            effective_from=dt.date(2025, 1, 1),
            effective_to=None,
            conditions=spec["conditions"],
            amount=spec["amount"],
            note=spec["note"][:200],
        )
        made[p.code] = p
    street_clerks = _street_clerks()
    approved = _approved_applications(made, street_clerks, today, rng)
    pending = _pending_applications(made, admin, today)
    accounts = _bank_accounts(rng)
    progress(
        f"补贴项目 {len(made)} 个；已批准申请 {approved:,} 份，待审批 {pending} 份；代发账户 {accounts:,} 个"
    )
    if before_cycles is not None:
        before_cycles()
    cycles = _cycles(city, today, rng, progress)
    return {
        "programmes": len(made),
        "approved": approved,
        "accounts": accounts,
        **cycles,
    }


def _budget(code: str, older: int) -> int:
    """A budget that the demo's spending uses most of: the city's older population × a share."""
    share = {
        "gaoling": 0.13,
        "tekun_care": 0.015,
        "fuwu": 0.01,
        "huli": 0.008,
        "yunying": 0.01,
        "shilaohua": 0.002,
        "chuanxi": 0.002,
        "ruzhi": 0.001,
        "gangwei": 0.004,
        "nianxian": 0.004,
        "jianxi": 0.0005,
        "jianshe": 0.002,
    }[code]
    return int(older * share * BUDGET_PER_PERSON_FEN[code]) // 100 * 100


def _street_clerks() -> dict[int, User]:
    """One 民政助理 per township (no log-in), to have decided the street step of past applications."""
    clerks = {u.region_id: u for u in User.objects.filter(role="street")}
    for town in Region.objects.filter(level=Region.Level.TOWNSHIP).exclude(
        pk__in=list(clerks)
    ):
        user = User(
            username=f"jd{town.code}",
            role="street",
            region=town,
            full_name=f"{town.name}民政助理",
        )
        user.set_unusable_password()
        user.save()
        clerks[town.pk] = user
    return clerks


def _approved_applications(made, street_clerks, today: dt.date, rng) -> int:
    """Approved applications (all three steps decided) for the people the programmes that need one
    would pay: 经济困难 (低保/低保边缘) aged 80+ or 失能 (level 2+)."""
    poor = set(
        ElderCategory.objects.filter(
            category__in=["dibao", "dibao_edge"], end_date__isnull=True
        ).values_list("elder_id", flat=True)
    )
    people = list(
        Elder.objects.filter(pk__in=poor, status=Status.ACTIVE)
        .filter(
            Q(birth_date__lte=dt.date(today.year - 80, today.month, 1))
            | Q(ability_level__gte=2)
        )
        .select_related("residence_region__parent")
    )
    workers = {u.region_id: u for u in User.objects.filter(role="community")}
    city_clerk = User.objects.get(username="city")
    apps, decisions = [], []
    for elder in people:
        for code in ("fuwu", "huli"):
            if code == "huli" and (elder.ability_level or 0) < 2:
                continue
            if code == "fuwu" and elder.birth_date > dt.date(
                today.year - 80, today.month, 1
            ):
                continue
            worker = workers.get(elder.residence_region_id)
            street = street_clerks.get(elder.residence_region.parent_id)
            if worker is None or street is None:
                continue
            start = add_months(today.replace(day=1), -rng.randint(4, 20))
            apps.append(
                Application(
                    programme=made[code],
                    elder=elder,
                    applicant_kind=rng.choice(["self", "family", "family"]),
                    applicant_name=elder.name,
                    from_month=start,
                    status=Application.Status.APPROVED,
                    step=2,
                    submitted_by=worker,
                    decided_at=timezone.now(),
                )
            )
    Application.objects.bulk_create(apps, batch_size=1000)
    receivers = _community_receivers({a.elder.residence_region_id for a in apps})
    for a in Application.objects.filter(
        status=Application.Status.APPROVED
    ).select_related("elder__residence_region"):
        street = street_clerks[a.elder.residence_region.parent_id]
        deciders = [
            ("community", receivers[a.elder.residence_region_id]),
            ("street", street),
            ("civil_affairs", city_clerk),
        ]
        for step, (role, by) in enumerate(deciders):
            decisions.append(
                Decision(
                    application=a,
                    step=step,
                    role=role,
                    approved=True,
                    by=by,
                    note="材料齐全，情况属实",
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=2000)
    return len(apps)


def _community_receivers(region_ids) -> dict[int, User]:
    """A 受理员 per community (no log-in) who decided the community step of past applications
    filed by the community's 网格员 — one person never decides what they filed."""
    users = []
    for region in Region.objects.filter(pk__in=region_ids):
        user = User(
            username=f"sl{region.code}",
            role="community",
            region=region,
            full_name=f"{region.name}受理员",
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    return {
        u.region_id: u
        for u in User.objects.filter(username__startswith="sl", role="community")
    }


def _pending_applications(made, admin, today: dt.date) -> int:
    """Applications filed in the demo community, waiting at each step for the demo logins."""
    community = User.objects.get(username="community").region
    taken = set(Application.objects.values_list("elder_id", flat=True))
    candidates = list(
        Elder.objects.filter(residence_region=community, status=Status.ACTIVE)
        .exclude(pk__in=taken)
        .order_by("pk")[:3]
    )
    street = User.objects.get(username="street")
    community_user = User.objects.get(username="community")
    for steps_done, elder in enumerate(candidates):
        a = services.application_submit(
            by=admin,
            programme=made["fuwu"],
            elder=elder,
            applicant_kind="family",
            applicant_name=f"{elder.name}家属",
            reason="家庭经济困难，申请养老服务补贴",
        )
        for who in [community_user, street][:steps_done]:
            a = services.application_decide(
                by=who, application=a, approved=True, note="情况属实"
            )
    return len(candidates)


def _bank_accounts(rng) -> int:
    """An account for every person aged 80+ or in a hardship category, and every institution
    with residents (payees of the programmes)."""
    today = timezone.localdate()
    payees = set(
        Elder.objects.filter(
            status=Status.ACTIVE, birth_date__lte=dt.date(today.year - 79, 1, 1)
        ).values_list("pk", flat=True)
    ) | set(ElderCategory.objects.values_list("elder_id", flat=True))
    # Read every name and keep the payees': an IN list of the full city's payees passes
    # PostgreSQL's 65,535 parameters per query.
    names = {
        pk: name
        for pk, name in Elder.objects.values_list("pk", "name").iterator(
            chunk_size=20000
        )
        if pk in payees
    }
    rows = []
    for pk in sorted(names):
        if (
            rng.random() < 0.02
        ):  # a few people have no account yet: the batch names them
            continue
        account = f"62{rng.randint(10**15, 10**16 - 1)}"
        rows.append(
            {
                "elder_id": pk,
                "bank": rng.choice(BANKS),
                "holder": names[pk],
                "account_enc": pii.encrypt(account),
                "account_last4": account[-4:],
            }
        )
    homes = Facility.objects.filter(
        pk__in=Admission.objects.filter(discharged_on__isnull=True).values(
            "bed__facility_id"
        )
    )
    for f in homes:
        account = f"36{rng.randint(10**15, 10**16 - 1)}"
        rows.append(
            {
                "facility_id": f.pk,
                "bank": "江西银行",
                "holder": f.name,
                "account_enc": pii.encrypt(account),
                "account_last4": account[-4:],
            }
        )
    return bulk_insert(BankAccount, rows)


def _cycles(city: Region, today: dt.date, rng, progress) -> dict[str, int]:
    clerk, approver = (
        User.objects.get(username="city"),
        User.objects.get(username="admin"),
    )
    this_month = today.replace(day=1)
    results = {}
    for back in (2, 1):
        month = add_months(this_month, -back)
        cycle = services.cycle_run(
            services.cycle_start(by=clerk, month=month, region=city).pk
        )
        cycle = services.cycle_approve(
            by=approver, cycle=cycle, confirmed_total_fen=cycle.totals["total_fen"]
        )
        batch, _missing, _held = services.payment_batch_create(by=clerk, cycle=cycle)
        if back == 2:
            _bank_returns(batch, clerk, rng)
        progress(
            f"{month:%Y年%m月}发放周期：{cycle.people:,} 人复核，合计 {cycle.totals['total_fen'] / 100:,.2f} 元，已审批"
        )
        results[f"cycle_{back}"] = cycle.pk
    # A death reported late: someone paid in both months died before the earlier one began.
    paid = selectors.previous_regular(this_month, city)
    late = (
        Elder.objects.filter(pk__in=[e for e, _p in paid], status=Status.ACTIVE)
        .exclude(events__kind=LifeEvent.Kind.DEATH)
        .order_by("pk")
        .first()
    )
    if late is not None:
        died = add_months(this_month, -2) - dt.timedelta(days=5)
        life_event_record(
            by=clerk, elder=late, kind="death", date=died, source="公安户籍注销（晚报）"
        )
    cycle = services.cycle_run(
        services.cycle_start(by=clerk, month=this_month, region=city).pk
    )
    progress(
        f"{this_month:%Y年%m月}发放周期：待审批，合计 {cycle.totals.get('total_fen', 0) / 100:,.2f} 元"
    )
    results["cycle_0"] = cycle.pk
    return results


def _bank_returns(batch, by, rng) -> None:
    """The banks' return files for a batch: nearly all paid, a few accounts closed."""
    import csv
    import io

    payments = selectors.batch_payments(batch)
    for bank in sorted({p["entry"].bank for p in payments}):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["流水号", "金额", "结果", "原因"])
        for p in payments:
            e = p["entry"]
            if e.bank != bank:
                continue
            failed = rng.random() < 0.01
            writer.writerow(
                [
                    e.ref,
                    f"{e.amount_fen / 100:.2f}",
                    "失败" if failed else "成功",
                    "账户已销户" if failed else "",
                ]
            )
        services.bank_return_import(
            by=by, batch=batch, data=out.getvalue().encode(), filename=f"{bank}.csv"
        )
