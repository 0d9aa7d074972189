"""Every write of the indicators app: the catalogue, targets, the computation of values, and
reported values (填报) with their approval."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.core.scope import region_path_allowed
from yanglao.indicators import catalogue, progress
from yanglao.indicators.measures import all_measures
from yanglao.indicators.models import Indicator, Report, Target, Value
from yanglao.indicators.periods import bounds, months_of
from yanglao.regions.models import Region


def catalogue_install() -> int:
    """Write the shipped indicator catalogue (catalogue.INDICATORS); definitions already there are
    brought up to date. Returns how many indicators there are."""
    for order, row in enumerate(catalogue.INDICATORS):
        code, category, name, unit, scale, num, den, period, source, top, text = row
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "category": category,
                "name": name,
                "unit": unit,
                "scale": scale,
                "numerator": num,
                "denominator": den,
                "period": period,
                "source": source,
                "max_value": top,
                "definition": text,
                "order": order,
            },
        )
    return Indicator.objects.count()


def targets_install(*, region: Region, document: str) -> int:
    """A document's targets (catalogue.TARGETS) for a region, unless it has them already."""
    made = 0
    indicators = {i.code: i for i in Indicator.objects.all()}
    for (
        code,
        value,
        direction,
        deadline,
        attribute,
        clause,
        base,
        per_child,
    ) in catalogue.TARGETS[document]:
        _target, created = Target.objects.get_or_create(
            indicator=indicators[code],
            region=region,
            document=document,
            defaults={
                "value": value,
                "direction": direction,
                "deadline": dt.date.fromisoformat(deadline),
                "attribute": attribute,
                "clause": clause,
                "baseline_value": base[0] if base else None,
                "baseline_year": base[1] if base else None,
                "per_child": per_child,
            },
        )
        made += created
    return made


