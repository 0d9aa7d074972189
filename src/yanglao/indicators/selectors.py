"""Every read of the indicators app, under the reader's region scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from yanglao.core.errors import NotInScope
from yanglao.core.measures import Member
from yanglao.indicators import progress
from yanglao.indicators.measures import all_measures
from yanglao.indicators.models import Indicator, Report, Target, Value
from yanglao.indicators.periods import bounds, parse_period
from yanglao.regions.models import Region
from yanglao.regions.selectors import region_get, region_roots


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.all()


def indicator_get(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        raise NotInScope(code)
    return found


def region_of(*, by, code: str = "") -> Region:
    """The region asked for (by code, in scope), or the reader's own (the city for the admin)."""
    if code:
        return region_get(by=by, code=code)
    root = region_roots(by=by).first()
    if root is None:
        raise NotInScope(code)
    # the administrator's root is the province: start at the first city below it
    while root.level < Region.Level.CITY and root.children.exists():
        root = root.children.order_by("code").first()
    return root


def current_period(indicator: Indicator, today: dt.date | None = None) -> str:
    """What "现值" means: this year for yearly indicators, this month (to date) for monthly ones,
    as the 月探访率 page reads it."""
    today = today or timezone.localdate()
    if indicator.period == Indicator.Period.MONTH:
        return f"{today:%Y-%m}"
    return str(today.year)


def targets_for(region: Region, indicator: Indicator | None = None) -> list[Target]:
    """The targets that apply to a region: its own and its ancestors' (a city's 60% is the
    standard its counties are held to as well)."""
    codes = [c for c in region.path.split("/") if c]
    paths = ["/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]
    qs = Target.objects.filter(region__path__in=paths).select_related(
        "region", "indicator"
    )
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    return sorted(qs, key=lambda t: (-t.region.level, t.deadline))


@dataclass
class Row:
    indicator: Indicator
    period: str
    value: Value | None
    target: Target | None
    progress: progress.Progress | None
    trend: list[float | None]
    region_id: int

    @property
    def inherited(self) -> bool:
        """The target is the region's parent's (a city's standard held to a county)."""
        return self.target is not None and self.target.region_id != self.region_id


def dashboard(*, by, region: Region, year: int | None = None) -> list[Row]:
    """Every indicator for a region: its value now (or at the end of `year`), the nearest target
    that applies, where that target stands, and the last twelve months."""
    today = timezone.localdate()
    inds = list(Indicator.objects.all())
    periods = {
        i.pk: (current_period(i, today) if year in (None, today.year) else str(year))
        for i in inds
    }
    values = {
        (v.indicator_id, v.period): v
        for v in Value.objects.filter(region=region, period__in=set(periods.values()))
    }
    months = _last_months(
        today if year in (None, today.year) else dt.date(year, 12, 31)
    )
    trend: dict[int, dict[str, float | None]] = {}
    for ind_id, period, value in Value.objects.filter(
        region=region, period__in=months
    ).values_list("indicator_id", "period", "value"):
        trend.setdefault(ind_id, {})[period] = value
    targets: dict[int, Target] = {}
    for t in targets_for(region):
        targets.setdefault(
            t.indicator_id, t
        )  # the region's own first, then the nearest above
    rows = []
    for ind in inds:
        period = periods[ind.pk]
        value = values.get((ind.pk, period))
        target = targets.get(ind.pk)
        rows.append(
            Row(
                ind,
                period,
                value,
                target,
                judge(target, value, period) if target else None,
                [trend.get(ind.pk, {}).get(m) for m in months],
                region.pk,
            )
        )
    return rows


def judge(target: Target, value: Value | None, period: str) -> progress.Progress:
    return progress.progress(
        value=value.value if value else None,
        year=parse_period(period)[1],
        target=target.value,
        target_year=target.deadline.year,
        direction=progress.Direction(target.direction),
        baseline=target.baseline_value,
        baseline_year=target.baseline_year,
    )


def _last_months(end: dt.date, n: int = 12) -> list[str]:
    months, y, m = [], end.year, end.month
    for _ in range(n):
        months.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


@dataclass
class ChildRow:
    region: Region
    value: Value | None
    met: bool | None


def children(
    *, by, indicator: Indicator, region: Region, period: str, target: Target | None
) -> list[ChildRow]:
    """The indicator for each child region, worst first (furthest from the target's side), the
    regions with no value last."""
    kids = list(region.children.order_by("code"))
    values = {
        v.region_id: v
        for v in Value.objects.filter(
            indicator=indicator, period=period, region__in=kids
        )
    }
    rows = []
    for kid in kids:
        v = values.get(kid.pk)
        met = (
            progress.is_met(
                v.value if v else None,
                target.value,
                progress.Direction(target.direction),
            )
            if target
            else None
        )
        rows.append(ChildRow(kid, v, met))
    falling = target is None or target.direction != progress.Direction.AT_MOST

    def key(row: ChildRow):
        if row.value is None or row.value.value is None:
            return (1, 0.0, row.region.code)
        return (0, row.value.value if falling else -row.value.value, row.region.code)

    return sorted(rows, key=key)


def gap(*, by, indicator: Indicator, region: Region, period: str) -> list[Member]:
    """The records behind the gap: what the denominator counts and the numerator does not — the
    urban communities without a day-care centre, the 特困 persons not in care, the rostered
    people not visited. Empty for a reported indicator."""
    measures = all_measures()
    if not indicator.denominator or indicator.source != Indicator.Source.COMPUTED:
        return []
    start, end = bounds(period)
    ids = list(
        Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True)
    )
    counted = {
        m.key for m in measures[indicator.numerator].members(start, end, ids) or ()
    }
    return [
        m
        for m in measures[indicator.denominator].members(start, end, ids) or ()
        if m.key not in counted
    ]


