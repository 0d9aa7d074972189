"""How a clerk finds a person by name: any part of the name (德祥 finds 李德祥), its pinyin (wangxiuying,
xiuying) or the initials of its syllables (wxy). Pure rules, no Django.

Each name gives a small set of search keys — every suffix of the characters, of the pinyin syllables
joined, and of the initials — so "the name contains x" becomes "a key starts with x", a B-tree
range on both databases (a trigram index cannot index the one- and two-character pieces Chinese
names are searched by)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

KEY_LENGTH = 60
# Surnames read differently from the everyday reading of their character (《百家姓》).
SURNAME_READINGS = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "区": "ou1",
    "查": "zha1",
    "朴": "piao2",
    "覃": "qin2",
    "乐": "yue4",
    "缪": "miao4",
    "翟": "zhai2",
    "盖": "ge3",
    "种": "chong2",
    "黑": "he4",
    "召": "shao4",
    "员": "yun4",
    "尉": "yu4",
    "万俟": "mo4 qi2",
    "尉迟": "yu4 chi2",
}


def normalize_query(text: str) -> str:
    """What a clerk typed, as keys are written: no spaces or middle dots, lower case."""
    return "".join(text.split()).replace("·", "").replace("•", "").lower()


@lru_cache(maxsize=65536)
def toned_syllables(name: str) -> tuple[str, ...]:
    """The name's pinyin with tone numbers (wang2, de5 for the neutral tone), one item per
    syllable; the surname read as a surname."""
    name = normalize_query(name)
    if not name:
        return ()
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname):
            rest = name[len(surname) :]
            return tuple(SURNAME_READINGS[surname].split() + _toned(rest))
    return tuple(_toned(name))


def _toned(text: str) -> list[str]:
    if not text:
        return []
    return [
        s.lower()
        for s in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    ]


def syllables(name: str) -> list[str]:
    """The name's pinyin without tones, one item per syllable."""
    return [s.rstrip("012345") or s for s in toned_syllables(name)]


def sort_key(name: str) -> str:
    """Dictionary order: syllable by syllable, then tone (汪 wang1 before 王 wang2), separated by a
    space so "wan" sorts before "wang"; the characters themselves break ties."""
    return (" ".join(toned_syllables(name)) + " " + name)[:KEY_LENGTH]


# Syllable-aligned keys join syllables with this mark ("wang'xiu'ying"): "wang" then ranks 王 and 汪
# above 万根宝, whose plain key "wangenbao" also starts with "wang" (wan·gen).
SEPARATOR = "'"


