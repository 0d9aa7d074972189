"""Server-side SVG charts: no JavaScript library, works offline and prints well. Pure."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6f9f", "#d9822b", "#3d9970", "#b03a48", "#7d5ba6", "#8a8a8a")


def _text_width(text: str, size: int = 13) -> int:
    """Approximate width in px of a label: a CJK character is one em wide, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text).__ceil__()


def bar_chart(
    data: list[tuple[str, int | float]], *, title: str, unit: str = "", width: int = 520
) -> str:
    """Horizontal bars, one per (label, value), with the value printed at the end of each bar."""
    row, pad = 26, 8
    label_w = max(
        90, min(width // 2, max((_text_width(lbl) for lbl, _ in data), default=0) + 12)
    )
    height = pad * 2 + row * max(len(data), 1) + 20
    peak = max((v for _, v in data), default=0) or 1
    bar_space = width - label_w - 90
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(data):
        y = pad + 20 + i * row
        w = 0 if value <= 0 else max(2, round(bar_space * value / peak))
        shown = f"{value:,.1%}" if unit == "%" else f"{value:,}{unit}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 8}" rx="3" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{escape(shown)}</text>'
        )
    parts.append(
        f'<text x="{pad}" y="16" font-size="14" font-weight="bold">{escape(title)}</text></svg>'
    )
    return "".join(parts)


def ratio_ring(value: float | None, *, title: str, size: int = 140) -> str:
    """A ring showing one share (0..1), e.g. 护理型床位占比."""
    r = size / 2 - 12
    c = size / 2
    circumference = 2 * 3.14159265 * r
    filled = 0 if value is None else circumference * max(0.0, min(1.0, value))
    text = "—" if value is None else f"{value:.1%}"
    return (
        f'<svg class="chart ring" role="img" aria-label="{escape(title)} {text}" viewBox="0 0 {size} {size + 24}" '
        f'width="{size}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#e3e8ee" stroke-width="14"/>'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#2f6f9f" stroke-width="14" '
        f'stroke-dasharray="{filled:.1f} {circumference:.1f}" transform="rotate(-90 {c} {c})"/>'
        f'<text x="{c}" y="{c + 6}" text-anchor="middle" font-size="20" font-weight="bold">{text}</text>'
        f'<text x="{c}" y="{size + 16}" text-anchor="middle" font-size="13">{escape(title)}</text></svg>'
    )


@dataclass(frozen=True)
class Marker:
    lat: float
    lng: float
    label: str = (
        ""  # printed beside the marker ("李护理 1.2 km"); "" for a crowd of dots
    )


@dataclass(frozen=True)
class Layer:
    """One kind of thing on a map, drawn alike and named in the legend (住址, 护理员, 养老院…)."""

    name: str
    markers: tuple[Marker, ...]
    color: str = PALETTE[0]
    shape: str = "dot"  # "dot", "home" (a house), "square"
    unit: str = ""  # the legend's count unit: "人", "家"


