"""Subsidy programmes as data, and their evaluation (issue 6 §1–2). Pure module: no Django import.

A policy version holds eligibility conditions and an amount rule; `evaluate` decides, for one
person's facts on a date, whether they are eligible, the amount (integer 分) and an explanation
listing every condition met or failed — the sentence a clerk reads to a family. Tier tables are
checked for gaps and overlaps when a version is made, not when money is paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

CATEGORY_NAMES = {
    "tekun": "特困供养",
    "dibao": "低保",
    "dibao_edge": "低保边缘/低收入",
    "family_planning": "计划生育特殊家庭",
    "youfu": "重点优抚对象",
    "disabled": "重度残疾",
    "dementia": "失智",
}
LIVING_NAMES = {
    "alone": "独居",
    "empty_nest": "空巢",
    "left_behind": "留守",
    "with_children": "与子女同住",
    "other": "其他",
}
LEVEL_NAMES = {
    0: "能力完好",
    1: "轻度失能",
    2: "中度失能",
    3: "重度失能",
    4: "完全失能",
}


FACILITY_GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
# 年度服务质量评价 results in order (Jingdezhen 三.(八).1); 0: not evaluated.
EVALUATION_RANKS = {1: "基本合格", 2: "合格", 3: "优秀"}


class InvalidPolicy(ValueError):
    """A policy that cannot be used; `errors` names each problem in Chinese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Facts:
    age: int
    hukou_path: str = ""  # materialised region path, e.g. "360000/360200/360222/"
    residence_path: str = ""
    categories: frozenset[str] = frozenset()
    ability_level: int | None = None  # from the latest valid GB/T 42195-2022 result
    living: str = ""
    in_institution: bool = False
    facility_grade: int = (
        0  # GB/T 37276 grade (1–5) of the institution lived in; 0: none
    )
    # the institution's latest yearly evaluation (EVALUATION_RANKS; 0: none or 不合格)
    facility_evaluation: int = 0
    receiving: frozenset[str] = (
        frozenset()
    )  # programme codes the person already receives
    gone: str = ""  # why the person is not in the registry on the day ("2026年08月20日死亡"), or ""


@dataclass(frozen=True)
class Conditions:
    min_age: int | None = None
    max_age: int | None = None
    hukou_in: str = ""  # region path prefix; "" = anywhere
    residence_in: str = ""
    region_name: str = ""  # for the explanation ("景德镇市")
    categories_any: frozenset[str] = frozenset()
    min_level: int | None = None
    max_level: int | None = None
    living_any: frozenset[str] = frozenset()
    in_institution: bool | None = (
        None  # True: only residents; False: only at home; None: either
    )
    excludes: frozenset[str] = frozenset()  # not while receiving these programmes
    # 运营补贴 tied to grade: the institution lived in holds a valid grade of at least this
    min_facility_grade: int | None = None
    # 评价结果与补贴挂钩: the institution's latest yearly evaluation is at least this rank
    min_facility_evaluation: int | None = None


@dataclass(frozen=True)
class Tier:
    low: int  # inclusive (age or level), or 0 for category tiers
    high: int | None  # inclusive; None = no upper bound
    amount_fen: int
    category: str = ""  # for tiers by category


@dataclass(frozen=True)
class Amount:
    """Per person per month: a flat amount, or tiers by age, level or category (the highest
    matching category tier when a person holds several)."""

    by: str = "flat"  # flat / age / level / category
    flat_fen: int = 0
    tiers: tuple[Tier, ...] = ()
    # item programmes (按事项): the share of an item's cost the programme pays, flat_fen being
    # the ceiling per item (适老化改造: 100% of the basic items, at most 3,000 元 a household)
    share_percent: int = 100
    # item programmes: at most this many units a person a year (喘息服务: 21 days), None: no cap
    per_year: int | None = None


@dataclass(frozen=True)
class Policy:
    programme: str  # code, e.g. "gaoling"
    name: str  # 高龄津贴
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    conditions: Conditions
    amount: Amount
    unit: str = "person"  # person: paid to the person; institution: to the institution they live in
    other_names: tuple[
        tuple[str, str], ...
    ] = ()  # names of excluded programmes, for the text


@dataclass
class Decision:
    eligible: bool
    amount_fen: int
    explanation: list[tuple[str, bool]] = field(default_factory=list)
    tier: str = ""  # the standard applied, e.g. "90–99岁档"

    @property
    def text(self) -> str:
        marks = "；".join(("✓ " if ok else "✗ ") + why for why, ok in self.explanation)
        return marks