# Every toneless syllable pypinyin reads the common CJK block with (420), written out so a search
# does not build it (0.4 s) in the first request of each process;
# elders/tests/test_name_search_keys.py checks it against pypinyin.
SYLLABLES = frozenset(
    [
        "a",
        "ai",
        "an",
        "ang",
        "ao",
        "ba",
        "bai",
        "ban",
        "bang",
        "bao",
        "bei",
        "ben",
        "beng",
        "bi",
        "bian",
        "biao",
        "bie",
        "bin",
        "bing",
        "bo",
        "bu",
        "ca",
        "cai",
        "can",
        "cang",
        "cao",
        "ce",
        "cen",
        "ceng",
        "cha",
        "chai",
        "chan",
        "chang",
        "chao",
        "che",
        "chen",
        "cheng",
        "chi",
        "chong",
        "chou",
        "chu",
        "chua",
        "chuai",
        "chuan",
        "chuang",
        "chui",
        "chun",
        "chuo",
        "ci",
        "cong",
        "cou",
        "cu",
        "cuan",
        "cui",
        "cun",
        "cuo",
        "da",
        "dai",
        "dan",
        "dang",
        "dao",
        "de",
        "den",
        "deng",
        "di",
        "dian",
        "diao",
        "die",
        "ding",
        "diu",
        "dong",
        "dou",
        "du",
        "duan",
        "dui",
        "dun",
        "duo",
        "e",
        "ei",
        "en",
        "eng",
        "er",
        "fa",
        "fan",
        "fang",
        "fei",
        "fen",
        "feng",
        "fiao",
        "fo",
        "fou",
        "fu",
        "ga",
        "gai",
        "gan",
        "gang",
        "gao",
        "ge",
        "gei",
        "gen",
        "geng",
        "gong",
        "gou",
        "gu",
        "gua",
        "guai",
        "guan",
        "guang",
        "gui",
        "gun",
        "guo",
        "ha",
        "hai",
        "han",
        "hang",
        "hao",
        "he",
        "hei",
        "hen",
        "heng",
        "hm",
        "hong",
        "hou",
        "hu",
        "hua",
        "huai",
        "huan",
        "huang",
        "hui",
        "hun",
        "huo",
        "ji",
        "jia",
        "jian",
        "jiang",
        "jiao",
        "jie",
        "jin",
        "jing",
        "jiong",
        "jiu",
        "ju",
        "juan",
        "jue",
        "jun",
        "ka",
        "kai",
        "kan",
        "kang",
        "kao",
        "ke",
        "ken",
        "keng",
        "kong",
        "kou",
        "ku",
        "kua",
        "kuai",
        "kuan",
        "kuang",
        "kui",
        "kun",
        "kuo",
        "la",
        "lai",
        "lan",
        "lang",
        "lao",
        "le",
        "lei",
        "leng",
        "li",
        "lia",
        "lian",
        "liang",
        "liao",
        "lie",
        "lin",
        "ling",
        "liu",
        "lo",
        "long",
        "lou",
        "lu",
        "luan",
        "lun",
        "luo",
        "lv",
        "lve",
        "m",
        "ma",
        "mai",
        "man",
        "mang",
        "mao",
        "me",
        "mei",
        "men",
        "meng",
        "mi",
        "mian",
        "miao",
        "mie",
        "min",
        "ming",
        "miu",
        "mo",
        "mou",
        "mu",
        "n",
        "na",
        "nai",
        "nan",
        "nang",
        "nao",
        "ne",
        "nei",
        "nen",
        "neng",
        "ni",
        "nian",
        "niang",
        "niao",
        "nie",
        "nin",
        "ning",
        "niu",
        "nong",
        "nou",
        "nu",
        "nuan",
        "nun",
        "nuo",
        "nv",
        "nve",
        "o",
        "ou",
        "pa",
        "pai",
        "pan",
        "pang",
        "pao",
        "pei",
        "pen",
        "peng",
        "pi",
        "pian",
        "piao",
        "pie",
        "pin",
        "ping",
        "po",
        "pou",
        "pu",
        "qi",
        "qia",
        "qian",
        "qiang",
        "qiao",
        "qie",
        "qin",
        "qing",
        "qiong",
        "qiu",
        "qu",
        "quan",
        "que",
        "qun",
        "ran",
        "rang",
        "rao",
        "re",
        "ren",
        "reng",
        "ri",
        "rong",
        "rou",
        "ru",
        "rua",
        "ruan",
        "rui",
        "run",
        "ruo",
        "sa",
        "sai",
        "san",
        "sang",
        "sao",
        "se",
        "sen",
        "seng",
        "sha",
        "shai",
        "shan",
        "shang",
        "shao",
        "she",
        "shen",
        "sheng",
        "shi",
        "shou",
        "shu",
        "shua",
        "shuai",
        "shuan",
        "shuang",
        "shui",
        "shun",
        "shuo",
        "si",
        "song",
        "sou",
        "su",
        "suan",
        "sui",
        "sun",
        "suo",
        "ta",
        "tai",
        "tan",
        "tang",
        "tao",
        "te",
        "teng",
        "ti",
        "tian",
        "tiao",
        "tie",
        "ting",
        "tong",
        "tou",
        "tu",
        "tuan",
        "tui",
        "tun",
        "tuo",
        "wa",
        "wai",
        "wan",
        "wang",
        "wei",
        "wen",
        "weng",
        "wo",
        "wu",
        "xi",
        "xia",
        "xian",
        "xiang",
        "xiao",
        "xie",
        "xin",
        "xing",
        "xiong",
        "xiu",
        "xu",
        "xuan",
        "xue",
        "xun",
        "ya",
        "yan",
        "yang",
        "yao",
        "ye",
        "yi",
        "yin",
        "ying",
        "yo",
        "yong",
        "you",
        "yu",
        "yuan",
        "yue",
        "yun",
        "za",
        "zai",
        "zan",
        "zang",
        "zao",
        "ze",
        "zei",
        "zen",
        "zeng",
        "zha",
        "zhai",
        "zhan",
        "zhang",
        "zhao",
        "zhe",
        "zhen",
        "zheng",
        "zhi",
        "zhong",
        "zhou",
        "zhu",
        "zhua",
        "zhuai",
        "zhuan",
        "zhuang",
        "zhui",
        "zhun",
        "zhuo",
        "zi",
        "zong",
        "zou",
        "zu",
        "zuan",
        "zui",
        "zun",
        "zuo",
        "兙",
        "兡",
        "嗧",
        "桛",
        "烪",
        "瓧",
        "瓰",
        "瓱",
        "瓼",
        "甅",
    ]
)


