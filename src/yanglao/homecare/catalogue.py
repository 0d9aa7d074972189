"""The starting service catalogue: GB/T 43153-2023 content, tagged with the local names ("10+N":
助餐、助洁、助浴、助医、助急、助行、助购、助学、助乐、助聊 — Baoshan 6; "六助一护" — Shaoyang 4;
"六助一巡访" — Litong 10). Loaded by a migration; bureaus add or retire items afterwards. Pure data.

Each entry: code, name, content, tags, unit, qualification, typical minutes, shortest minutes.
"""

from __future__ import annotations

ITEMS = [
    ("meal_delivery", "送餐上门", "daily", ["助餐"], "meal", "", 20, 5),
    ("cleaning", "居家保洁", "daily", ["助洁"], "hour", "", 60, 30),
    ("laundry", "衣物清洗", "daily", ["助洁"], "visit", "", 60, 20),
    ("haircut", "理发修脚", "daily", ["助洁"], "visit", "", 45, 15),
    ("bath", "助浴", "daily", ["助浴", "六助"], "visit", "carer", 60, 30),
    (
        "basic_care",
        "基础照护（翻身、拍背、压疮预防）",
        "basic_care",
        ["一护"],
        "hour",
        "carer_l4",
        60,
        40,
    ),
    ("toileting", "如厕与失禁照护", "basic_care", ["一护"], "visit", "carer", 45, 20),
    (
        "health_check",
        "健康监测（血压、血糖）",
        "health",
        ["助医"],
        "visit",
        "carer",
        30,
        10,
    ),
    ("medication", "用药提醒与协助", "health", ["助医"], "visit", "", 30, 10),
    (
        "nursing",
        "上门护理（换药、导尿等）",
        "health",
        ["助医", "医养结合"],
        "visit",
        "nurse",
        45,
        20,
    ),
    ("medical_escort", "陪同就医", "errand", ["助医", "助行"], "visit", "", 180, 60),
    ("emergency", "紧急上门救助", "health", ["助急"], "visit", "", 30, 10),
    ("walking", "陪同出行/助行", "errand", ["助行"], "hour", "", 60, 30),
    ("shopping", "代购代办", "errand", ["助购"], "visit", "", 60, 20),
    ("smartphone", "智能手机教学", "comfort", ["助学"], "visit", "", 60, 30),
    ("recreation", "文体娱乐陪伴", "comfort", ["助乐"], "visit", "", 60, 30),
    ("chatting", "聊天陪伴/精神慰藉", "comfort", ["助聊"], "hour", "", 60, 30),
    ("home_visit", "上门巡访", "visit", ["巡访", "六助一巡访"], "visit", "", 30, 15),
    ("adapt_survey", "适老化改造评估", "adapt", ["适老化改造"], "visit", "", 90, 30),
    (
        "adapt_install",
        "适老化改造安装（扶手、防滑、呼叫器）",
        "adapt",
        ["适老化改造"],
        "visit",
        "",
        180,
        60,
    ),
]

# Home modification items a family care bed records (家庭养老床位 适老化改造).
MODIFICATIONS = [
    "护理床",
    "防褥疮床垫",
    "卫生间扶手",
    "防滑地面",
    "淋浴椅",
    "坐便椅",
    "一键呼叫器",
    "跌倒检测雷达",
    "烟感报警器",
    "燃气报警器",
    "门磁/活动传感器",
    "夜间感应灯",
    "轮椅",
]


def item_fields() -> list[dict]:
    """ITEMS as ServiceItem field values (for the migration and for `services.catalogue_load`)."""
    names = (
        "code",
        "name",
        "content",
        "tags",
        "unit",
        "qualification",
        "typical_minutes",
        "min_minutes",
    )
    return [dict(zip(names, row, strict=True)) for row in ITEMS]
