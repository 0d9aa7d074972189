"""Region outlines: a bureau's GeoJSON is checked and imported all-or-nothing; a city without
surveyed outlines (the demo) gets Voronoi cells that tile each parent's cell; maps draw the
outlines of the level that fits their spread."""

import json

import pytest

from yanglao.core.models import AuditEntry
from yanglao.regions.boundaries import (
    BoundaryProblem,
    inside_convex,
    parse_geometry,
    voronoi_cells,
)
from yanglao.regions.models import Region, RegionBoundary
from yanglao.regions.selectors import map_areas
from yanglao.regions.services import boundaries_import_geojson

SQUARE = [[117.0, 29.0], [117.1, 29.0], [117.1, 29.1], [117.0, 29.1]]


def _collection(*features) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False
    ).encode()


def _feature(code, ring=SQUARE, kind="Polygon"):
    return {
        "type": "Feature",
        "properties": {"adcode": code, "name": "x"},
        "geometry": {"type": kind, "coordinates": [ring]},
    }


def test_an_outline_is_closed_and_rounded_and_a_bad_one_is_named():
    geometry = parse_geometry(
        {"type": "Polygon", "coordinates": [[[117.123456789, 29.0], *SQUARE[1:]]]}
    )
    ring = geometry["coordinates"][0]
    assert ring[0] == ring[-1] == [117.123457, 29.0]
    with pytest.raises(BoundaryProblem, match="Polygon 或 MultiPolygon"):
        parse_geometry({"type": "Point", "coordinates": [117, 29]})
    with pytest.raises(BoundaryProblem, match="超出经纬度范围"):
        parse_geometry({"type": "Polygon", "coordinates": [[[217, 29], *SQUARE[1:]]]})
    with pytest.raises(BoundaryProblem, match="至少需要 3 个"):
        parse_geometry({"type": "Polygon", "coordinates": [SQUARE[:2]]})
    with pytest.raises(BoundaryProblem, match="两个数"):
        parse_geometry({"type": "Polygon", "coordinates": [[["117", 29], *SQUARE]]})


def test_voronoi_cells_tile_the_parent_and_hold_their_own_centre():
    parent = [(29.0, 117.0), (29.0, 117.3), (29.3, 117.3), (29.3, 117.0)]
    sites = [(29.05, 117.05), (29.25, 117.1), (29.15, 117.25), (29.1, 117.15)]
    cells = voronoi_cells(sites, parent)
    assert all(inside_convex(s, c) for s, c in zip(sites, cells, strict=True))
    for i, site in enumerate(sites):  # no cell holds another's centre
        assert not any(inside_convex(site, c) for j, c in enumerate(cells) if j != i)

    def area(ring):
        return abs(
            sum(
                x0 * y1 - x1 * y0
                for (y0, x0), (y1, x1) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
            / 2
        )

    assert sum(area(c) for c in cells) == pytest.approx(area(parent))


@pytest.mark.django_db
def test_a_bureau_imports_outlines_all_or_nothing(users, regions):
    county = regions["zhushan"]
    bad = _collection(
        _feature(county.code), _feature("999999"), _feature(county.code, SQUARE[:2])
    )
    result = boundaries_import_geojson(by=users["admin"], data=bad)
    assert [(n, reason) for n, _c, reason in result.errors] == [
        (2, "区划代码不存在，请先导入行政区划"),
        (3, "环至少需要 3 个不同的点"),
    ]
    assert not RegionBoundary.objects.exists()

    result = boundaries_import_geojson(
        by=users["admin"], data=_collection(_feature(county.code))
    )
    assert (result.created, result.errors) == (1, [])
    outline = RegionBoundary.objects.get(region=county)
    assert (outline.south, outline.north, outline.west, outline.east) == (
        29.0,
        29.1,
        117.0,
        117.1,
    )
    assert outline.level == Region.Level.COUNTY
    assert AuditEntry.objects.filter(object_type="regions.boundaries").count() == 1
    again = boundaries_import_geojson(
        by=users["admin"], data=_collection(_feature(county.code))
    )
    assert (again.created, again.updated) == (0, 1)


@pytest.mark.django_db
def test_a_clerk_cannot_import_outlines_outside_their_area(users, regions):
    outside = regions["fuliang"]
    result = boundaries_import_geojson(
        by=users["bob"], data=_collection(_feature(outside.code))
    )
    assert result.errors == [(1, outside.code, "该区划不在您的管辖范围内")]


@pytest.mark.django_db
def test_a_map_draws_the_outlines_of_the_level_that_fits_its_spread(users, regions):
    county = regions["zhushan"]
    village = regions["tangping"]
    big = [[117.0, 29.0], [117.5, 29.0], [117.5, 29.5], [117.0, 29.5]]
    boundaries_import_geojson(
        by=users["admin"],
        data=_collection(_feature(county.code, big), _feature(village.code)),
    )
    near = map_areas([(29.05, 117.05), (29.06, 117.06)])  # 1.4 km apart: villages
    assert [a.name for a in near] == [village.name]
    wide = map_areas([(29.05, 117.05), (29.4, 117.4)])  # 50 km: counties
    assert [a.name for a in wide] == [county.name]
    assert map_areas([(35.0, 110.0)]) == []  # nothing there