def check_policy(p: Policy) -> None:
    """Refuse a policy whose amounts cannot be paid as written: tiers with gaps or overlaps,
    negative amounts, fractions of a fen are impossible by type (integers)."""
    errors: dict[str, str] = {}
    a = p.amount
    if p.effective_to is not None and p.effective_to < p.effective_from:
        errors["effective_to"] = "终止日期早于起始日期"
    if a.by not in ("flat", "age", "level", "category"):
        errors["amount.by"] = "金额规则应为统一标准、按年龄、按能力等级或按类别"
    if a.by == "flat" and a.flat_fen < 0:
        errors["amount.flat_fen"] = "金额不能为负数"
    if a.by in ("age", "level"):
        tiers = sorted(a.tiers, key=lambda t: t.low)
        if not tiers:
            errors["amount.tiers"] = "缺少分档"
        for i, t in enumerate(tiers):
            if t.amount_fen < 0:
                errors[f"amount.tiers[{i}]"] = "金额不能为负数"
            if t.high is not None and t.high < t.low:
                errors[f"amount.tiers[{i}]"] = f"分档 {t.low}–{t.high} 上限小于下限"
            if i and tiers[i - 1].high is None:
                errors[f"amount.tiers[{i}]"] = f"分档 {t.low} 起与上一档（无上限）重叠"
            elif i and t.low <= tiers[i - 1].high:
                errors[f"amount.tiers[{i}]"] = (
                    f"分档 {t.low} 起与上一档（至 {tiers[i - 1].high}）重叠"
                )
            elif i and t.low > tiers[i - 1].high + 1:
                errors[f"amount.tiers[{i}]"] = (
                    f"分档之间有空档：{tiers[i - 1].high + 1}–{t.low - 1} 没有标准"
                )
    if a.by == "category":
        seen = [t.category for t in a.tiers]
        if not seen:
            errors["amount.tiers"] = "缺少分档"
        if len(seen) != len(set(seen)):
            errors["amount.tiers"] = "同一类别出现了两个标准"
    if errors:
        raise InvalidPolicy(errors)


def overlapping(versions: Sequence[Policy]) -> list[tuple[str, str]]:
    """Pairs of versions of one programme whose effective periods overlap (refused on save)."""
    found = []
    ordered = sorted(versions, key=lambda v: v.effective_from)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.effective_to is None or a.effective_to >= b.effective_from:
            found.append((a.version, b.version))
    return found


def _age_text(c: Conditions) -> str:
    if c.min_age is not None and c.max_age is not None:
        return f"年龄 {c.min_age}–{c.max_age} 周岁"
    if c.min_age is not None:
        return f"年满 {c.min_age} 周岁"
    return f"不超过 {c.max_age} 周岁"


