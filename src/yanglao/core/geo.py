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
