"""Subsidies to the care workforce and to new beds (issue 25 §5), as data. Pure module: no Django.

Staff programmes (unit ``staff``) pay a person working in a facility or for a provider, each
month's cycle re-checking everyone of the region:

- 入职奖励 (kind ``entry``): once, from the month the person completes ``min_months`` in post;
- 岗位补贴 (kind ``skill``): monthly, by 养老护理员技能等级 (tiers on the level, 5 = 初级 … 1 =
  高级技师, the amount's ``level`` tiers);
- 从业年限补贴 (kind ``years``): monthly, by whole years in post (the amount's ``age`` tiers read
  as years).

Each needs a role among ``roles`` (default 养老护理员), in post the whole month, and nobody on the
从业禁止 list (Baoshan 17; Jingdezhen 三.(六).2). 见习留用补贴 (unit ``retention``) pays the unit, once
per trainee, in the month the trainee's 见习期 ends and they stay, when the unit kept at least
``min_retention`` % of the trainees whose 见习期 ended in the last twelve months — at
``share_percent`` of the minimum wage (the amount's ``flat_fen``; Jingdezhen: 100%, ≥ 50%).
The construction subsidy (unit ``bed``) pays an institution once per new 护理型 bed accepted
(验收) since the version began: 民办 institutions only, none that charge membership fees
(Jingdezhen 三.(五).1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yanglao.benefits.rules import Amount, Decision

STAFF_KINDS = {"entry": "入职奖励", "skill": "岗位补贴", "years": "从业年限补贴"}
ROLE_NAMES = {
    "carer": "养老护理员",
    "social_worker": "社会工作者",
    "nurse": "护士",
    "doctor": "医生",
    "director": "院长",
    "other": "其他",
}
SKILL_NAMES = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}


@dataclass(frozen=True)
class StaffRule:
    kind: str
    roles: frozenset[str]
    min_months: int
    min_retention: int


def rule_from_data(
    conditions: dict, amount: Amount, unit: str
) -> tuple[StaffRule, dict]:
    """A staff or retention programme's rule from its stored conditions, checked; errors name
    each problem in Chinese."""
    e: dict[str, str] = {}
    kind = conditions.get("kind", "")
    if unit == "staff" and kind not in STAFF_KINDS:
        e["conditions.kind"] = (
            "应为 入职奖励（entry）、岗位补贴（skill）或从业年限补贴（years）"
        )
    roles = conditions.get("roles") or ["carer"]
    unknown = [r for r in roles if r not in ROLE_NAMES]
    if unknown:
        e["conditions.roles"] = f"未知的岗位：{'、'.join(unknown)}"
    months = conditions.get("min_months", 12)
    if not isinstance(months, int) or not 1 <= months <= 120:
        e["conditions.min_months"] = "应为 1–120 之间的月数"
        months = 12
    retention = conditions.get("min_retention", 50)
    if not isinstance(retention, int) or not 1 <= retention <= 100:
        e["conditions.min_retention"] = "应为 1–100 之间的百分比"
        retention = 50
    wanted_by = {"entry": "flat", "skill": "level", "years": "age"}.get(kind, "flat")
    if unit == "retention":
        wanted_by = "flat"
    if unit in ("staff", "retention") and amount.by != wanted_by:
        e["amount.by"] = {
            "flat": "应为统一标准",
            "level": "应按技能等级分档（等级 1–5）",
            "age": "应按从业年限分档（年）",
        }[wanted_by]
    return StaffRule(kind, frozenset(roles), months, retention), e


@dataclass(frozen=True)
class StaffFacts:
    name: str
    post: str  # 岗位 (facilities.StaffRole), not an account's role
    skill_level: int | None  # 1–5, None: no certificate
    hired_on: dt.date
    left_on: dt.date | None
    banned: bool


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (a person hired on 15 March has 1 month on 15 April)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def _month_end(month: dt.date) -> dt.date:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def evaluate_staff(
    rule: StaffRule,
    amount: Amount,
    f: StaffFacts,
    month: dt.date,
    name: str,
    since: dt.date,
) -> Decision:
    """One person under one staff programme for `month` (its first day); `since` is the day the
    version took effect (入职奖励 rewards those who joined from then on)."""
    end = _month_end(month)
    checks: list[tuple[str, bool]] = []
    roles = "、".join(ROLE_NAMES[r] for r in sorted(rule.roles))
    checks.append(
        (
            f"岗位为{roles}（本人：{ROLE_NAMES.get(f.post, f.post)}）",
            f.post in rule.roles,
        )
    )
    in_post = f.hired_on <= month and (f.left_on is None or f.left_on >= end)
    shown = f"{f.hired_on:%Y年%m月%d日}入职" + (
        f"，{f.left_on:%Y年%m月%d日}离职" if f.left_on else ""
    )
    checks.append((f"本月全月在岗（{shown}）", in_post))
    checks.append(("不在从业禁止名单", not f.banned))
    served = months_between(f.hired_on, end)
    value, tier = 0, ""
    if rule.kind == "entry":
        joined = f"{since:%Y年%m月%d日}以后入职（本人 {f.hired_on:%Y年%m月%d日}）"
        checks.append((joined, f.hired_on >= since))
        # once: the cycle leaves out those already paid
        done = served >= rule.min_months
        checks.append(
            (f"入职满 {rule.min_months} 个月（本人已满 {served} 个月）", done)
        )
        value, tier = amount.flat_fen, "入职奖励"
    elif rule.kind == "skill":
        level = f.skill_level
        band = _tier(amount, level)
        shown = SKILL_NAMES.get(level, "无等级证书") if level else "无等级证书"
        checks.append(
            (f"持有养老护理员职业技能等级证书（本人：{shown}）", band is not None)
        )
        if band is not None:
            value, tier = band, shown
    else:  # years
        years = served // 12
        band = _tier(amount, years)
        checks.append(
            (f"从业年限在补贴分档内（本人：满 {years} 年）", band is not None)
        )
        if band is not None:
            value, tier = band, f"满{years}年"
    eligible = all(ok for _why, ok in checks)
    if eligible:
        checks.append((f"{name}标准 {value / 100:,.2f} 元", value > 0))
    return Decision(eligible and value > 0, value if eligible else 0, checks, tier)


def _tier(amount: Amount, value: int | None) -> int | None:
    if value is None:
        return None
    for t in amount.tiers:
        if value >= t.low and (t.high is None or value <= t.high):
            return t.amount_fen
    return None


def retention_rate(ended: list[tuple[dt.date, dt.date | None]]) -> tuple[int, int]:
    """(stayed, ended) over trainees whose 见习期 ended: (internship end, left on) pairs; a
    trainee stayed when they had not left by the end of their internship."""
    stayed = sum(1 for until, left in ended if left is None or left > until)
    return stayed, len(ended)


def evaluate_retention(
    rule: StaffRule,
    amount: Amount,
    stayed: int,
    ended: int,
    trainee: str,
    until: dt.date,
) -> Decision:
    rate = stayed * 100 // ended if ended else 0
    value = amount.flat_fen * amount.share_percent // 100
    checks = [
        (f"{trainee} 见习期于 {until:%Y年%m月%d日} 期满并留用", True),
        (
            f"单位近12个月见习期满 {ended} 人、留用 {stayed} 人，留用率 {rate}%（须达到 {rule.min_retention}%）",
            ended > 0 and stayed * 100 >= rule.min_retention * ended,
        ),
    ]
    eligible = all(ok for _why, ok in checks)
    if eligible:
        checks.append(
            (
                f"按最低工资标准 {amount.flat_fen / 100:,.2f} 元的 {amount.share_percent}% 计 {value / 100:,.2f} 元",
                value > 0,
            )
        )
    return Decision(
        eligible and value > 0, value if eligible else 0, checks, "见习留用"
    )


@dataclass(frozen=True)
class BedFacts:
    code: str
    facility: str
    kind: str  # nursing / ordinary
    ownership: str  # public / public_private / private
    membership_fee: bool
    created_on: dt.date | None
    accepted_on: dt.date | None


def evaluate_bed(
    amount: Amount, f: BedFacts, since: dt.date, month: dt.date
) -> Decision:
    """建设补贴 for one new bed, once (the cycle leaves out beds already paid), from the month of
    its acceptance (验收)."""
    checks = [
        (f"护理型床位（{f.facility} {f.code}）", f.kind == "nursing"),
        ("民办养老机构", f.ownership == "private"),
        ("不收取会员费", not f.membership_fee),
        (
            f"{since:%Y年%m月%d日}以后新建（建成 {f.created_on:%Y年%m月%d日}）"
            if f.created_on
            else "新建床位（未登记建成日期）",
            f.created_on is not None and f.created_on >= since,
        ),
        (
            f"已通过验收（{f.accepted_on:%Y年%m月%d日}）"
            if f.accepted_on
            else "已通过验收",
            f.accepted_on is not None and f.accepted_on <= _month_end(month),
        ),
    ]
    eligible = all(ok for _why, ok in checks)
    if eligible:
        checks.append(
            (f"每张 {amount.flat_fen / 100:,.2f} 元，一次性拨付", amount.flat_fen > 0)
        )
    return Decision(
        eligible and amount.flat_fen > 0,
        amount.flat_fen if eligible else 0,
        checks,
        "新增护理型床位",
    )
