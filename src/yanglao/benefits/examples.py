"""Shipped configurations (STANDARDS.md "Allowance examples"): the Jingdezhen programmes the demo
city runs, and the Beijing and Shanghai rules as templates a bureau can start a version from.
Amounts are integer 分. Pure data."""

from __future__ import annotations

# The documents give Jingdezhen's 高龄补贴 as "50–400 元 by age"; the middle tier (90–99: 100 元)
# is this configuration's choice, and a bureau edits it like any other rule.
JINGDEZHEN = [
    {
        "code": "tekun_care",
        "name": "特困人员照料护理费",
        "order": 5,
        "funding": {"city": 40, "county": 60},
        "note": "景德镇：特困人员照料护理费 失能 1200 / 半失能 300 / 自理 70 元/月",
        "conditions": {"categories_any": ["tekun"]},
        "amount": {
            "by": "level",
            "tiers": [
                {"low": 0, "high": 0, "amount_fen": 7000},
                {"low": 1, "high": 2, "amount_fen": 30000},
                {"low": 3, "high": 4, "amount_fen": 120000},
            ],
        },
    },
    {
        "code": "gaoling",
        "name": "高龄津贴",
        "order": 10,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇：高龄补贴 50–400 元，按年龄分档，年满80周岁自动纳入",
        "conditions": {"min_age": 80, "hukou_local": True},
        "amount": {
            "by": "age",
            "tiers": [
                {"low": 80, "high": 89, "amount_fen": 5000},
                {"low": 90, "high": 99, "amount_fen": 10000},
                {"low": 100, "high": None, "amount_fen": 40000},
            ],
        },
    },
    {
        "code": "fuwu",
        "name": "经济困难老年人养老服务补贴",
        "order": 20,
        "funding": {"city": 50, "county": 40, "town": 10},
        "needs_application": True,
        "steps": ["community", "street", "civil_affairs"],
        "note": "景德镇：经济困难的高龄老年人养老服务补贴 不低于 50 元/人/月",
        "conditions": {
            "min_age": 80,
            "categories_any": ["dibao", "dibao_edge"],
            "hukou_local": True,
            "excludes": ["tekun_care"],
        },
        "amount": {"by": "flat", "flat_fen": 5000},
    },
    {
        "code": "huli",
        "name": "经济困难失能老年人护理补贴",
        "order": 30,
        "funding": {"city": 50, "county": 40, "town": 10},
        "needs_application": True,
        "steps": ["community", "street", "civil_affairs"],
        "note": "景德镇：经济困难的失能老年人护理补贴 不低于 50 元/人/月",
        "conditions": {
            "min_level": 2,
            "categories_any": ["dibao", "dibao_edge"],
            "hukou_local": True,
            "excludes": ["tekun_care"],
        },
        "amount": {"by": "flat", "flat_fen": 5000},
    },
    {
        "code": "yunying",
        "name": "养老机构运营补贴",
        "order": 40,
        "unit": "institution",
        "funding": {"city": 50, "county": 50},
        "note": "景德镇：按收住失能、部分失能老年人数 每人每月 200 / 100 元",
        "conditions": {"in_institution": True, "min_level": 1},
        "amount": {
            "by": "level",
            "tiers": [
                {"low": 1, "high": 2, "amount_fen": 10000},
                {"low": 3, "high": 4, "amount_fen": 20000},
            ],
        },
    },
    {
        "code": "shilaohua",
        "name": "居家适老化改造补贴",
        "unit": "item",
        "order": 40,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇：每年对500户特殊困难的高龄、失能、残疾等老年人家庭进行居家适老化改造（专栏1、专栏2.6）；基础类项目政府补贴，每户最高3000元",
        "conditions": {
            "min_age": 60,
            "residence_local": True,
            "categories_any": ["tekun", "dibao", "dibao_edge"],
        },
        "amount": {"by": "flat", "flat_fen": 300000, "share_percent": 100},
    },
    {
        "code": "chuanxi",
        "name": "喘息服务补贴",
        "unit": "item",
        "order": 41,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇三.(二).3：为失能老年人家庭提供喘息服务；居家中度及以上失能老年人每年最多21天，按每天100元拨付服务机构",
        "conditions": {
            "min_level": 2,
            "in_institution": False,
            "residence_local": True,
        },
        "amount": {"by": "flat", "flat_fen": 10000, "per_year": 21},
    },
    {
        "code": "ruzhi",
        "name": "养老护理员入职奖励",
        "unit": "staff",
        "order": 50,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇三.(六).2：养老机构入职奖励；2025年起入职、在岗满12个月的养老护理员一次性3000元（演示标准）",
        "conditions": {"kind": "entry", "roles": ["carer"], "min_months": 12},
        "amount": {"by": "flat", "flat_fen": 300000},
    },
    {
        "code": "gangwei",
        "name": "养老护理员岗位补贴",
        "unit": "staff",
        "order": 51,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇三.(六).2：岗位补贴，按职业技能等级每月发放（演示标准：五级100元至一级500元）",
        "conditions": {"kind": "skill", "roles": ["carer"]},
        "amount": {
            "by": "level",
            "tiers": [
                {"low": 1, "high": 1, "amount_fen": 50000},
                {"low": 2, "high": 2, "amount_fen": 40000},
                {"low": 3, "high": 3, "amount_fen": 30000},
                {"low": 4, "high": 4, "amount_fen": 20000},
                {"low": 5, "high": 5, "amount_fen": 10000},
            ],
        },
    },
    {
        "code": "nianxian",
        "name": "养老护理员从业年限补贴",
        "unit": "staff",
        "order": 52,
        "funding": {"city": 50, "county": 50},
        "note": "宝山17：从业年限补贴，连续从业满1年起按年限分档每月发放（演示标准）",
        "conditions": {"kind": "years", "roles": ["carer"]},
        "amount": {
            "by": "age",
            "tiers": [
                {"low": 1, "high": 2, "amount_fen": 5000},
                {"low": 3, "high": 4, "amount_fen": 10000},
                {"low": 5, "high": None, "amount_fen": 20000},
            ],
        },
    },
    {
        "code": "jianxi",
        "name": "见习留用补贴",
        "unit": "retention",
        "order": 53,
        "funding": {"city": 100},
        "note": "景德镇三.(六).2：对见习期满留用率达到50%以上的单位，按留用人数给予每人一次性见习留用补贴，标准为最低工资标准的100%（江西一类区 1850 元）",
        "conditions": {"min_retention": 50},
        "amount": {"by": "flat", "flat_fen": 185000, "share_percent": 100},
    },
    {
        "code": "jianshe",
        "name": "新增护理型床位建设补贴",
        "unit": "bed",
        "order": 54,
        "funding": {"city": 50, "county": 50},
        "note": "景德镇三.(五).1：对民办养老机构新增护理型床位（实行会员制的养老机构除外）给予一次性建设补助（演示标准每张5000元）",
        "conditions": {},
        "amount": {"by": "flat", "flat_fen": 500000},
    },
]

