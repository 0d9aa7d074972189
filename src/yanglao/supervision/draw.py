"""双随机 draws anyone can re-derive: ../shared/STANDARDS.md, "The platform's published draw method",
implemented exactly. Pure: hashlib and RFC 8785 canonical JSON, nothing of the platform's.

1. The frozen input {"plan", "objects": [{code, stratum}], "inspectors": [{code, excludes}],
   "sample": {stratum: n}, "team_size": k ≥ 2, "max_teams": cap or null}, lists sorted.
2. Commitment C = sha256 hex of the input's RFC 8785 bytes, published before R exists.
3. R, the public random value, recorded verbatim.
4. Seed S = sha256 hex of C + ":" + R.
5. Per stratum (in name order) its objects by sha256(S + ":object:" + code), ties by code; the first n.
6. For each chosen object in that order, the inspectors who do not exclude it and are below the cap,
   by sha256(S + ":inspector:" + object + ":" + inspector), ties by code; the first k. Fewer than k
   is an error named in the result, never a smaller team.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import rfc8785


class DrawInputError(ValueError):
    """The input breaks the method; the message says how, in Chinese."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(document: dict) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes."""
    return rfc8785.dumps(document)


def commitment(frozen: dict) -> str:
    return hashlib.sha256(canonical(frozen)).hexdigest()


def seed(commit: str, public_random: str) -> str:
    return sha256_hex(f"{commit}:{public_random}")


def check_input(frozen: dict) -> None:
    """The shape the method requires, or DrawInputError naming what is wrong."""
    keys = {"plan", "objects", "inspectors", "sample", "team_size", "max_teams"}
    if not isinstance(frozen, dict) or set(frozen) != keys:
        raise DrawInputError(f"输入须恰有字段 {sorted(keys)}")
    objects, inspectors = frozen["objects"], frozen["inspectors"]
    codes = [o.get("code") for o in objects]
    if codes != sorted(codes) or len(set(codes)) != len(codes):
        raise DrawInputError("检查对象须按代码排序且不重复")
    names = [i.get("code") for i in inspectors]
    if names != sorted(names) or len(set(names)) != len(names):
        raise DrawInputError("检查人员须按代码排序且不重复")
    for i in inspectors:
        if i.get("excludes") != sorted(i.get("excludes") or []):
            raise DrawInputError(f"检查人员 {i.get('code')} 的回避对象须排序")
    k = frozen["team_size"]
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise DrawInputError("每组检查人员不得少于 2 人")
    cap = frozen["max_teams"]
    if cap is not None and (
        not isinstance(cap, int) or isinstance(cap, bool) or cap < 1
    ):
        raise DrawInputError("每名检查人员的组数上限须为正整数或 null")
    strata = {o.get("stratum") for o in objects}
    for name, n in frozen["sample"].items():
        if name not in strata:
            raise DrawInputError(f"抽取数量中的层“{name}”没有检查对象")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise DrawInputError(f"层“{name}”的抽取数量须为非负整数")


@dataclass
class Result:
    seed: str
    objects: list[dict] = field(default_factory=list)  # {code, stratum, hash}
    teams: list[dict] = field(default_factory=list)  # {object, inspectors: [codes]}
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "objects": self.objects,
            "teams": self.teams,
            "errors": self.errors,
        }


def draw(frozen: dict, public_random: str) -> Result:
    """The draw for a frozen input and a public random value (steps 4–6)."""
    check_input(frozen)
    s = seed(commitment(frozen), public_random)
    result = Result(seed=s)
    by_stratum: dict[str, list[str]] = {}
    for o in frozen["objects"]:
        by_stratum.setdefault(o["stratum"], []).append(o["code"])
    for stratum in sorted(by_stratum):
        n = frozen["sample"].get(stratum, 0)
        ranked = sorted(
            (sha256_hex(f"{s}:object:{code}"), code) for code in by_stratum[stratum]
        )
        for h, code in ranked[:n]:
            result.objects.append({"code": code, "stratum": stratum, "hash": h})
    k, cap = frozen["team_size"], frozen["max_teams"]
    load: dict[str, int] = {}
    excludes = {i["code"]: set(i["excludes"]) for i in frozen["inspectors"]}
    for chosen in result.objects:
        code = chosen["code"]
        free = [
            name
            for name, barred in excludes.items()
            if code not in barred and (cap is None or load.get(name, 0) < cap)
        ]
        ranked = sorted(
            (sha256_hex(f"{s}:inspector:{code}:{name}"), name) for name in free
        )
        if len(ranked) < k:
            result.errors.append(
                f"对象 {code}：可派检查人员 {len(ranked)} 人，少于每组 {k} 人，未组队"
            )
            continue
        team = [name for _h, name in ranked[:k]]
        for name in team:
            load[name] = load.get(name, 0) + 1
        result.teams.append({"object": code, "inspectors": team})
    return result


def verify(record: dict) -> list[str]:
    """Re-derive a published record {input, commitment, public_random, seed, objects, teams,
    errors}: the differences found, in Chinese; [] when the record is what the method gives."""
    problems = []
    try:
        frozen = record["input"]
        again_c = commitment(frozen)
    except (KeyError, TypeError, ValueError) as exc:
        return [f"记录不完整或输入无法规范化：{exc}"]
    if again_c != record.get("commitment"):
        problems.append(
            f"承诺值不符：输入的 SHA-256 为 {again_c}，公示的承诺值为 {record.get('commitment')}"
            "（输入在公示后被改动）"
        )
    if record.get("public_random") in (None, ""):
        return problems + ["尚未录入公开随机数，无法复核抽取结果"]
    try:
        again = draw(frozen, record["public_random"]).as_dict()
    except DrawInputError as exc:
        return problems + [f"输入不符合方法：{exc}"]
    for key, name in (
        ("seed", "种子"),
        ("objects", "抽中对象"),
        ("teams", "检查组"),
        ("errors", "错误说明"),
    ):
        if again[key] != record.get(key):
            problems.append(f"{name}与按方法重新计算的结果不符")
    return problems