def target_create(*, by, indicator: Indicator, region: Region, **values) -> Target:
    """A plan target, checked: a deadline after its baseline year, a value the unit allows."""
    if not permissions.may_keep_targets(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以设定规划目标"})
    if not region_path_allowed(by, region.path):
        raise NotInScope(region.pk)
    errors = target_problems(indicator, values)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        target = Target.objects.create(indicator=indicator, region=region, **values)
        audit_create(by=by, obj=target, summary=f"设定目标 {target}")
    return target


def target_problems(indicator: Indicator, values: dict) -> dict[str, str]:
    errors = {}
    deadline, base_year = values.get("deadline"), values.get("baseline_year")
    if deadline and base_year and deadline.year <= base_year:
        errors["deadline"] = (
            f"完成期限（{deadline.year}年）须晚于基期年份（{base_year}年）"
        )
    value = values.get("value")
    if value is not None and (
        value < 0 or (indicator.max_value is not None and value > indicator.max_value)
    ):
        errors["value"] = (
            f"目标值须在 0 到 {indicator.max_value:g}{indicator.unit} 之间"
        )
    if values.get("direction") not in {d.value for d in progress.Direction}:
        errors["direction"] = "方向须为 >=、<= 或 ="
    return errors


# ---------------------------------------------------------------------------------------------
# Computing values


def recompute(
    periods: list[str], *, report: Callable[[str], None] = lambda m: None
) -> dict[str, float]:
    """Compute every computed indicator for every region and each period from the records: each
    measure is counted once per period (one grouped query), summed up the region tree in memory,
    and the period's values are replaced in one transaction. Returns seconds per period."""
    indicators = list(Indicator.objects.filter(source=Indicator.Source.COMPUTED))
    measures = all_measures()
    tree = _RegionTree()
    took = {}
    for n, period in enumerate(periods, 1):
        started = time.perf_counter()
        start, end = bounds(period)
        counted = {}
        for ind in indicators:
            for code in filter(None, (ind.numerator, ind.denominator)):
                if code not in counted:
                    counted[code] = tree.rolled_up(measures[code].count(start, end))
        now = timezone.now()
        rows = []
        for ind in indicators:
            num = counted.get(ind.numerator)
            if num is None:
                continue
            den = counted.get(ind.denominator) if ind.denominator else None
            for region_id in tree.ids:
                n_value = num.get(region_id, 0)
                d_value = den.get(region_id, 0) if den is not None else None
                if not n_value and not d_value:
                    continue  # nothing to count here: shown as "—" with the reason
                v = progress.ratio(n_value, d_value, ind.scale)
                rows.append(
                    Value(
                        indicator=ind,
                        region_id=region_id,
                        period=period,
                        numerator=v.numerator,
                        denominator=v.denominator,
                        value=v.value,
                        missing=v.missing,
                        source=Indicator.Source.COMPUTED,
                        computed_at=now,
                    )
                )
        with transaction.atomic():
            Value.objects.filter(
                period=period, source=Indicator.Source.COMPUTED
            ).delete()
            Value.objects.bulk_create(rows, batch_size=2000)
        took[period] = time.perf_counter() - started
        report(f"{period}：{len(rows)} 个指标值（{n}/{len(periods)}）")
    return took


def recompute_year(year: int, **kw) -> dict[str, float]:
    """A year and each of its months up to this month."""
    return recompute([str(year), *months_of(year)], **kw)


def refresh_current(*, max_age_seconds: int = 60) -> bool:
    """Recompute this month and this year if their values are older than `max_age_seconds` (the
    alarm clock calls this every minute, so a change in the records shows within a minute or
    two). Returns whether it recomputed."""
    today = timezone.localdate()
    periods = [str(today.year), f"{today:%Y-%m}"]
    newest = (
        Value.objects.filter(period__in=periods, source=Indicator.Source.COMPUTED)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )
    if newest and (timezone.now() - newest).total_seconds() < max_age_seconds:
        return False
    recompute(periods)
    return True


class _RegionTree:
    """Sums counts made at any level into every ancestor (a county's count is the sum of its
    villages'); never averages."""

    def __init__(self):
        rows = list(Region.objects.values_list("pk", "path"))
        by_path = {path: pk for pk, path in rows}
        self.ids = [pk for pk, _p in rows]
        self.ancestors = {}
        for pk, path in rows:
            codes = [c for c in path.split("/") if c]
            self.ancestors[pk] = [
                by_path["/".join(codes[:i]) + "/"]
                for i in range(1, len(codes) + 1)
                if "/".join(codes[:i]) + "/" in by_path
            ]

    def rolled_up(self, counts: dict[int, float]) -> dict[int, float]:
        total: dict[int, float] = defaultdict(float)
        for region_id, n in counts.items():
            for ancestor in self.ancestors.get(region_id, ()):
                total[ancestor] += n
        return total


# ---------------------------------------------------------------------------------------------
# 填报


def report_submit(
    *,
    by,
    indicator: Indicator,
    region: Region,
    period: str,
    numerator: float,
    denominator: float | None,
    evidence: str,
    attachment=None,
) -> Report:
    """A clerk reports a figure the platform does not hold; it counts once another approves it."""
    if not permissions.may_report_indicators(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以填报指标"})
    if not region_path_allowed(by, region.path):
        raise NotInScope(region.pk)
    errors = report_problems(indicator, period, numerator, denominator, evidence)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        report = Report.objects.create(
            indicator=indicator,
            region=region,
            period=period,
            numerator=numerator,
            denominator=denominator,
            evidence=evidence.strip(),
            attachment=attachment or "",
            reported_by=by,
        )
        audit_create(
            by=by, obj=report, summary=f"填报 {indicator.name} {region.name} {period}"
        )
    return report


def report_problems(
    indicator, period, numerator, denominator, evidence
) -> dict[str, str]:
    errors = {}
    if indicator.source != Indicator.Source.REPORTED:
        errors["indicator"] = "该指标由系统根据业务数据计算，不能填报"
    try:
        start, _end = bounds(period)
        if start > timezone.localdate():
            errors["period"] = "统计期不能晚于今天"
    except ValueError as exc:
        errors["period"] = str(exc)
    if numerator is None or numerator < 0:
        errors["numerator"] = "须为不小于 0 的数"
    if indicator.unit in ("%", "‰"):
        if denominator is None or denominator <= 0:
            errors["denominator"] = "比率指标须填写大于 0 的分母"
        elif numerator is not None and indicator.max_value is not None:
            value = numerator / denominator * indicator.scale
            if value > indicator.max_value:
                errors["numerator"] = (
                    f"分子 ÷ 分母 = {value:.1f}{indicator.unit}，超过 {indicator.max_value:g}{indicator.unit}"
                )
    if not (evidence or "").strip():
        errors["evidence"] = "请写明数据依据（文件名、文号或台账）"
    return errors


def report_decide(*, by, report: Report, approve: bool, reason: str = "") -> Report:
    """Approve (the figure becomes the period's value, marked 填报) or return with a reason. The
    reporter cannot approve their own figure."""
    if not permissions.may_report_indicators(by):
        raise ValidationFailed({"__all__": "只有民政局工作人员可以审核填报"})
    if not region_path_allowed(by, report.region.path):
        raise NotInScope(report.pk)
    if report.reported_by_id == by.pk:
        raise ValidationFailed(
            {"__all__": "不能审核自己填报的数据，请由另一位工作人员审核"}
        )
    if not approve and not reason.strip():
        raise ValidationFailed({"reason": "退回须写明原因"})
    with transaction.atomic():
        # the row as it is now: two reviewers deciding at once, or a stale page, decide once
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.state != Report.State.PENDING:
            raise ValidationFailed({"__all__": f"该填报{report.get_state_display()}"})
        report.state = Report.State.APPROVED if approve else Report.State.REJECTED
        report.decided_by, report.decided_at, report.reason = (
            by,
            timezone.now(),
            reason.strip(),
        )
        report.save()
        if approve:
            v = progress.ratio(
                report.numerator, report.denominator, report.indicator.scale
            )
            Value.objects.update_or_create(
                indicator=report.indicator,
                region=report.region,
                period=report.period,
                defaults={
                    "numerator": v.numerator,
                    "denominator": v.denominator,
                    "value": v.value,
                    "missing": v.missing,
                    "source": Indicator.Source.REPORTED,
                    "computed_at": report.decided_at,
                },
            )
        audit(
            by=by,
            action="event",
            obj=report,
            summary=f"{'通过' if approve else '退回'}填报 {report.indicator.name} {report.period}",
        )
    return report
