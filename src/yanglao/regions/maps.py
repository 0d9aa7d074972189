"""Maps over the region outlines: what every app's map calls (dispatch, the alarm card, the
unvisited, the facility list)."""

from __future__ import annotations

from yanglao.core.charts import Layer
from yanglao.core.tilemap import map_figure
from yanglao.regions.selectors import map_areas


def region_map(layers: list[Layer], *, title: str, **size) -> str:
    """Markers over the outlines of the regions around them, on tiles where configured."""
    points = [(m.lat, m.lng) for layer in layers for m in layer.markers]
    return map_figure(layers, title=title, areas=map_areas(points), **size)
