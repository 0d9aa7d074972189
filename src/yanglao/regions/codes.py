"""Division codes (行政区划代码 / 统计用区划代码): shape and level rules. Pure."""

from __future__ import annotations

from yanglao.core.digits import ascii_digits

LEVEL_BY_NAME = {
    "省": 1,
    "省级": 1,
    "province": 1,
    "市": 2,
    "地级": 2,
    "市级": 2,
    "city": 2,
    "县": 3,
    "区": 3,
    "县级": 3,
    "县(市、区)": 3,
    "county": 3,
    "乡镇": 4,
    "街道": 4,
    "乡": 4,
    "镇": 4,
    "乡镇/街道": 4,
    "township": 4,
    "村": 5,
    "社区": 5,
    "村/社区": 5,
    "village": 5,
    "community": 5,
}

CODE_LENGTH = {1: 6, 2: 6, 3: 6, 4: 9, 5: 12}


def code_problem(code: str, level: int) -> str | None:
    """A Chinese reason why `code` cannot be a code of `level`, or None when it fits."""
    if not ascii_digits(code):
        return "区划代码应只含数字"
    if len(code) != CODE_LENGTH[level]:
        return f"该层级的区划代码应为{CODE_LENGTH[level]}位"
    return None


def parent_code_problem(
    code: str, level: int, parent_code: str, parent_level: int
) -> str | None:
    """Codes nest: a child's code starts with its parent's significant digits."""
    if parent_level >= level:
        return "上级区划的层级应高于本级"
    significant = {1: 2, 2: 4, 3: 6, 4: 9}[parent_level]
    if code[:significant] != parent_code[:significant]:
        return f"区划代码应以上级代码的前{significant}位开头"
    return None
