"""Server-side SVG charts: no JavaScript library, works offline and prints well. Pure."""

from __future__ import annotations

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


def dot_map(
    points: list[tuple[float, float]],
    *,
    title: str,
    width: int = 640,
    height: int = 420,
) -> str:
    """People as dots at their home coordinates (lat, lng), fitted to the box: where the
    unvisited live, without map tiles (offline intranets)."""
    pad = 16
    if not points:
        return (
            f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} 60" '
            f'xmlns="http://www.w3.org/2000/svg"><text x="{pad}" y="34" font-size="14">{escape(title)}：无</text></svg>'
        )
    lats = [p[0] for p in points]
    lngs = [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lngs), max(lngs)
    span = max(north - south, east - west, 1e-6)
    scale = min((width - 2 * pad) / span, (height - 2 * pad - 24) / span)
    dots = "".join(
        f'<circle cx="{pad + (lng - west) * scale:.1f}" cy="{pad + 24 + (north - lat) * scale:.1f}" r="2.5"/>'
        for lat, lng in points
    )
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<text x="{pad}" y="18" font-size="14" font-weight="bold">{escape(title)}（{len(points)} 人）</text>'
        f'<g fill="#c0392b" fill-opacity="0.6">{dots}</g></svg>'
    )


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
