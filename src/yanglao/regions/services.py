from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from yanglao.core import permissions
from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.digits import ascii_digits
from yanglao.core.errors import ValidationFailed
from yanglao.core.scope import region_path_allowed, sees_everything
from yanglao.core.tabular import TableError, decode_text
from yanglao.regions.codes import LEVEL_BY_NAME, code_problem, parent_code_problem
from yanglao.regions.models import Region

POPULATION_FIELDS = (
    "population",
    "households",
    "population_60",
    "population_65",
    "population_80",
)


def ensure_region_writer(by) -> None:
    """Region codes and population figures are kept by administrators and civil-affairs staff."""
    if not permissions.is_bureau(by):
        raise ValidationFailed(
            {"__all__": "只有系统管理员和民政局工作人员可以维护行政区划"}
        )


def region_create(
    *,
    by,
    code: str,
    name: str,
    level: int,
    parent: Region | None,
    is_urban: bool | None = None,
    lat: float | None = None,
    lng: float | None = None,
    **population: int,
) -> Region:
    ensure_region_writer(by)
    errors = _region_problems(code=code, name=name, level=level, parent=parent)
    if not sees_everything(by) and (
        parent is None or not region_path_allowed(by, parent.path)
    ):
        errors["parent"] = "上级区划不在您的管辖范围内"
    if errors:
        raise ValidationFailed(errors)
    region = Region(
        code=code,
        name=name.strip(),
        level=level,
        parent=parent,
        is_urban=is_urban,
        lat=lat,
        lng=lng,
    )
    region.path = (parent.path if parent else "") + code + "/"
    for key, value in population.items():
        if key not in POPULATION_FIELDS:
            raise ValidationFailed({key: "未知字段"})
        setattr(region, key, value)
    with transaction.atomic():
        region.save()
        audit_create(by=by, obj=region, summary=f"新增区划 {code} {name}")
    return region


def region_update(*, by, region: Region, **values) -> Region:
    ensure_region_writer(by)
    allowed = {"name", "is_urban", "lat", "lng", *POPULATION_FIELDS}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed({k: "不可修改的字段" for k in unknown})
    errors = {
        k: "人口数不能为负数"
        for k in POPULATION_FIELDS
        if k in values and (values[k] or 0) < 0
    }
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "名称不能为空"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(region)
    for key, value in values.items():
        setattr(region, key, value)
    with transaction.atomic():
        region.save()
        audit_update(by=by, obj=region, before=before)
    return region


