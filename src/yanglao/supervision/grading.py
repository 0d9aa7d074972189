"""养老机构等级划分与评定 (GB/T 37276-2018): the 1,000-point sheet and the level a score reaches.
Pure: no Django.

The standard scores four parts: 环境 120, 设施设备 130, 运营管理 150, 服务 600. The items inside
each part and their maxima follow the standard's outline; a bureau adopts its own implementing
rules by installing a new version of the sheet (data, not code). The thresholds per level are the
local implementing rules' (../shared/STANDARDS.md, Changsha's): a level needs its total and every
part at least its share of that part's maximum; all configurable with the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_NAMES = {0: "未达等级", 1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}

# (total at least, every part at least this share of its maximum), highest level first.
THRESHOLDS = [
    {"level": 5, "total": 900, "part_share": 0.9},
    {"level": 4, "total": 780, "part_share": 0.8},
    {"level": 3, "total": 570, "part_share": 0.6},
    {"level": 2, "total": 450, "part_share": 0.5},
    {"level": 1, "total": 360, "part_share": 0.4},
]
VALID_YEARS = 3  # a grade holds three years, then the institution is graded again

SHEET = {
    "code": "GB37276",
    "version": "2018-v1",
    "name": "养老机构等级评定评分表（GB/T 37276-2018）",
    "parts": [
        {
            "name": "环境",
            "max": 120,
            "items": [
                ("E1", "交通便捷度与周边服务设施", 20),
                ("E2", "无障碍设计与出入口", 25),
                ("E3", "标识标牌清晰规范", 15),
                ("E4", "院内绿化与室外活动场地", 20),
                ("E5", "居室环境（采光、通风、噪声、温湿度）", 25),
                ("E6", "卫生状况与异味控制", 15),
            ],
        },
        {
            "name": "设施设备",
            "max": 130,
            "items": [
                ("F1", "居室设施（床、呼叫装置、储物）", 30),
                ("F2", "卫生间与洗浴设施（扶手、防滑、紧急呼叫）", 25),
                ("F3", "就餐区与厨房设施", 15),
                ("F4", "医疗、康复与护理设施设备", 25),
                ("F5", "消防设施与安全监控", 25),
                ("F6", "设施设备维护保养记录", 10),
            ],
        },
        {
            "name": "运营管理",
            "max": 150,
            "items": [
                ("M1", "行政办公与制度建设", 20),
                ("M2", "人力资源（人员配比、持证上岗、培训）", 35),
                ("M3", "财务管理与收费公示", 20),
                ("M4", "安全管理与应急预案演练", 30),
                ("M5", "服务质量控制与满意度测评", 25),
                ("M6", "信息管理与档案", 20),
            ],
        },
        {
            "name": "服务",
            "max": 600,
            "items": [
                ("S1", "出入院服务（入住评估、合同、退住）", 50),
                ("S2", "生活照料服务", 110),
                ("S3", "膳食服务", 70),
                ("S4", "清洁卫生与洗涤服务", 50),
                ("S5", "医疗护理服务", 90),
                ("S6", "康复服务", 50),
                ("S7", "文化娱乐与教育服务", 40),
                ("S8", "心理/精神支持服务", 40),
                ("S9", "安宁服务", 30),
                ("S10", "委托服务与居家延伸服务", 30),
                ("S11", "服务安全（GB 38600 风险防控）", 40),
            ],
        },
    ],
    "thresholds": THRESHOLDS,
}


class SheetError(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    total: float
    parts: dict[str, float]  # part name → points
    level: int
    reason: str  # why not the next level up (or why this level)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def check_sheet(sheet: dict) -> None:
    """A sheet's parts add up to their maxima and to 1,000; thresholds name levels 1–5."""
    total = 0
    codes: set[str] = set()
    for part in sheet["parts"]:
        items = part["items"]
        got = sum(max_ for _code, _text, max_ in items)
        if got != part["max"]:
            raise SheetError(f"“{part['name']}”各项满分合计 {got}，应为 {part['max']}")
        for code, _text, _max in items:
            if code in codes:
                raise SheetError(f"评分项 {code} 重复")
            codes.add(code)
        total += part["max"]
    if total != 1000:
        raise SheetError(f"评分表总分 {total}，应为 1000")
    if sorted(t["level"] for t in sheet["thresholds"]) != [1, 2, 3, 4, 5]:
        raise SheetError("等级标准应覆盖一级至五级")


def item_maxima(sheet: dict) -> dict[str, float]:
    return {code: max_ for p in sheet["parts"] for code, _t, max_ in p["items"]}


def score_errors(sheet: dict, scores: dict[str, float]) -> dict[str, str]:
    """Each score within 0 and its item's maximum; unknown items named."""
    maxima = item_maxima(sheet)
    errors = {}
    for code, value in scores.items():
        if code not in maxima:
            errors[code] = "评分表中没有此项"
        elif not isinstance(value, int | float) or not 0 <= value <= maxima[code]:
            errors[code] = f"得分应在 0 到 {maxima[code]:g} 之间"
    return errors


def _short_of(rule: dict, total: float, parts: dict, maxima: dict) -> str:
    """Why the scores do not reach a level's rule ("" when they do)."""
    name = LEVEL_NAMES[rule["level"]]
    if total < rule["total"]:
        return f"未达{name}：总分 {total:g} 低于 {rule['total']}"
    short = [p for p in parts if parts[p] < maxima[p] * rule["part_share"]]
    if short:
        return f"未达{name}：{'、'.join(short)}得分低于该部分满分的 {rule['part_share']:.0%}"
    return ""


def level_of(sheet: dict, scores: dict[str, float]) -> Result:
    """The highest level whose total and per-part shares the scores reach (missing items score
    0), with the reason it is not the level above."""
    parts = {
        p["name"]: sum(float(scores.get(code, 0)) for code, _t, _m in p["items"])
        for p in sheet["parts"]
    }
    maxima = {p["name"]: p["max"] for p in sheet["parts"]}
    total = sum(parts.values())
    reason = ""
    for rule in sorted(sheet["thresholds"], key=lambda t: -t["level"]):
        why = _short_of(rule, total, parts, maxima)
        if not why:
            return Result(total, parts, rule["level"], reason)
        reason = why
    return Result(total, parts, 0, reason)
