"""The assessment report (GB/T 42195-2022 Annex C): the same data for the printable page and the
PDF. The PDF embeds a Chinese font found on the server (a subset of it), so it prints the same on
any office PC without Chinese fonts of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from yanglao.assessments.instrument import GBT_42195_2022, LEVEL_NAMES
from yanglao.assessments.models import Assessment
from yanglao.assessments.selectors import assessment_team
from yanglao.core.pdf import NoChineseFont, chinese_font  # noqa: F401 (re-exported)


@dataclass
class ReportData:
    number: str
    elder_name: str
    sex: str
    age: int | None
    id_number_masked: str
    region: str
    reason: str
    standard: str
    agency: str
    place: str
    assessed_on: dt.date | None
    status: str
    domains: list[tuple[str, str, int | None, int]]  # (code, name, score, max)
    total: int | None
    preliminary: str
    change_reasons: list[str]
    final: str
    final_level: int | None
    assessors: list[
        tuple[str, str, dt.datetime | None]
    ]  # (name, certificate, confirmed)
    is_final: bool


def domain_rows(a: Assessment) -> list[tuple[str, str, int | None, int]]:
    return [
        (code, name, a.domain_scores.get(code), GBT_42195_2022.domain_max(code))
        for code, name in GBT_42195_2022.domains.items()
    ]


def _level(level: int | None) -> str:
    return "" if level is None else f"{level}级 {LEVEL_NAMES[level]}"


def report_data(a: Assessment) -> ReportData:
    elder = a.elder
    day = a.assessed_on or a.applied_on
    return ReportData(
        number=f"PG{a.applied_on:%Y%m%d}{a.pk:06d}",
        elder_name=elder.name,
        sex=elder.get_sex_display(),
        age=elder.age(day),
        id_number_masked=elder.id_number_masked,
        region=elder.residence_region.name,
        reason=a.get_reason_display(),
        standard=a.standard,
        agency=a.agency.name if a.agency else a.external_agency,
        place=a.place,
        assessed_on=a.assessed_on,
        status=a.get_status_display(),
        domains=domain_rows(a),
        total=a.total,
        preliminary=_level(a.preliminary_level)
        if a.standard == GBT_42195_2022.version
        else "",
        change_reasons=list(a.change_reasons),
        final=f"{a.final_level}级 {a.final_level_name}"
        if a.final_level is not None
        else "",
        final_level=a.final_level,
        assessors=[
            (
                str(m.assessor.user),
                m.assessor.certificate,
                timezone.localtime(m.confirmed_at) if m.confirmed_at else None,
            )
            for m in assessment_team(a)
        ]
        or ([(a.external_assessors, "", None)] if a.external_assessors else []),
        is_final=a.status == "completed",
    )


def render_pdf(r: ReportData) -> bytes:
    """Annex C layout: C.1 domain scores, total, C.3 preliminary level, C.4 change reasons, C.5
    final level, then the assessors' signatures and the date."""
    from fpdf import FPDF  # imported here: only this download needs it

    path, index = chinese_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    pdf.set_title(f"老年人能力评估报告 {r.elder_name}")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("cjk", size=18)
    pdf.cell(width, 12, "老年人能力评估报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.cell(
        width,
        6,
        f"依据 {r.standard} 附录C　　报告编号 {r.number}"
        + ("" if r.is_final else f"　　【{r.status}，非正式结果】"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("cjk", size=11)
    _pairs(
        pdf,
        width,
        [
            ("姓名", r.elder_name),
            ("性别", r.sex),
            ("年龄", f"{r.age}岁" if r.age is not None else ""),
            ("身份证号", r.id_number_masked),
            ("现居住地", r.region),
            ("评估原因", r.reason),
            ("评估机构", r.agency),
            ("评估地点", r.place),
        ],
    )
    pdf.ln(4)
    _heading(pdf, width, "C.1 老年人能力评估结果（一级指标得分）")
    col = (width * 0.2, width * 0.5, width * 0.15, width * 0.15)
    _row(pdf, col, ("编号", "一级指标", "得分", "满分"), header=True)
    for code, name, score, top in r.domains:
        _row(pdf, col, (code, name, "" if score is None else str(score), str(top)))
    _row(
        pdf,
        col,
        ("", "总分", "" if r.total is None else str(r.total), "90"),
        header=True,
    )
    pdf.ln(4)
    _heading(pdf, width, "C.3 能力初步等级")
    _text(pdf, width, r.preliminary or "—")
    _heading(pdf, width, "C.4 能力等级变更依据")
    _text(pdf, width, "；".join(r.change_reasons) if r.change_reasons else "无")
    _heading(pdf, width, "C.5 老年人能力最终等级")
    pdf.set_font("cjk", size=14)
    _text(pdf, width, r.final or "—")
    pdf.set_font("cjk", size=11)
    pdf.ln(6)
    _heading(pdf, width, "评估员签名")
    for name, certificate, confirmed in r.assessors:
        signed = f"已确认 {confirmed:%Y-%m-%d %H:%M}" if confirmed else "未确认"
        cert = f"（证书 {certificate}）" if certificate else ""
        _text(pdf, width, f"{name}{cert}　{signed}")
    pdf.ln(2)
    day = f"{r.assessed_on:%Y年%m月%d日}" if r.assessed_on else "—"
    _text(pdf, width, f"评估日期：{day}　　信息提供者签名：__________")
    return bytes(pdf.output())


def _heading(pdf, width, text: str) -> None:
    pdf.set_fill_color(235, 240, 245)
    pdf.cell(width, 8, text, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _text(pdf, width, text: str) -> None:
    pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")


def _pairs(pdf, width, pairs) -> None:
    half = width / 2
    for i in range(0, len(pairs), 2):
        for label, value in pairs[i : i + 2]:
            pdf.cell(half * 0.3, 8, label, border=1)
            pdf.cell(half * 0.7, 8, value, border=1)
        pdf.ln(8)


def _row(pdf, widths, cells, header: bool = False) -> None:
    if header:
        pdf.set_fill_color(245, 245, 245)
    for w, text in zip(widths, cells, strict=True):
        pdf.cell(w, 8, text, border=1, align="C", fill=header)
    pdf.ln(8)