@dataclass(frozen=True)
class Area:
    """A region's outline drawn under the markers, named at its middle (a 乡镇 or 社区)."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # outer rings of (lat, lng)
    fill: str = ""  # a choropleth's colour for this area ("" for the plain outline)


def _metres_per_degree_lng(lat: float) -> float:
    return 111_320 * max(math.cos(math.radians(lat)), 0.01)


def _scale_bar(m_per_px: float, x: float, y: float) -> str:
    """A scale bar of a round length (100 m, 500 m, 1 km, 5 km …) about 80 px long."""
    target = m_per_px * 80
    length = next(
        (
            n
            for n in (50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)
            if n >= target
        ),
        100_000,
    )
    px = length / m_per_px
    text = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    return (
        f'<g class="scale" stroke="#333" fill="#333"><path d="M{x:.1f} {y:.1f}v-5h{px:.1f}v5" fill="none"/>'
        f'<text x="{x + px + 4:.1f}" y="{y:.1f}" font-size="11" stroke="none">{text}</text></g>'
    )


def _symbol(shape: str, x: float, y: float, color: str, size: float) -> str:
    if shape == "home":
        r = size + 2
        return (
            f'<path d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}H{x + r * 0.6:.1f}V{y + r:.1f}'
            f'H{x - r * 0.6:.1f}V{y:.1f}H{x - r:.1f}Z" fill="{color}" stroke="#fff"/>'
        )
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{color}" stroke="#fff"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{color}" fill-opacity="0.75"/>'


LABELS_UP_TO = 40  # more markers than this are a crowd: dots without labels


def marker_map(
    layers: list[Layer],
    *,
    title: str,
    width: int = 640,
    height: int = 420,
    areas: list[Area] = (),
) -> str:
    """Markers at their coordinates (lat, lng) on an equal-distance projection, fitted to the box,
    over the outlines of the regions around them (`areas`), with labels, a legend naming each
    layer and its count, and a scale bar. No map tiles: it works on an intranet without a tile
    server (a tile map, where configured, is drawn over it in the browser: static/js/tilemap.js)."""
    pad, head, foot = 16, 26, 30 + 18 * ((len(layers) + 2) // 3)
    points = [m for layer in layers for m in layer.markers]
    markers_count = len(points)
    if not points:  # a map of areas only (a choropleth) is fitted to the areas
        points = [
            Marker(lat, lng)
            for area in areas
            for ring in area.rings
            for lat, lng in ring
        ]
    legend_y = height - foot + 22
    parts = [
        f'<svg class="chart map" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<text x="{pad}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>'
    ]
    if not points:
        parts.append(
            f'<text x="{pad}" y="48" font-size="13">{escape("暂无位置数据")}</text>'
        )
    else:
        mid_lat = sum(p.lat for p in points) / len(points)
        kx = _metres_per_degree_lng(mid_lat)  # metres per degree of longitude here
        ky = 110_574
        xs = [p.lng * kx for p in points]
        ys = [p.lat * ky for p in points]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0)  # at least 200 m across
        box_w, box_h = width - 2 * pad - 120, height - head - foot - 2 * pad
        scale = min(box_w, box_h) / span  # px per metre
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        ox, oy = pad + 60 + box_w / 2, head + pad + box_h / 2

        def at(m: Marker) -> tuple[float, float]:
            return ox + (m.lng * kx - cx) * scale, oy - (m.lat * ky - cy) * scale

        box = (pad, head, width - 2 * pad, height - head - foot)
        parts.append(
            f'<rect x="{box[0]}" y="{box[1]}" width="{box[2]}" '
            f'height="{box[3]}" fill="#f4f7f2" stroke="#d5dccf"/>'
        )
        if areas:
            parts.append(
                _areas_svg(areas, box, title, lambda lat, lng: at(Marker(lat, lng)))
            )
        labelled = markers_count <= LABELS_UP_TO
        for layer in layers:
            size = 6 if layer.shape == "home" else (4 if labelled else 2.5)
            for m in layer.markers:
                x, y = at(m)
                parts.append(_symbol(layer.shape, x, y, layer.color, size))
                if labelled and m.label:
                    parts.append(
                        f'<text x="{x + size + 3:.1f}" y="{y + 4:.1f}" font-size="11" '
                        f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(m.label)}</text>'
                    )
        parts.append(_scale_bar(1 / scale, pad + 8, height - foot - 8))
    for i, layer in enumerate(layers):
        x = pad + (i % 3) * ((width - 2 * pad) // 3)
        y = legend_y + 18 * (i // 3)
        count = f" {len(layer.markers)}{layer.unit}" if layer.unit else ""
        parts.append(
            _symbol(layer.shape, x + 6, y - 4, layer.color, 5)
            + f'<text x="{x + 16}" y="{y}" font-size="12">{escape(layer.name)}{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _areas_svg(areas, box, title: str, at) -> str:
    """Outlines clipped to the map's box, each named at its centroid when that lies inside."""
    from yanglao.core.geo import ring_centroid

    clip = f"clip{zlib.crc32(title.encode()):x}"
    x0, y0, w, h = box
    parts = [
        f'<clipPath id="{clip}"><rect x="{x0}" y="{y0}" width="{w}" height="{h}"/></clipPath>'
        f'<g class="areas" clip-path="url(#{clip})" fill="#e6ede0" stroke="#8c9a86" '
        f'stroke-width="1" stroke-dasharray="4 3">'
    ]
    names = []
    for area in areas:
        fill = f' fill="{area.fill}" fill-opacity="0.55"' if area.fill else ""
        for ring in area.rings:
            xy = [at(lat, lng) for lat, lng in ring]
            parts.append(
                '<path d="M'
                + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy)
                + f'Z"{fill}/>'
            )
        x, y = at(*ring_centroid(max(area.rings, key=len)))
        if x0 + 20 < x < x0 + w - 20 and y0 + 12 < y < y0 + h - 8:
            names.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(area.name)}</text>'
            )
    parts.append("</g>")
    parts.append(
        '<g class="area-names" font-size="11" fill="#4d5a48">' + "".join(names) + "</g>"
    )
    return "".join(parts)


