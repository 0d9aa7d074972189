"""Distances on the ground. Pure."""

from __future__ import annotations

import math


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Ground distance in metres between (lat, lng) points (equirectangular: exact enough within
    a town, which is all a visit check-in or a geofence needs)."""
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


def ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The area centroid of a simple ring (the mean of its points if it has no area)."""
    area = cx = cy = 0.0
    for (y0, x0), (y1, x1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-15:
        return (
            sum(p[0] for p in ring) / len(ring),
            sum(p[1] for p in ring) / len(ring),
        )
    return cy / (3 * area), cx / (3 * area)