def evaluate(p: Policy, f: Facts, day: dt.date) -> Decision:
    """Eligibility, amount and explanation of one person under one policy version on `day`."""
    c = p.conditions
    checks: list[tuple[str, bool]] = []
    in_force = p.effective_from <= day and (
        p.effective_to is None or day <= p.effective_to
    )
    checks.append((f"{p.name}（{p.version}）在 {day:%Y年%m月%d日} 有效", in_force))
    checks.append((f"在世且在册（{f.gone}）" if f.gone else "在世且在册", not f.gone))
    if c.min_age is not None or c.max_age is not None:
        ok = (c.min_age is None or f.age >= c.min_age) and (
            c.max_age is None or f.age <= c.max_age
        )
        checks.append((f"{_age_text(c)}（本人 {f.age} 周岁）", ok))
    if c.hukou_in:
        checks.append(
            (f"户籍在{c.region_name or '本地'}", f.hukou_path.startswith(c.hukou_in))
        )
    if c.residence_in:
        checks.append(
            (
                f"居住在{c.region_name or '本地'}",
                f.residence_path.startswith(c.residence_in),
            )
        )
    if c.categories_any:
        names = "、".join(CATEGORY_NAMES.get(x, x) for x in sorted(c.categories_any))
        checks.append((f"属于 {names} 之一", bool(c.categories_any & f.categories)))
    if c.min_level is not None or c.max_level is not None:
        level = f.ability_level
        ok = (
            level is not None
            and (c.min_level is None or level >= c.min_level)
            and (c.max_level is None or level <= c.max_level)
        )
        shown = (
            "未评估或评估已过期"
            if level is None
            else f"{level}级 {LEVEL_NAMES.get(level, '')}"
        )
        wanted = (
            f"{c.min_level}级及以上"
            if c.max_level is None
            else f"{c.min_level or 0}–{c.max_level}级"
        )
        checks.append((f"能力等级 {wanted}（本人：{shown}）", ok))
    if c.living_any:
        names = "、".join(LIVING_NAMES.get(x, x) for x in sorted(c.living_any))
        checks.append((f"居住情况为 {names}", f.living in c.living_any))
    if c.in_institution is not None:
        text = "入住养老机构" if c.in_institution else "居家（未入住养老机构）"
        checks.append((text, f.in_institution == c.in_institution))
    if c.min_facility_grade is not None:
        shown = FACILITY_GRADE_NAMES.get(f.facility_grade, "未评定或未入住")
        checks.append(
            (
                f"入住机构等级{FACILITY_GRADE_NAMES[c.min_facility_grade]}及以上（本人入住机构：{shown}）",
                f.facility_grade >= c.min_facility_grade,
            )
        )
    if c.min_facility_evaluation is not None:
        shown = EVALUATION_RANKS.get(f.facility_evaluation, "未评价、不合格或未入住")
        checks.append(
            (
                f"入住机构年度服务质量评价{EVALUATION_RANKS[c.min_facility_evaluation]}及以上（本人入住机构：{shown}）",
                f.facility_evaluation >= c.min_facility_evaluation,
            )
        )
    names = dict(p.other_names)
    for code in sorted(c.excludes):
        checks.append((f"未同时享受{names.get(code, code)}", code not in f.receiving))
    eligible = all(ok for _why, ok in checks)
    amount, why, tier = _amount(p.amount, f)
    if p.unit in ITEM_UNITS and p.amount.by == "flat":
        # an item programme's flat amount is a standard per event (per day, or the ceiling per
        # household), not a monthly payment: the claim that pays it says how it was reckoned
        why = f"补贴标准 {amount / 100:.2f} 元（按事项核定）"
    if eligible and why:
        checks.append((why, amount > 0))
        eligible = amount > 0
    return Decision(
        eligible, amount if eligible else 0, checks, tier if eligible else ""
    )


def _amount(a: Amount, f: Facts) -> tuple[int, str, str]:
    """(amount, the sentence saying which standard applies, the tier's short name)."""
    if a.by == "flat":
        return a.flat_fen, f"标准 {a.flat_fen / 100:.2f} 元/月", "统一标准"
    if a.by == "category":
        held = [t for t in a.tiers if t.category in f.categories]
        if not held:
            return 0, "不属于任何有标准的类别", ""
        best = max(held, key=lambda t: t.amount_fen)
        name = CATEGORY_NAMES.get(best.category, best.category)
        return best.amount_fen, f"按{name}标准 {best.amount_fen / 100:.2f} 元/月", name
    value = f.age if a.by == "age" else f.ability_level
    if value is None:
        return 0, "能力等级：未评估或评估已过期", ""
    for t in a.tiers:
        if value >= t.low and (t.high is None or value <= t.high):
            band = f"{t.low}+" if t.high is None else f"{t.low}–{t.high}"
            if t.high == t.low:
                band = f"{t.low}"
            unit = "岁" if a.by == "age" else "级"
            own = (
                "" if a.by == "age" else f"本人{value}级{LEVEL_NAMES.get(value, '')}，"
            )
            return (
                t.amount_fen,
                f"{own}{band}{unit}档 {t.amount_fen / 100:.2f} 元/月",
                f"{band}{unit}档",
            )
    return 0, "不在任何分档内", ""


# --- rules as data (what a bureau edits and the database stores) --------------------------------

AMOUNT_BY = {
    "flat": "统一标准",
    "age": "按年龄分档",
    "level": "按能力等级分档",
    "category": "按困难类别",
}
UNITS = {
    "person": "按人按月发给本人",
    "institution": "按入住老年人按月拨付给养老机构",
    "item": "按事项核定拨付（适老化改造、喘息服务等）",
    "staff": "按从业人员发放（入职奖励、岗位补贴、从业年限补贴）",
    "retention": "按见习留用人数拨付给用人单位",
    "bed": "按新增护理型床位一次性拨付给养老机构",
}
# Programmes whose payees are staff, units or beds rather than older people (benefits.staff_rules).
WORKFORCE_UNITS = frozenset({"staff", "retention", "bed"})
# Programmes paid per event (benefits.models.Claim), not by re-checking every person each month.
ITEM_UNITS = frozenset({"item"})


