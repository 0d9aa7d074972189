"""GB/T 42195-2022 老年人能力评估规范: the instrument as data (Annex B items, option texts, scores).

Versioned: a future revision of the standard adds another `Instrument`, it never edits this one.
Pure module: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter


@dataclass(frozen=True)
class Item:
    code: str  # "B.1.1"
    name: str
    options: tuple[tuple[int, str], ...]  # (score, option text), highest first

    @property
    def domain(self) -> str:
        return self.code[:3]

    @property
    def max_score(self) -> int:
        return max(score for score, _text in self.options)

    @cached_property
    def scores(self) -> frozenset[int]:
        return frozenset(score for score, _text in self.options)


@dataclass(frozen=True)
class Instrument:
    version: str
    domains: dict[str, str]  # code → name
    items: tuple[Item, ...]

    def item(self, code: str) -> Item:
        return self.by_code[code]

    @cached_property
    def by_code(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    @cached_property
    def domain_getters(self) -> tuple[tuple[str, itemgetter], ...]:
        """(domain, getter of its items' scores) — lets scoring sum a domain in one C call."""
        return tuple(
            (domain, itemgetter(*[i.code for i in self.items if i.domain == domain]))
            for domain in self.domains
        )

    def domain_max(self, domain: str) -> int:
        return sum(item.max_score for item in self.items if item.domain == domain)


# The "5-step scale" several items share (GB/T 42195-2022 Annex B).
FIVE_STEP = (
    (4, "独立完成，不需要协助"),
    (3, "在他人指导或提示下完成"),
    (2, "需要他人协助，但以自身完成为主"),
    (1, "主要依靠他人协助，自身能给予配合"),
    (0, "完全依赖他人协助，且不能给予配合"),
)

GBT_42195_2022 = Instrument(
    version="GB/T 42195-2022",
    domains={
        "B.1": "自理能力",
        "B.2": "基础运动能力",
        "B.3": "精神状态",
        "B.4": "感知觉与社会参与",
    },
    items=(
        Item(
            "B.1.1",
            "进食",
            (
                (4, "独立使用器具进食并咽下，没有呛咳"),
                (3, "在他人指导或提示下完成，或独立使用辅具，没有呛咳"),
                (2, "至少需要少量接触式协助，偶尔（每月一次及以上）呛咳"),
                (1, "需要大量接触式协助，经常（每周一次及以上）呛咳"),
                (0, "完全依赖他人协助进食，或吞咽困难，或留置营养管"),
            ),
        ),
        Item("B.1.2", "修饰（洗脸、刷牙、梳头、刮脸、剪指（趾）甲等）", FIVE_STEP),
        Item("B.1.3", "洗澡（清洗和擦干身体）", FIVE_STEP),
        Item("B.1.4", "穿/脱上衣", FIVE_STEP),
        Item("B.1.5", "穿/脱裤子和鞋袜", FIVE_STEP),
        Item(
            "B.1.6",
            "小便控制",
            (
                (4, "可自行控制排尿，次数、控制均正常"),
                (3, "白天可自行控制，夜间次数增多、控制较差，或自行使用尿布、尿垫"),
                (
                    2,
                    "白天大部分时间可自行控制，偶有尿失禁（每天<1次，但每周>1次），夜间控制较差，或他人少量协助使用尿布、尿垫",
                ),
                (
                    1,
                    "白天大部分时间不能控制（每天≥1次，但尚非完全失控），夜间尿失禁，或他人大量协助",
                ),
                (0, "小便失禁，完全不能控制，或留置导尿管"),
            ),
        ),
        Item(
            "B.1.7",
            "大便控制",
            (
                (4, "可正常自行控制"),
                (3, "有时（每周<1次）便秘或失禁，或自行使用开塞露、尿垫"),
                (2, "经常（每天<1次，但每周>1次）便秘或失禁，或他人少量协助"),
                (1, "大部分时间（每天≥1次）便秘或失禁，尚非完全失控，或他人大量协助"),
                (0, "严重便秘或完全大便失禁，需依赖他人协助排便或清洁皮肤"),
            ),
        ),
        Item("B.1.8", "如厕（含解裤、清洁、穿裤）", FIVE_STEP),
        Item("B.2.1", "床上体位转移（卧床翻身及坐起躺下）", FIVE_STEP),
        Item("B.2.2", "床椅转移（坐位↔站位）", FIVE_STEP),
        Item(
            "B.2.3",
            "平地行走",
            (
                (4, "独立平地行走50m左右，不需协助，无摔倒风险"),
                (
                    3,
                    "能平地行走50m左右，存在跌倒风险，需他人监护或指导，或使用拐杖、助行器等",
                ),
                (2, "步行时需要他人少量扶持协助"),
                (1, "步行时需要他人大量扶持协助"),
                (0, "完全不能步行"),
            ),
        ),
        Item(
            "B.2.4",
            "上下楼梯（连续上下10~15个台阶）",
            (
                (3, "可独立上下楼梯，不需协助"),
                (2, "在他人指导或提示下完成"),
                (1, "需要他人协助，但以自身完成为主"),
                (0, "主要依靠他人协助（自身能配合）或完全依赖他人协助（不能配合）"),
            ),
        ),
        Item(
            "B.3.1",
            "时间定向",
            (
                (4, "年、月清楚，日期（或星期几）可相差一天"),
                (3, "年月日（星期）不能全部分清（相差两天或以上）"),
                (2, "年月日不清楚，可知上半年/下半年或季节"),
                (1, "可知上午/下午或白天/夜间"),
                (0, "无时间观念"),
            ),
        ),
        Item(
            "B.3.2",
            "空间定向",
            (
                (4, "能在日常生活范围内单独外出"),
                (3, "不能单独外出，但能准确知道日常生活所在地的地址"),
                (2, "不能单独外出，但知道较多地址信息"),
                (1, "不能单独外出，知道较少地址信息"),
                (0, "不能单独外出，无空间观念"),
            ),
        ),
        Item(
            "B.3.3",
            "人物定向",
            (
                (4, "认识长期共同生活的人，能称呼并知道关系"),
                (3, "能认识大部分共同生活的人，能称呼或知道关系"),
                (2, "能认识部分日常同住的亲人或照护者"),
                (1, "只认识自己或极少数同住亲人、照护者"),
                (0, "不认识任何人（包括自己）"),
            ),
        ),
        Item(
            "B.3.4",
            "记忆",
            (
                (4, "记忆与社会、年龄相适应，能完整回忆"),
                (3, "轻度紊乱（3个词5分钟后仅能回忆0~1个）"),
                (2, "中度（不能回忆近期记忆，如上一顿饭）"),
                (1, "重度（不能回忆远期记忆，如老朋友）"),
                (0, "记忆完全紊乱"),
            ),
        ),
        Item(
            "B.3.5",
            "理解能力",
            (
                (4, "能正常理解"),
                (3, "能理解，但需增加时间"),
                (2, "有困难，需频繁重复或简化"),
                (1, "有严重困难，需大量帮助"),
                (0, "完全不能理解"),
            ),
        ),
        Item(
            "B.3.6",
            "表达能力",
            (
                (4, "能正常表达"),
                (3, "能表达需要，但需增加时间"),
                (2, "有困难，需频繁重复或简化"),
                (1, "有严重困难，需大量帮助"),
                (0, "完全不能表达需要"),
            ),
        ),
        Item("B.3.7", "攻击行为", ((1, "未出现"), (0, "近一个月内出现过攻击行为"))),
        Item("B.3.8", "抑郁症状", ((1, "未出现"), (0, "近一个月内出现过负性情绪"))),
        Item(
            "B.3.9",
            "意识水平",
            ((2, "神志清醒"), (1, "嗜睡或意识模糊"), (0, "昏睡或昏迷")),
        ),
        Item(
            "B.4.1",
            "视力（最好矫正视力下）",
            (
                (2, "视力正常"),
                (
                    1,
                    "能看清大字体但看不清标准字体；或视力有限，看不清报纸大标题但能辨认物体",
                ),
                (0, "只能看到光、颜色和形状；完全失明"),
            ),
        ),
        Item(
            "B.4.2",
            "听力（可借助助听设备）",
            (
                (2, "听力正常"),
                (1, "轻声说话或距离超过两米时听不清；正常交流有些困难"),
                (0, "大声或很慢说话才能部分听见；完全失聪"),
            ),
        ),
        Item(
            "B.4.3",
            "执行日常事务（洗衣、小金额购物、服药管理等）",
            (
                (4, "完全独立"),
                (3, "需他人监护或指导"),
                (2, "需少量协助"),
                (1, "需大量协助"),
                (0, "完全依赖他人"),
            ),
        ),
        Item(
            "B.4.4",
            "使用交通工具外出",
            (
                (3, "能自己骑车或搭乘公共交通工具外出"),
                (2, "能自己搭乘出租车，但不会搭乘其他交通工具"),
                (1, "有人协助或陪伴时可搭乘公共交通工具"),
                (
                    0,
                    "只能在他人协助下搭乘出租车或私家车；完全不能出门，或外出完全需要协助",
                ),
            ),
        ),
        Item(
            "B.4.5",
            "社会交往能力",
            (
                (4, "参与社会，有一定适应能力，待人接物恰当"),
                (
                    3,
                    "能适应单纯环境，主动接触他人，初次见面时难让人发现智力问题，不能理解隐喻语",
                ),
                (
                    2,
                    "脱离社会，可被动接触，不会主动待人，谈话中很多不适词句，容易上当受骗",
                ),
                (1, "勉强可与人接触，谈吐内容不清楚，表情不恰当"),
                (0, "不能与人交往"),
            ),
        ),
    ),
)

# A.1 评估原因 (the workflow's choices carry the same words).
REASONS = ("首次评估", "常规评估", "即时评估", "因对评估结果有疑问进行的复评", "其他")

# A.5 health items. Only A.5.11 昏迷 enters the level rules (C.4 rule 1); it has its own field in
# an answers document ("coma"), the others are recorded as a list of the codes that apply.
HEALTH_ITEMS = (
    ("A.5.1", "压力性损伤"),
    ("A.5.2", "关节活动度受限"),
    ("A.5.3", "伤口情况"),
    ("A.5.4", "特殊护理情况"),
    ("A.5.5", "疼痛感"),
    ("A.5.6", "牙齿缺失"),
    ("A.5.7", "义齿佩戴"),
    ("A.5.8", "吞咽困难"),
    ("A.5.9", "营养不良"),
    ("A.5.10", "清理呼吸道无效"),
    ("A.5.11", "昏迷"),
)
COMA = "A.5.11"

# A.2.14 care-risk events in the last 30 days (each 无 / 1次 / 2次 / 3次及以上).
RISK_EVENTS = ("跌倒", "走失", "噎食", "自杀", "自伤", "其他")

# C.3 preliminary level bands on the total score, and the level names (C.5).
LEVEL_NAMES = {
    0: "能力完好",
    1: "能力轻度受损（轻度失能）",
    2: "能力中度受损（中度失能）",
    3: "能力重度受损（重度失能）",
    4: "能力完全丧失（完全失能）",
}
# The names people say (charts, lists): 能力完好 and 轻度/中度/重度/完全失能.
SHORT_LEVEL_NAMES = {
    0: "能力完好",
    1: "轻度失能",
    2: "中度失能",
    3: "重度失能",
    4: "完全失能",
}
LEVEL_BANDS = (
    (90, 90, 0),
    (66, 89, 1),
    (46, 65, 2),
    (30, 45, 3),
    (0, 29, 4),
)  # (from, to, level)

# A.4.1 diagnoses the form offers (name, ICD-10 range, code to record); others are typed in.
COMMON_DIAGNOSES = (
    ("高血压", "I10–I15", "I10"),
    ("冠心病", "I25", "I25"),
    ("糖尿病", "E10–E14", "E11"),
    ("肺炎", "J12–J18", "J18"),
    ("慢性阻塞性肺疾病", "J44", "J44"),
    ("脑出血", "I60–I62", "I61"),
    ("脑梗塞", "I63", "I63"),
    ("帕金森综合征", "G20–G22", "G20"),
    ("慢性肾衰竭", "N18–N19", "N18"),
    ("肝硬化", "K74", "K74"),
    ("肿瘤", "C00–D48", "C80"),
    ("截肢（6个月内）", "", ""),
    ("骨折（3个月内）", "M84", "M84"),
    ("癫痫", "G40", "G40"),
    ("甲状腺功能减退症", "E01–E03", "E03"),
    ("白内障", "H25–H26", "H25"),
    ("青光眼", "H40–H42", "H40"),
    ("骨质疏松", "M80–M82", "M81"),
    ("痴呆", "F00–F03", "F03"),
    ("其他精神和行为障碍", "F04–F99", "F20"),
)