def _region_problems(
    *, code: str, name: str, level: int, parent: Region | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if level not in Region.Level.values:
        return {"level": "层级应为1（省）到5（村/社区）"}
    if problem := code_problem(code, level):
        errors["code"] = problem
    elif Region.objects.filter(code=code).exists():
        errors["code"] = "该区划代码已存在"
    if not name or not name.strip():
        errors["name"] = "名称不能为空"
    if level > 1 and parent is None:
        errors["parent"] = "缺少上级区划"
    elif (
        parent is not None
        and "code" not in errors
        and (problem := parent_code_problem(code, level, parent.code, parent.level))
    ):
        errors["parent"] = problem
    return errors


# --- CSV import (code, name, parent code, level, urban/rural) ---------------------------------

HEADERS = {
    "code": ("code", "区划代码", "代码", "统计用区划代码"),
    "name": ("name", "名称", "区划名称"),
    "parent": ("parent", "parent_code", "上级代码", "上级区划代码"),
    "level": ("level", "层级", "级别"),
    "urban": ("urban", "城乡", "城乡分类", "urban_rural"),
}
URBAN_WORDS = {
    "城镇": True,
    "城市": True,
    "城": True,
    "urban": True,
    "社区": True,
    "1": True,
    "农村": False,
    "乡村": False,
    "乡": False,
    "rural": False,
    "村": False,
    "0": False,
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (row, column, reason)


def _column_map(header: list[str]) -> dict[str, int]:
    cleaned = [h.strip().lstrip("\ufeff") for h in header]
    found = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(cleaned):
            if h in names:
                found[key] = i
    for key in POPULATION_FIELDS:
        if key in cleaned:
            found[key] = cleaned.index(key)
    return found


def regions_import_csv(*, by, data: bytes, dry_run: bool = False) -> ImportResult:
    """Import region codes; every row is checked first, then all are written in one transaction.

    Rows may come in any order (parents are resolved within the file). Existing codes are updated
    (name, urban flag, population); nothing is written if any row has an error.
    """
    ensure_region_writer(by)
    text = _decode(data)
    rows = list(csv.reader(io.StringIO(text)))
    result = ImportResult()
    if not rows:
        result.errors.append((1, "", "文件为空"))
        return result
    cols = _column_map(rows[0])
    missing = [k for k in ("code", "name", "level") if k not in cols]
    if missing:
        names = "、".join(HEADERS[k][1] for k in missing)
        result.errors.append((1, names, "缺少必需的列"))
        return result
    parsed = _parse_rows(rows[1:], cols, result)
    existing = {
        r.code: r for r in Region.objects.filter(code__in=[p["code"] for p in parsed])
    }
    parent_codes = {p["parent"] for p in parsed if p["parent"]}
    known = {r.code: r for r in Region.objects.filter(code__in=parent_codes)}
    in_file = {p["code"]: p for p in parsed}
    for p in parsed:
        _check_row(by, p, known, in_file, existing, result)
    result.errors.sort()
    if result.errors or dry_run:
        if dry_run and not result.errors:
            _count_only(parsed, existing, result)
        return result
    with transaction.atomic():
        _write_rows(by, parsed, known, existing, result)
        audit(
            by=by,
            action="event",
            object_type="regions.import",
            summary=f"导入区划 {len(parsed)} 行",
        )
    return result


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except TableError as exc:
        raise ValidationFailed({"file": exc.reason}) from None


def _parse_rows(
    rows: list[list[str]], cols: dict[str, int], result: ImportResult
) -> list[dict]:
    parsed = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row=row) -> str:
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        code, level_text = cell("code"), cell("level")
        level = LEVEL_BY_NAME.get(level_text) or (
            int(level_text) if ascii_digits(level_text) else None
        )
        if level not in Region.Level.values:
            result.errors.append((number, "层级", f"无法识别的层级“{level_text}”"))
            continue
        if problem := code_problem(code, level):
            result.errors.append((number, "区划代码", problem))
            continue
        if code in seen:
            result.errors.append((number, "区划代码", "文件中重复出现"))
            continue
        seen.add(code)
        urban_text = cell("urban")
        if urban_text and urban_text not in URBAN_WORDS:
            result.errors.append(
                (number, "城乡", f"应为“城镇”或“农村”，而不是“{urban_text}”")
            )
            continue
        item = {
            "row": number,
            "code": code,
            "name": cell("name"),
            "level": level,
            "parent": cell("parent"),
        }
        item["is_urban"] = URBAN_WORDS.get(urban_text)
        for key in POPULATION_FIELDS:
            raw = cell(key)
            if raw and not ascii_digits(raw):
                result.errors.append((number, key, "应为非负整数"))
            item[key] = int(raw) if ascii_digits(raw) else None
        if not item["name"]:
            result.errors.append((number, "名称", "名称不能为空"))
        parsed.append(item)
    return parsed


def _check_row(by, p, known, in_file, existing, result) -> None:
    parent_code = p["parent"]
    if p["level"] > 1 and not parent_code:
        result.errors.append((p["row"], "上级代码", "缺少上级区划代码"))
        return
    if not parent_code:
        if not sees_everything(by):
            result.errors.append((p["row"], "上级代码", "只有系统管理员可导入顶级区划"))
        return
    parent = known.get(parent_code) or in_file.get(parent_code)
    if parent is None:
        result.errors.append((p["row"], "上级代码", f"上级区划 {parent_code} 不存在"))
        return
    parent_level = parent.level if isinstance(parent, Region) else parent["level"]
    if problem := parent_code_problem(p["code"], p["level"], parent_code, parent_level):
        result.errors.append((p["row"], "上级代码", problem))
        return
    current = existing.get(p["code"])
    if (
        current is not None
        and (current.parent.code if current.parent_id else "") != parent_code
    ):
        result.errors.append((p["row"], "上级代码", "已有区划不能通过导入更换上级"))
        return
    if not sees_everything(by):
        root = known.get(parent_code)
        path = root.path if root else _path_in_file(parent_code, in_file, known)
        if not path or not region_path_allowed(by, path):
            result.errors.append((p["row"], "上级代码", "不在您的管辖范围内"))


def _path_in_file(code: str, in_file: dict, known: dict) -> str | None:
    chain = []
    while code in in_file:
        chain.append(code)
        code = in_file[code]["parent"]
    if code not in known:
        return None
    return known[code].path + "".join(c + "/" for c in reversed(chain))


def _count_only(parsed, existing, result) -> None:
    for p in parsed:
        current = existing.get(p["code"])
        if current is None:
            result.created += 1
        elif _differs(current, p):
            result.updated += 1
        else:
            result.unchanged += 1


def _differs(region: Region, p: dict) -> bool:
    if region.name != p["name"] or (
        p["is_urban"] is not None and region.is_urban != p["is_urban"]
    ):
        return True
    return any(
        p[k] is not None and getattr(region, k) != p[k] for k in POPULATION_FIELDS
    )


def _write_rows(by, parsed, known, existing, result) -> None:
    by_code = dict(known)
    for p in sorted(parsed, key=lambda item: item["level"]):
        current = existing.get(p["code"])
        values = {k: p[k] for k in POPULATION_FIELDS if p[k] is not None}
        if p["is_urban"] is not None:
            values["is_urban"] = p["is_urban"]
        if current is None:
            parent = by_code.get(p["parent"]) if p["parent"] else None
            region = Region(
                code=p["code"],
                name=p["name"],
                level=p["level"],
                parent=parent,
                **values,
            )
            region.path = (parent.path if parent else "") + p["code"] + "/"
            region.save()
            by_code[region.code] = region
            result.created += 1
        elif _differs(current, p):
            current.name = p["name"]
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            by_code[current.code] = current
            result.updated += 1
        else:
            by_code[current.code] = current
            result.unchanged += 1


# ---------------------------------------------------------------------------------------------
# Boundaries

CODE_PROPERTIES = ("区划代码", "code", "adcode", "ADCODE", "CODE", "gb")


def boundaries_import_geojson(
    *, by, data: bytes, dry_run: bool = False
) -> ImportResult:
    """Import region outlines from a GeoJSON FeatureCollection whose features carry the region's
    code in a property (区划代码, code, or adcode as in the widely used county outlines).

    Every feature is checked first (a known region in the user's area, a valid Polygon or
    MultiPolygon); nothing is written if any is wrong. A region's earlier outline is replaced.
    Errors are (feature number, code, reason)."""
    import json

    from yanglao.regions.boundaries import BoundaryProblem, parse_geometry

    ensure_region_writer(by)
    result = ImportResult()
    try:
        collection = json.loads(_decode(data))
    except ValueError as exc:
        result.errors.append((0, "", f"不是有效的 GeoJSON 文件：{exc}"))
        return result
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        result.errors.append((0, "", "须为含 features 的 GeoJSON FeatureCollection"))
        return result
    coded = []
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code = next(
            (
                str(props[k]).strip()
                for k in CODE_PROPERTIES
                if props.get(k) not in (None, "")
            ),
            "",
        )
        coded.append((number, code, (feature or {}).get("geometry")))
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=[c for _n, c, _g in coded if c])
    }
    outlines = []
    for number, code, geometry in coded:
        region = regions.get(code)
        if not code:
            result.errors.append(
                (number, "", "缺少区划代码（属性 区划代码/code/adcode）")
            )
        elif region is None:
            result.errors.append((number, code, "区划代码不存在，请先导入行政区划"))
        elif not region_path_allowed(by, region.path):
            result.errors.append((number, code, "该区划不在您的管辖范围内"))
        else:
            try:
                outlines.append((region, parse_geometry(geometry)))
            except BoundaryProblem as exc:
                result.errors.append((number, code, str(exc)))
    if result.errors or dry_run:
        if not result.errors:
            result.created = len(outlines)
        return result
    with transaction.atomic():
        result.created, result.updated = boundaries_replace(outlines)
        audit(
            by=by,
            action="event",
            object_type="regions.boundaries",
            summary=f"导入区划边界 {len(outlines)} 个",
        )
    return result


def boundaries_replace(outlines: list[tuple[Region, dict]]) -> tuple[int, int]:
    """Write checked outlines (regions.boundaries.parse_geometry), replacing a region's earlier
    one. Returns (new, replaced)."""
    from yanglao.regions.boundaries import outer_rings
    from yanglao.regions.models import RegionBoundary

    ids = [region.pk for region, _g in outlines]
    replaced = RegionBoundary.objects.filter(region_id__in=ids).delete()[0]
    rows = []
    for region, geometry in outlines:
        points = [p for ring in outer_rings(geometry) for p in ring]
        rows.append(
            RegionBoundary(
                region=region,
                geometry=geometry,
                level=region.level,
                south=min(p[0] for p in points),
                north=max(p[0] for p in points),
                west=min(p[1] for p in points),
                east=max(p[1] for p in points),
            )
        )
    RegionBoundary.objects.bulk_create(rows, batch_size=500)
    return len(rows) - replaced, replaced