def _int_or_none(errors: dict, key: str, value, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = "应为整数"
        return None
    if not low <= value <= high:
        errors[key] = f"应在 {low}–{high} 之间"
        return None
    return value


def _fen(errors: dict, key: str, value) -> int:
    """Amounts are integer 分: 12.5 分 or a string is refused, never rounded."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = "金额应为整数分（不能有不足一分的零头）"
        return 0
    if value < 0:
        errors[key] = "金额不能为负数"
    return value


def _codes(errors: dict, key: str, values, known) -> frozenset[str]:
    values = list(values or [])
    wrong = [str(v) for v in values if v not in known]
    if wrong:
        errors[key] = f"未知的取值：{'、'.join(wrong)}"
    return frozenset(v for v in values if v in known)


def conditions_from_data(
    data: dict, *, region_path: str, region_name: str, programmes=()
) -> tuple[Conditions, dict[str, str]]:
    """Conditions from their stored form: `hukou_local`/`residence_local` mean the programme's
    own region (its path is only known where the programme is)."""
    e: dict[str, str] = {}
    c = Conditions(
        min_age=_int_or_none(e, "conditions.min_age", data.get("min_age"), 0, 150),
        max_age=_int_or_none(e, "conditions.max_age", data.get("max_age"), 0, 150),
        hukou_in=region_path if data.get("hukou_local") else "",
        residence_in=region_path if data.get("residence_local") else "",
        region_name=region_name,
        categories_any=_codes(
            e, "conditions.categories_any", data.get("categories_any"), CATEGORY_NAMES
        ),
        min_level=_int_or_none(e, "conditions.min_level", data.get("min_level"), 0, 4),
        max_level=_int_or_none(e, "conditions.max_level", data.get("max_level"), 0, 4),
        living_any=_codes(
            e, "conditions.living_any", data.get("living_any"), LIVING_NAMES
        ),
        in_institution=data.get("in_institution"),
        excludes=_codes(
            e, "conditions.excludes", data.get("excludes"), set(programmes)
        ),
        min_facility_grade=_int_or_none(
            e, "conditions.min_facility_grade", data.get("min_facility_grade"), 1, 5
        ),
        min_facility_evaluation=_int_or_none(
            e,
            "conditions.min_facility_evaluation",
            data.get("min_facility_evaluation"),
            1,
            3,
        ),
    )
    if c.in_institution not in (None, True, False):
        e["conditions.in_institution"] = "应为 是/否/不限"
    if c.min_age is not None and c.max_age is not None and c.max_age < c.min_age:
        e["conditions.max_age"] = "最高年龄小于最低年龄"
    if (
        c.min_level is not None
        and c.max_level is not None
        and c.max_level < c.min_level
    ):
        e["conditions.max_level"] = "最高等级小于最低等级"
    return c, e


def amount_from_data(data: dict) -> tuple[Amount, dict[str, str]]:
    e: dict[str, str] = {}
    by = data.get("by", "flat")
    if by not in AMOUNT_BY:
        e["amount.by"] = "金额规则应为统一标准、按年龄、按能力等级或按类别"
    tiers = []
    for i, t in enumerate(data.get("tiers") or []):
        key = f"amount.tiers[{i}]"
        low = _int_or_none(e, key, t.get("low", 0), 0, 150) or 0
        high = _int_or_none(e, key, t.get("high"), 0, 150)
        category = t.get("category", "") or ""
        if by == "category" and category not in CATEGORY_NAMES:
            e[key] = f"未知的类别：{category}"
        tiers.append(Tier(low, high, _fen(e, key, t.get("amount_fen")), category))
    flat = _fen(e, "amount.flat_fen", data.get("flat_fen", 0)) if by == "flat" else 0
    share = _int_or_none(e, "amount.share_percent", data.get("share_percent"), 1, 100)
    per_year = _int_or_none(e, "amount.per_year", data.get("per_year"), 1, 366)
    amount = Amount(
        by=by,
        flat_fen=flat,
        tiers=tuple(tiers),
        share_percent=share or 100,
        per_year=per_year,
    )
    return amount, e


def policy_from_data(
    *,
    programme: str,
    name: str,
    version: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    conditions: dict,
    amount: dict,
    unit: str = "person",
    region_path: str = "",
    region_name: str = "",
    programmes: dict[str, str] | None = None,
) -> Policy:
    """The policy a stored version describes, checked: raises InvalidPolicy naming every problem."""
    programmes = programmes or {}
    c, errors = conditions_from_data(
        conditions,
        region_path=region_path,
        region_name=region_name,
        programmes=programmes,
    )
    a, amount_errors = amount_from_data(amount)
    errors |= amount_errors
    if unit not in UNITS:
        errors["unit"] = "发放对象应为本人、养老机构或按事项"
    others = tuple(sorted((k, v) for k, v in programmes.items() if k in c.excludes))
    policy = Policy(
        programme, name, version, effective_from, effective_to, c, a, unit, others
    )
    if errors:
        raise InvalidPolicy(errors)
    check_policy(policy)
    return policy


def _tier_text(by: str, t: Tier) -> str:
    money = f"{t.amount_fen / 100:.2f} 元"
    if by == "category":
        return f"{CATEGORY_NAMES.get(t.category, t.category)} {money}"
    unit = "周岁" if by == "age" else "级"
    band = f"{t.low}{unit}及以上" if t.high is None else f"{t.low}–{t.high}{unit}"
    if by == "level":
        names = "、".join(
            LEVEL_NAMES[x]
            for x in range(t.low, (t.high if t.high is not None else 4) + 1)
            if x in LEVEL_NAMES
        )
        band += f"（{names}）"
    return f"{band} {money}"


def describe(p: Policy) -> list[str]:
    """The policy in plain Chinese, a line per rule — what the programme page shows back."""
    c, a = p.conditions, p.amount
    until = f"至 {p.effective_to:%Y年%m月%d日}" if p.effective_to else "起长期有效"
    lines = [f"{p.effective_from:%Y年%m月%d日} {until}；{UNITS.get(p.unit, p.unit)}"]
    if c.min_age is not None or c.max_age is not None:
        lines.append(_age_text(c) + "（按当月1日计）")
    if c.hukou_in:
        lines.append(f"户籍在{c.region_name or '本地'}")
    if c.residence_in:
        lines.append(f"居住在{c.region_name or '本地'}")
    if c.categories_any:
        lines.append(
            "属于以下类别之一："
            + "、".join(CATEGORY_NAMES[x] for x in sorted(c.categories_any))
        )
    if c.min_level is not None or c.max_level is not None:
        low = c.min_level or 0
        high = 4 if c.max_level is None else c.max_level
        lines.append(
            "能力等级（有效评估结果）为："
            + "、".join(LEVEL_NAMES[x] for x in range(low, high + 1))
        )
    if c.living_any:
        lines.append(
            "居住情况为：" + "、".join(LIVING_NAMES[x] for x in sorted(c.living_any))
        )
    if c.in_institution is not None:
        lines.append("入住养老机构" if c.in_institution else "居家（未入住养老机构）")
    if c.min_facility_grade is not None:
        lines.append(
            f"入住的养老机构等级评定（GB/T 37276-2018）为{FACILITY_GRADE_NAMES[c.min_facility_grade]}及以上且在有效期内"
        )
    if c.min_facility_evaluation is not None:
        lines.append(
            f"入住的养老机构最近一次年度服务质量评价为{EVALUATION_RANKS[c.min_facility_evaluation]}及以上"
        )
    names = dict(p.other_names)
    for code in sorted(c.excludes):
        lines.append(f"不与{names.get(code, code)}同时享受")
    if a.by == "flat":
        lines.append(f"标准：每月 {a.flat_fen / 100:.2f} 元")
    else:
        tiers = sorted(a.tiers, key=lambda t: (t.low, t.category))
        lines.append(
            f"标准（{AMOUNT_BY[a.by]}）："
            + "；".join(_tier_text(a.by, t) for t in tiers)
        )
        if a.by == "category":
            lines.append("同时属于多个类别的，按最高标准发放一份")
    return lines


FUNDING_LEVELS = ("city", "county", "town")


def split_funding(amount_fen: int, shares: dict[str, int]) -> tuple[int, int, int]:
    """(市级, 县级, 乡镇) parts of an amount by percentage shares; whole fen, the rounding remainder
    to the last level that pays, so the parts always add up to the amount (negative amounts —
    recoveries — split the same way)."""
    sign = -1 if amount_fen < 0 else 1
    whole = abs(amount_fen)
    parts = [whole * shares.get(level, 0) // 100 for level in FUNDING_LEVELS]
    payers = [i for i, level in enumerate(FUNDING_LEVELS) if shares.get(level, 0)]
    last = payers[-1] if payers else 1
    parts[last] += whole - sum(parts)
    return tuple(sign * p for p in parts)  # type: ignore[return-value]