def has_gap_list(indicator: Indicator) -> bool:
    if indicator.source != Indicator.Source.COMPUTED or not indicator.denominator:
        return False
    measures = all_measures()
    return all(
        measures[c].members is not None
        for c in (indicator.numerator, indicator.denominator)
    )


def value_of(*, by, indicator: Indicator, region: Region, period: str) -> Value | None:
    return Value.objects.filter(
        indicator=indicator, region=region, period=period
    ).first()


def reports(*, by, state: str = "") -> QuerySet[Report]:
    from yanglao.regions.selectors import in_scope_q

    qs = Report.objects.filter(in_scope_q(by, "region")).select_related(
        "indicator", "region", "reported_by", "decided_by"
    )
    return qs.filter(state=state) if state else qs


def report_get(*, by, pk: int) -> Report:
    found = reports(by=by).filter(pk=pk).first()
    if found is None:
        raise NotInScope(pk)
    return found


def statistics_by_level(*, by, region: Region, period: str) -> dict[str, list[list]]:
    """Every indicator × every region of a subtree for one period, one table per level (市, 县,
    乡镇/街道, 村/社区): the statistics export superiors ask for each quarter."""
    inds = list(Indicator.objects.all())
    regions = list(
        Region.objects.filter(path__startswith=region.path).order_by("level", "code")
    )
    values = {
        (v.indicator_id, v.region_id): v
        for v in Value.objects.filter(period=period, region__in=regions)
    }
    tables: dict[str, list[list]] = {}
    for r in regions:
        row = [r.code, r.name]
        for ind in inds:
            v = values.get((ind.pk, r.pk))
            row.append(round(v.value, 2) if v and v.value is not None else None)
        tables.setdefault(Region.Level(r.level).label, []).append(row)
    return tables


def statistics_header() -> list[str]:
    return ["区划代码", "地区"] + [
        f"{i.code} {i.name}（{i.unit}）" for i in Indicator.objects.all()
    ]
