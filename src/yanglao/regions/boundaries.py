"""Region boundaries: checking a GeoJSON outline, and (for a city with no surveyed outlines, like
the demo) drawing them as Voronoi cells around the regions' centres. Pure: no Django.

Coordinates are GeoJSON's [lng, lat] in CGCS2000 / WGS 84, the datum of 天地图 and of the
statistical bureau's 区划 outlines; GCJ-02 ("火星坐标", 高德/百度) outlines would sit a few hundred
metres off and are not converted here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Point = tuple[float, float]  # (lat, lng)
Ring = list[Point]
DECIMALS = 6  # 0.1 m: more is noise, and every vertex is stored


class BoundaryProblem(ValueError):
    """An outline that cannot be used; the message is the Chinese reason shown to the user."""


def parse_geometry(geometry: object) -> dict:
    """A GeoJSON Polygon or MultiPolygon, checked and normalised (rings closed, coordinates
    rounded). Raises BoundaryProblem naming what is wrong."""
    if not isinstance(geometry, dict) or geometry.get("type") not in (
        "Polygon",
        "MultiPolygon",
    ):
        raise BoundaryProblem("边界须为 GeoJSON 的 Polygon 或 MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = (
        [coordinates] if geometry["type"] == "Polygon" else coordinates
    )  # MultiPolygon: a list of polygons
    if not isinstance(polygons, list) or not polygons:
        raise BoundaryProblem("边界没有坐标")
    clean = [_polygon(p) for p in polygons]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": clean[0]}
    return {"type": "MultiPolygon", "coordinates": clean}


def _polygon(polygon: object) -> list:
    if not isinstance(polygon, list) or not polygon:
        raise BoundaryProblem("多边形没有环")
    return [_ring(r) for r in polygon]


def _ring(ring: object) -> list:
    if not isinstance(ring, list):
        raise BoundaryProblem("环须为坐标列表")
    points = []
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in position[:2]
            )
        ):
            raise BoundaryProblem(f"坐标 {position!r} 须为 [经度, 纬度] 两个数")
        lng, lat = float(position[0]), float(position[1])
        if not (-180 <= lng <= 180 and -90 <= lat <= 90) or math.isnan(lng + lat):
            raise BoundaryProblem(f"坐标 [{lng}, {lat}] 超出经纬度范围")
        points.append([round(lng, DECIMALS), round(lat, DECIMALS)])
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        raise BoundaryProblem("环至少需要 3 个不同的点")
    return points


def outer_rings(geometry: dict) -> list[Ring]:
    """The outer ring of each polygon, as (lat, lng) points (holes are not drawn)."""
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
    )
    return [[(lat, lng) for lng, lat in polygon[0]] for polygon in polygons]


def as_polygon(ring: Ring) -> dict:
    """A GeoJSON Polygon from one (lat, lng) ring."""
    return parse_geometry(
        {"type": "Polygon", "coordinates": [[[lng, lat] for lat, lng in ring]]}
    )


def voronoi_cells(sites: list[Point], within: Ring) -> list[Ring]:
    """The part of the convex region `within` nearer to each site than to any other site: the
    outlines a city without surveyed boundaries can draw from its regions' centres. Distances are
    measured on a local flat projection (longitude shrunk by cos(latitude)), good over a city.
    A site's cell may be empty (another site at the same spot)."""
    if not sites:
        return []
    k = math.cos(math.radians(sum(lat for lat, _ in sites) / len(sites)))
    flat = [(lng * k, lat) for lat, lng in sites]
    outline = [(lng * k, lat) for lat, lng in within]
    cells = []
    for i, (xi, yi) in enumerate(flat):
        cell = outline
        for j, (xj, yj) in enumerate(flat):
            if i == j or (xi, yi) == (xj, yj):
                continue
            # keep the points p with (p - mid)·(pj - pi) <= 0: the side of the bisector nearer pi
            mx, my, dx, dy = (xi + xj) / 2, (yi + yj) / 2, xj - xi, yj - yi
            cell = _clip(cell, (mx, my, dx, dy))
            if not cell:
                break
        cells.append([(y, x / k) for x, y in cell])
    return cells


def _clip(polygon: list, half_plane: tuple[float, float, float, float]) -> list:
    """Sutherland–Hodgman: the part of a convex polygon on the near side of a line through
    (mx, my) with normal (dx, dy): the points p with (p - m)·d <= 0."""
    mx, my, dx, dy = half_plane

    def side(x: float, y: float) -> float:
        return (x - mx) * dx + (y - my) * dy

    out = []
    for n, current in enumerate(polygon):
        previous = polygon[n - 1]
        a, b = side(*previous), side(*current)
        if (a <= 0) != (b <= 0):
            t = a / (a - b)
            out.append(
                (
                    previous[0] + t * (current[0] - previous[0]),
                    previous[1] + t * (current[1] - previous[1]),
                )
            )
        if b <= 0:
            out.append(current)
    return out


def box_around(points: Iterable[Point], margin: float) -> Ring:
    """A rectangle (as a ring) around the points, `margin` degrees wider on every side."""
    lats, lngs = zip(*points, strict=True)
    south, north = min(lats) - margin, max(lats) + margin
    west, east = min(lngs) - margin, max(lngs) + margin
    return [(south, west), (south, east), (north, east), (north, west)]


def inside_convex(point: Point, ring: Ring) -> bool:
    """Whether a point lies inside (or on) a convex ring, whichever way round it runs."""
    signs = set()
    for (y0, x0), (y1, x1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = (x1 - x0) * (point[0] - y0) - (y1 - y0) * (point[1] - x0)
        if cross:
            signs.add(cross > 0)
    return len(signs) <= 1
