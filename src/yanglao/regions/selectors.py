from __future__ import annotations

from django.db.models import Q, QuerySet

from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed, sees_everything, user_region_path
from yanglao.regions.models import Region


def in_scope_q(by, region_field: str) -> Q:
    """Rows whose `region_field` lies in the user's region subtree.

    Written as `region_id IN (<ids>)` with the ids read first from the small region table, rather
    than a join: the planners then count a county's 50,000 older people from the (region, status)
    index alone, on SQLite as on PostgreSQL (bench/RESULTS.md).
    """
    if sees_everything(by):
        return Q()
    ids = _subtree_ids(by)
    if ids is None:  # the subtree holds every region there is (a city's own database)
        return Q()
    return Q(**{f"{region_field}__in": ids})


def _subtree_ids(by) -> list[int] | None:
    """Ids of the regions in the user's subtree, or None when that is every region. Kept on the
    user object, which lives for one request, so a page with several lists asks once."""
    path = user_region_path(by)
    cached = getattr(by, "_subtree_ids", None)
    if cached is not None and cached[0] == path:
        return cached[1]
    ids: list[int] | None = []
    if path:
        ids = list(
            Region.objects.filter(path__startswith=path).values_list("pk", flat=True)
        )
        if len(ids) + path.count("/") - 1 == Region.objects.count():
            ids = None
    by._subtree_ids = (path, ids)
    return ids


def in_region_code_q(code: str, region_field: str) -> Q:
    """Rows in the region with division code `code` or anywhere below it."""
    below = Region.objects.filter(
        Q(path__startswith=f"{code}/") | Q(path__contains=f"/{code}/")
    )
    return Q(**{f"{region_field}__in": list(below.values_list("pk", flat=True))})


def region_scope_q(by) -> Q:
    """Regions a user may see: their subtree, plus its ancestors (for breadcrumbs and choices)."""
    if sees_everything(by):
        return Q()
    own = user_region_path(by)
    if not own:
        return Q(pk__in=[])
    ancestors = [own[: i + 1] for i, ch in enumerate(own) if ch == "/"][:-1]
    return Q(path__startswith=own) | Q(path__in=ancestors)


def region_list(
    *, by, parent: Region | None = None, q: str = "", level: int | None = None
) -> QuerySet[Region]:
    qs = Region.objects.filter(region_scope_q(by))
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def region_get(*, by, code: str) -> Region:
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or not region_path_allowed(by, region.path):
        raise NotInScope(code)
    return region


def region_roots(*, by) -> QuerySet[Region]:
    if sees_everything(by):
        return Region.objects.filter(parent__isnull=True)
    if not user_region_path(by):
        return Region.objects.none()
    return Region.objects.filter(pk=by.region_id)


def region_ancestors(region: Region) -> list[Region]:
    codes = [c for c in region.path.split("/") if c]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def region_choices(*, by, max_level: int = Region.Level.VILLAGE) -> QuerySet[Region]:
    """Regions in the user's own subtree (for form choices)."""
    qs = Region.objects.filter(level__lte=max_level).order_by("path")
    if sees_everything(by):
        return qs
    own = user_region_path(by)
    return qs.filter(path__startswith=own) if own else qs.none()


def region_for_input(
    by, code: str, field: str, errors: dict[str, str], *, within_scope: bool = True
) -> Region | None:
    """The region a form or API names by division code. A problem goes into `errors[field]`
    in Chinese: an unknown code, or (with `within_scope`) a region outside the user's area."""
    code = (code or "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        errors[field] = f"区划代码 {code} 不存在" if code else "请选择区域"
    elif within_scope and not region_path_allowed(by, region.path):
        errors[field] = "该区划不在您的管辖范围内"
    return region


# The level whose outlines a map shows, by how far its markers spread (metres), and how far
# beyond the markers (degrees) an outline's box may lie and still be drawn.
AREA_LEVELS = (
    (15_000, Region.Level.COUNTY, 0.4),
    (2_500, Region.Level.TOWNSHIP, 0.12),
    (0, Region.Level.VILLAGE, 0.03),
)


def map_areas(points: list[tuple[float, float]]):
    """The region outlines to draw under markers at `points` (lat, lng): counties for a city-wide
    map, townships for a district, villages and communities for a neighbourhood. Outlines are
    shapes, not records: no scope applies (the administrative map is public)."""
    from yanglao.core.charts import Area
    from yanglao.core.geo import distance_m
    from yanglao.regions.boundaries import outer_rings
    from yanglao.regions.models import RegionBoundary

    if not points:
        return []
    lats, lngs = [p[0] for p in points], [p[1] for p in points]
    spread = distance_m((min(lats), min(lngs)), (max(lats), max(lngs)))
    level, margin = next((lv, m) for d, lv, m in AREA_LEVELS if spread >= d)
    rows = RegionBoundary.objects.filter(
        level=level,
        south__lte=max(lats) + margin,
        north__gte=min(lats) - margin,
        west__lte=max(lngs) + margin,
        east__gte=min(lngs) - margin,
    ).select_related("region")
    return [
        Area(row.region.name, tuple(tuple(r) for r in outer_rings(row.geometry)))
        for row in rows[:400]
    ]


def boundaries_of(region_ids: list[int]) -> dict[int, dict]:
    """The outlines (GeoJSON geometry) of some regions, those that have one."""
    from yanglao.regions.models import RegionBoundary

    return dict(
        RegionBoundary.objects.filter(region_id__in=region_ids).values_list(
            "region_id", "geometry"
        )
    )