def segment(typed: str) -> tuple[list[str], bool]:
    """ "wangxiuy" → (["wang", "xiu", "y"], False): the longest syllable at each step; the bool
    says whether the last piece is a whole syllable (else the clerk is still typing it)."""
    known, pieces, i = SYLLABLES, [], 0
    while i < len(typed):
        for j in range(min(len(typed), i + 6), i, -1):
            if typed[i:j] in known:
                pieces.append(typed[i:j])
                i = j
                break
        else:
            pieces.append(typed[i:])
            return pieces, False
    return pieces, True


def aligned_query(text: str) -> tuple[str, bool] | None:
    """The typed pinyin as an aligned key ("wang'xiu'y", complete?), or None for anything that is
    not plain pinyin letters (characters, digits)."""
    typed = normalize_query(text)
    if not typed or not typed.isascii() or not typed.isalpha():
        return None
    pieces, complete = segment(typed)
    return SEPARATOR.join(pieces), complete


def _suffixes(parts: list[str]) -> set[str]:
    return {"".join(parts[i:])[:KEY_LENGTH] for i in range(len(parts))}


@lru_cache(maxsize=65536)
def search_keys(name: str) -> frozenset[str]:
    """王秀英 → 王秀英 秀英 英, wangxiuying xiuying ying, wxy xy y, and the syllable-aligned
    wang'xiu'ying xiu'ying (for ranking)."""
    compact = normalize_query(name)
    if not compact:
        return frozenset()
    spoken = syllables(compact)
    initials = [s[0] for s in spoken if s]
    aligned = {SEPARATOR.join(spoken[i:])[:KEY_LENGTH] for i in range(len(spoken) - 1)}
    return frozenset(
        _suffixes(list(compact)) | _suffixes(spoken) | _suffixes(initials) | aligned
    )


def id_last4(id_number: str) -> str:
    """The last four characters of an identity number: what the masked number shows anyway
    (core.idnumber.mask), and what a clerk adds to a common name to find one person."""
    return id_number[-4:].upper() if len(id_number) >= 4 else ""


def split_query(text: str) -> tuple[str, str]:
    """ "王秀英 0029" → ("王秀英", "0029"): a trailing four-character group of digits (the last may
    be X) is the identity number's end; the rest is the name."""
    parts = text.split()
    if len(parts) >= 2 and _is_last4(parts[-1]):
        return " ".join(parts[:-1]), parts[-1].upper()
    return text, ""


def _is_last4(part: str) -> bool:
    return (
        len(part) == 4
        and all("0" <= c <= "9" for c in part[:3])
        and (("0" <= part[3] <= "9") or part[3] in "Xx")
    )