def line_chart(
    series: list[tuple[str, list[tuple[float, float]]]],
    *,
    title: str,
    unit: str = "",
    bands: list[tuple[float, str]] = (),
    x_labels: tuple[str, str] = ("", ""),
    width: int = 560,
    height: int = 220,
) -> str:
    """Lines over time: each series is (name, [(x, y), …]) with x in any increasing unit (seconds).
    `bands` draws dashed reference lines (a threshold, with its label); `x_labels` are printed under
    the first and last x (e.g. the times they stand for)."""
    pad_l, pad_r, pad_t, pad_b = 44, 12, 28, 30
    points = [p for _, pts in series for p in pts]
    head = (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<text x="8" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    )
    if not points:
        return (
            head
            + f'<text x="8" y="44" font-size="13">{escape("暂无数据")}</text></svg>'
        )
    xs = [p[0] for p in points]
    ys = [p[1] for p in points] + [v for v, _ in bands]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    margin = max((y1 - y0) * 0.1, 1)
    y0, y1 = y0 - margin, y1 + margin
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def px(x: float) -> float:
        return pad_l + (0 if x1 == x0 else (x - x0) / (x1 - x0) * plot_w)

    def py(y: float) -> float:
        return pad_t + (y1 - y) / (y1 - y0) * plot_h

    parts = [head]
    for tick in (y0 + margin, (y0 + y1) / 2, y1 - margin):
        parts.append(
            f'<text x="{pad_l - 4}" y="{py(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:,.0f}</text>'
        )
    for value, label in bands:
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{py(value):.1f}" y2="{py(value):.1f}" '
            f'stroke="#b03a48" stroke-dasharray="4 3"/>'
            f'<text x="{width - pad_r}" y="{py(value) - 3:.1f}" text-anchor="end" font-size="11" fill="#b03a48">{escape(label)}</text>'
        )
    legend_x = pad_l + 160
    for i, (name, pts) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" points="{path}"/>'
            f'<text x="{legend_x}" y="16" font-size="12" fill="{colour}">{escape(name)}{escape(unit)}</text>'
        )
        legend_x += _text_width(name + unit, 12) + 18
    parts.append(
        f'<text x="{pad_l}" y="{height - 8}" font-size="11">{escape(x_labels[0])}</text>'
        f'<text x="{width - pad_r}" y="{height - 8}" text-anchor="end" font-size="11">{escape(x_labels[1])}</text></svg>'
    )
    return "".join(parts)


def sparkline(
    values: list[float | None], *, title: str, width: int = 120, height: int = 28
) -> str:
    """A small line of recent values (the last twelve months), gaps where there is no value, the
    last point marked; named for screen readers."""
    known = [v for v in values if v is not None]
    head = (
        f'<svg class="spark" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )
    if not known:
        return head + "</svg>"
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)
    segments, current = [], []
    last = None
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
            continue
        point = (2 + i * step, height - 3 - (v - lo) / span * (height - 6))
        current.append(point)
        last = point
    if current:
        segments.append(current)
    paths = "".join(
        '<path d="M' + "L".join(f"{x:.1f} {y:.1f}" for x, y in seg) + '" fill="none" '
        f'stroke="{PALETTE[0]}" stroke-width="1.5"/>'
        for seg in segments
    )
    dot = f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5" fill="{PALETTE[0]}"/>'
    return head + paths + dot + "</svg>"
