"""Tile maps where a bureau has a tile source (issue 21 §3).

Every map is first drawn on the server from the platform's own data (core.charts.marker_map: the
region outlines and the markers), so it works offline and on an intranet without tiles. When
settings.MAP_TILES names a tile source (天地图 with the bureau's key, or an intranet tile server),
the figure also carries its layers as JSON and static/yanglao/tilemap.js draws them with Leaflet
(installed from PyPI with django-leaflet) over the tiles, with the same labels and legend.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import urlsplit

from django.conf import settings

from yanglao.core.charts import Area, Layer, marker_map


def tile_config() -> dict | None:
    """What the browser needs to fetch tiles, or None when no tile source is configured."""
    if not settings.MAP_TILES:
        return None
    return {
        "tiles": [u for u in (settings.MAP_TILES, settings.MAP_LABELS) if u],
        "subdomains": settings.MAP_SUBDOMAINS or "abc",
        "attribution": settings.MAP_ATTRIBUTION,
    }


def tiles_in_templates(request) -> dict:
    """base.html loads Leaflet and the tile source only where one is configured."""
    return {"tile_config": tile_config()}


def tile_origins() -> list[str]:
    """The origins tiles come from, for the Content-Security-Policy's img-src: each "{s}"
    subdomain written out (CSP has no pattern for t0…t7)."""
    config = tile_config()
    if config is None:
        return []
    origins = []
    for url in config["tiles"]:
        parts = urlsplit(url)
        hosts = (
            [parts.netloc.replace("{s}", s) for s in config["subdomains"]]
            if "{s}" in parts.netloc
            else [parts.netloc]
        )
        origins += [f"{parts.scheme}://{h}" for h in hosts if h]
    return sorted(set(origins))


def map_figure(
    layers: list[Layer],
    *,
    title: str,
    areas: list[Area] = (),
    width: int = 640,
    height: int = 420,
) -> str:
    """The offline map, and when tiles are configured the same layers for tilemap.js."""
    svg = marker_map(layers, title=title, width=width, height=height, areas=areas)
    if tile_config() is None:
        return svg
    data = {
        "title": title,
        "layers": [
            {
                "name": layer.name,
                "color": layer.color,
                "shape": layer.shape,
                "unit": layer.unit,
                "markers": [[m.lat, m.lng, m.label] for m in layer.markers],
            }
            for layer in layers
        ],
        "areas": [{"name": a.name, "rings": a.rings} for a in areas],
    }
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return (
        f'<figure class="tilemap" data-height="{height}" aria-label="{escape(title)}">'
        f'<div class="tilemap-offline">{svg}</div>'
        f'<script type="application/json" class="tilemap-data">{payload}</script>'
        "</figure>"
    )
