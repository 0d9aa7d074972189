"""Programmes (补贴项目) and their versioned rules, edited as data by the bureau."""

from __future__ import annotations

import datetime as dt

from yanglao.benefits import rules, selectors, staff_rules
from yanglao.benefits.models import (
    STEP_NAMES,
    Cycle,
    Entitlement,
    PolicyVersion,
    Programme,
)
from yanglao.benefits.services.shared import _require_bureau
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import ValidationFailed
from yanglao.regions.models import Region

# --- programmes and versions ----------------------------------------------------------------------


def programme_create(
    *,
    by,
    code: str,
    name: str,
    region: Region,
    unit: str = "person",
    needs_application: bool = False,
    steps=(),
    funding=None,
    annual_budget_fen: int = 0,
    order: int = 10,
    note: str = "",
) -> Programme:
    _require_bureau(by, region)
    errors = {}
    if Programme.objects.filter(code=code).exists():
        errors["code"] = f"代码 {code} 已被使用"
    wrong = [s for s in steps if s not in STEP_NAMES]
    if wrong:
        errors["steps"] = f"未知的审批环节：{'、'.join(wrong)}"
    if needs_application and not steps:
        errors["steps"] = "需申请的项目至少要有一个审批环节"
    if len(set(steps)) != len(steps):
        errors["steps"] = "同一环节不能出现两次（每个环节由不同角色审批）"
    funding = funding or {"county": 100}
    errors |= _check_funding(funding)
    if errors:
        raise ValidationFailed(errors)
    p = Programme.objects.create(
        code=code,
        name=name,
        region=region,
        unit=unit,
        needs_application=needs_application,
        steps=list(steps),
        funding=funding,
        annual_budget_fen=annual_budget_fen,
        order=order,
        note=note,
    )
    audit_create(by=by, obj=p, summary=f"新建补贴项目 {name}")
    return p


def _check_funding(funding: dict) -> dict[str, str]:
    if set(funding) - {"city", "county", "town"}:
        return {"funding": "资金分担只能是市级、县级、乡镇三级"}
    if any(not isinstance(v, int) or v < 0 for v in funding.values()):
        return {"funding": "分担比例应为非负整数（%）"}
    if sum(funding.values()) != 100:
        return {"funding": f"各级分担比例之和应为100%，现为{sum(funding.values())}%"}
    return {}


def version_create(
    *,
    by,
    programme: Programme,
    version: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    conditions: dict,
    amount: dict,
    note: str = "",
) -> PolicyVersion:
    """A new version of a programme's rules. Refused, naming the reason, when the rules are
    inconsistent (tier gaps or overlaps, fractions of a fen) or its period overlaps another."""
    _require_bureau(by, programme.region)
    names = selectors.programme_names()
    try:
        policy = rules.policy_from_data(
            programme=programme.code,
            name=programme.name,
            version=version,
            effective_from=effective_from,
            effective_to=effective_to,
            conditions=conditions,
            amount=amount,
            unit=programme.unit,
            region_path=programme.region.path,
            region_name=programme.region.name,
            programmes={k: v for k, v in names.items() if k != programme.code},
        )
    except rules.InvalidPolicy as exc:
        raise ValidationFailed(exc.errors) from exc
    if programme.unit in rules.WORKFORCE_UNITS:
        _rule, errors = staff_rules.rule_from_data(
            conditions, policy.amount, programme.unit
        )
        if errors:
            raise ValidationFailed(errors)
    if not version.strip():
        raise ValidationFailed({"version": "请填写版本名称"})
    if programme.versions.filter(version=version).exists():
        raise ValidationFailed({"version": f"版本 {version} 已存在"})
    others = [
        selectors.policy_of(v, names)
        for v in programme.versions.select_related("programme__region")
    ]
    clash = rules.overlapping([*others, policy])
    if clash:
        a, b = clash[0]
        other = a if b == version else b
        raise ValidationFailed(
            {"effective_from": f"有效期与版本 {other} 重叠：请先为旧版本设置终止日期"}
        )
    v = PolicyVersion.objects.create(
        programme=programme,
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        conditions=conditions,
        amount=amount,
        note=note,
        created_by=by,
    )
    audit_create(by=by, obj=v, summary=f"{programme.name} 新政策版本 {version}")
    return v


def version_close(
    *, by, version: PolicyVersion, effective_to: dt.date
) -> PolicyVersion:
    """End a version (so that a new one can start). Months already in approved cycles keep it."""
    _require_bureau(by, version.programme.region)
    if effective_to < version.effective_from:
        raise ValidationFailed({"effective_to": "终止日期早于起始日期"})
    used = Entitlement.objects.filter(
        version=version, cycle__status=Cycle.Status.APPROVED, month__gt=effective_to
    ).exists()
    if used:
        raise ValidationFailed(
            {"effective_to": "终止日期之后的月份已按此版本审批发放，不能提前终止"}
        )
    before = version.effective_to
    version.effective_to = effective_to
    version.save(update_fields=["effective_to"])
    audit(
        by=by,
        action="update",
        obj=version,
        summary=f"终止政策版本 {version.version}",
        before={"effective_to": str(before)},
        after={"effective_to": str(effective_to)},
    )
    return version
