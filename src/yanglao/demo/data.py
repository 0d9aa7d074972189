"""Facts the demo city is modelled on: Jingdezhen (景德镇市), from its 十四五 plan and the 2020 census
(../shared/REQUIREMENTS.md §10 baseline). Township names are real; village names are generated."""

from __future__ import annotations

PROVINCE = ("360000", "江西省")
CITY = ("360200", "景德镇市")
RESIDENTS = 1_618_979
AGED_60 = 269_220
AGED_65 = 184_043

# county code, name, share of residents, centre (lat, lng), radius in degrees, townships
# township: (name, is_street) — streets are urban (社区), towns/townships rural (村) with a seat community.
COUNTIES = [
    (
        "360202",
        "昌江区",
        0.125,
        (29.34, 117.16),
        0.10,
        [
            ("西郊街道", True),
            ("新枫街道", True),
            ("吕蒙乡", False),
            ("鲇鱼山镇", False),
            ("丽阳镇", False),
            ("荷塘乡", False),
        ],
    ),
    (
        "360203",
        "珠山区",
        0.290,
        (29.30, 117.21),
        0.035,
        [
            ("周路口街道", True),
            ("新村街道", True),
            ("新街街道", True),
            ("石狮埠街道", True),
            ("里村街道", True),
            ("昌江街道", True),
            ("珠山街道", True),
            ("太白园街道", True),
            ("昌河街道", True),
            ("新厂街道", True),
            ("竟成镇", False),
        ],
    ),
    (
        "360222",
        "浮梁县",
        0.165,
        (29.48, 117.28),
        0.22,
        [
            ("浮梁镇", False),
            ("鹅湖镇", False),
            ("经公桥镇", False),
            ("蛟潭镇", False),
            ("湘湖镇", False),
            ("瑶里镇", False),
            ("洪源镇", False),
            ("寿安镇", False),
            ("三龙镇", False),
            ("峙滩镇", False),
            ("王港乡", False),
            ("庄湾乡", False),
            ("黄坛乡", False),
            ("兴田乡", False),
            ("江村乡", False),
            ("勒功乡", False),
            ("西湖乡", False),
        ],
    ),
    (
        "360281",
        "乐平市",
        0.420,
        (28.97, 117.13),
        0.20,
        [
            ("洎阳街道", True),
            ("塔山街道", True),
            ("鸣山乡", False),
            ("众埠镇", False),
            ("接渡镇", False),
            ("洪岩镇", False),
            ("礼林镇", False),
            ("后港镇", False),
            ("塔前镇", False),
            ("双田镇", False),
            ("临港镇", False),
            ("高家镇", False),
            ("涌山镇", False),
            ("镇桥镇", False),
            ("浯口镇", False),
            ("名口镇", False),
            ("乐港镇", False),
            ("十里岗乡", False),
        ],
    ),
]

VILLAGES = 473  # administrative villages (REQUIREMENTS §10)
RURAL_MUTUAL_AID = 263  # 农村互助养老服务设施 in 473 villages (55.6%)

# Institutions: 3 public welfare homes 648 beds; 39 public nursing homes 1,515; 13 private 1,896.
INSTITUTION_GROUPS = [
    ("welfare_home", "public", 3, 648),
    ("tekun_home", "public", 39, 1515),
    ("private_home", "private", 13, 1896),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
MALE_GIVEN = "国建明华文军平志德永春海成强福林荣生金山兴祥发忠贵宝全红清胜新亮水根长"
FEMALE_GIVEN = "秀英兰芳华桂凤玉珍梅丽莲翠霞娥琴云菊香淑爱美春冬月彩金银素"
PLACE_CHARS = "东南西北中上下大小新老长高石桥塘坑湾岭山冲源田口坪溪洲湖港岗庄店铺亭桥园林竹梅柏杨柳枫桃李"

# Rates among people aged 60+ (plausible; real rates vary by county). 农村 rates are higher for 特困.
CATEGORY_RATES = {
    "tekun": (0.006, 0.018),  # (urban, rural)
    "dibao": (0.035, 0.065),
    "dibao_edge": (0.02, 0.03),
    "family_planning": (0.004, 0.002),
    "youfu": (0.008, 0.008),
    "disabled": (0.018, 0.024),
}
