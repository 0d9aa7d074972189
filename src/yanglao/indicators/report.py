"""The 专栏 table as a PDF for superiors (景德镇 专栏1 "十四五"时期养老服务主要发展指标): 类别 / 指标 /
目标 / 属性 / 现值 / 状态, landscape A4, with the Chinese font embedded (core.pdf)."""

from __future__ import annotations

from django.utils import timezone

from yanglao.core.pdf import chinese_font

COLUMNS = (
    ("类别", 0.11),
    ("指标", 0.33),
    ("目标", 0.1),
    ("期限", 0.07),
    ("属性", 0.07),
    ("现值", 0.12),
    ("来源", 0.07),
    ("状态", 0.13),
)


def table_rows(rows) -> list[tuple[str, ...]]:
    """The dashboard's rows (indicators.selectors.Row) as the table's text cells."""
    out = []
    for r in rows:
        t, v = r.target, r.value
        shown = "—"
        if v is not None and v.value is not None:
            shown = f"{v.value:.1f}{'' if r.indicator.unit == '人/千人' else r.indicator.unit}"
        out.append(
            (
                r.indicator.category,
                r.indicator.name,
                f"{t.direction}{t.value:g}{r.indicator.unit}" if t else "未设目标",
                f"{t.deadline.year}年" if t else "",
                t.attribute if t else "",
                f"{shown}（{r.period}）",
                v.get_source_display() if v else "",
                r.progress.status.value if r.progress else "",
            )
        )
    return out


def render_table_pdf(*, title: str, rows: list[tuple[str, ...]]) -> bytes:
    from fpdf import FPDF  # imported here: only this download needs it
    from fpdf.fonts import FontFace, TextEmphasis

    path, index = chinese_font()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(pdf.epw, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    stamp = timezone.localtime().strftime("%Y年%m月%d日 %H:%M")
    pdf.cell(
        pdf.epw,
        6,
        f"养老服务综合信息平台 {stamp} 导出",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("cjk", size=10)
    widths = tuple(round(pdf.epw * w, 1) for _name, w in COLUMNS)
    plain = FontFace(emphasis=TextEmphasis.NONE, fill_color=(238, 242, 246))
    with pdf.table(
        col_widths=widths,
        line_height=6,
        first_row_as_headings=True,
        headings_style=plain,  # the embedded font has no bold face
    ) as table:
        table.row([name for name, _w in COLUMNS])
        for row in rows:
            table.row(list(row))
    pdf.ln(3)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(
        pdf.epw,
        5,
        "现值由平台按业务数据计算（标“填报”者为经审核的填报数）；状态按 Open SDG 方法判定："
        "已达标；按基期以来年均增速与所需增速之比，≥0.95 进度正常，0.6–0.95 需加快，0–0.6 进展缓慢，<0 倒退；"
        "期限已过未达标为逾期未达标。",
    )
    return bytes(pdf.output())