TEMPLATES = {
    "beijing_kunnan": {
        "title": "北京：困难老年人养老服务补贴（低保 300 / 低收入 200 / 计生特殊家庭 100 元）",
        "conditions": {
            "categories_any": ["dibao", "dibao_edge", "family_planning"],
            "hukou_local": True,
        },
        "amount": {
            "by": "category",
            "tiers": [
                {"category": "dibao", "amount_fen": 30000},
                {"category": "dibao_edge", "amount_fen": 20000},
                {"category": "family_planning", "amount_fen": 10000},
            ],
        },
    },
    "beijing_huli": {
        "title": "北京：失能老年人护理补贴（200 / 400 / 600 元，三档）",
        "conditions": {"min_level": 2, "hukou_local": True},
        "amount": {
            "by": "level",
            "tiers": [
                {"low": 2, "high": 2, "amount_fen": 20000},
                {"low": 3, "high": 3, "amount_fen": 40000},
                {"low": 4, "high": 4, "amount_fen": 60000},
            ],
        },
    },
    "beijing_gaoling": {
        "title": "北京：高龄津贴（80–89 岁 100 / 90–99 岁 500 / 100 岁以上 800 元）",
        "conditions": {"min_age": 80, "hukou_local": True},
        "amount": {
            "by": "age",
            "tiers": [
                {"low": 80, "high": 89, "amount_fen": 10000},
                {"low": 90, "high": 99, "amount_fen": 50000},
                {"low": 100, "high": None, "amount_fen": 80000},
            ],
        },
    },
    "shanghai_zonghe": {
        "title": "上海：老年综合津贴（65–69 岁 75 / 70–79 岁 150 / 80–89 岁 180 / 90–99 岁 350 / 100 岁以上 600 元）",
        "conditions": {"min_age": 65, "hukou_local": True},
        "amount": {
            "by": "age",
            "tiers": [
                {"low": 65, "high": 69, "amount_fen": 7500},
                {"low": 70, "high": 79, "amount_fen": 15000},
                {"low": 80, "high": 89, "amount_fen": 18000},
                {"low": 90, "high": 99, "amount_fen": 35000},
                {"low": 100, "high": None, "amount_fen": 60000},
            ],
        },
    },
}
