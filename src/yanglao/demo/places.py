"""Demo city, part 1: the region tree (Jingdezhen's counties and townships, generated villages)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from yanglao.demo import data
from yanglao.regions.boundaries import (
    as_polygon,
    box_around,
    inside_convex,
    voronoi_cells,
)
from yanglao.regions.models import Region
from yanglao.regions.services import boundaries_replace


@dataclass
class Place:
    region: Region
    county: str
    urban: bool
    lat: float
    lng: float
    radius: float
    elders: list[int] = field(default_factory=list)


class RegionsMixin:
    """Builds regions with population figures that add up to the census totals."""

    def build_regions(self) -> None:
        rng = self.rng
        province = self._region(
            data.PROVINCE[0], data.PROVINCE[1], 1, None, None, (28.68, 115.86)
        )
        city = self._region(
            data.CITY[0], data.CITY[1], 2, province, True, (29.27, 117.18)
        )
        rural_townships = sum(
            1 for c in data.COUNTIES for _n, street in c[5] if not street
        )
        villages_left, rural_left = data.VILLAGES, rural_townships
        remaining_people = data.RESIDENTS
        for i, (code, name, share, centre, radius, townships) in enumerate(
            data.COUNTIES
        ):
            people = (
                remaining_people
                if i == len(data.COUNTIES) - 1
                else round(data.RESIDENTS * share)
            )
            remaining_people -= people
            county = self._region(code, name, 3, city, None, centre)
            weights = [3.0 if street else 1.4 for _n, street in townships]
            street_no, town_no = 1, 101
            for (t_name, street), weight in zip(townships, weights, strict=True):
                t_code = f"{code}{street_no if street else town_no:03d}"
                street_no, town_no = (
                    (street_no + 1, town_no) if street else (street_no, town_no + 1)
                )
                t_centre = self._jitter(centre, radius * (0.35 if street else 0.85))
                township = self._region(t_code, t_name, 4, county, street, t_centre)
                t_people = round(people * weight / sum(weights))
                if street:
                    units = [
                        (f"{t_code}{k:03d}", self._place_name("社区"), True)
                        for k in range(1, rng.randint(7, 11))
                    ]
                else:
                    n_villages = round(villages_left / rural_left)
                    villages_left, rural_left = (
                        villages_left - n_villages,
                        rural_left - 1,
                    )
                    units = [(f"{t_code}001", t_name.rstrip("镇乡") + "社区", True)]
                    units += [
                        (f"{t_code}{200 + k:03d}", self._place_name("村"), False)
                        for k in range(1, n_villages + 1)
                    ]
                self.townships[t_code] = Place(
                    township, code, street, *t_centre, radius * 0.15
                )
                for u_code, u_name, urban in units:
                    u_centre = self._jitter(
                        t_centre, radius * (0.06 if street else 0.14)
                    )
                    pop = max(300, round(t_people / len(units) * rng.uniform(0.7, 1.3)))
                    unit = self._region(
                        u_code, u_name, 5, township, urban, u_centre, pop
                    )
                    self.villages.append(
                        Place(unit, code, urban, *u_centre, 0.004 if urban else 0.01)
                    )
        self._balance_aged()
        outlines = self._draw_boundaries(city)
        self.progress(f"行政区划：{Region.objects.count()} 个，边界 {outlines} 个")

    def _draw_boundaries(self, city: Region) -> int:
        """The demo city has no surveyed outlines: each level is cut into Voronoi cells around
        its regions' centres, inside its parent's cell (regions.boundaries). A centre that fell
        outside its parent's cell is drawn in towards the parent's centre (with everything in it),
        so every region's people live inside its outline."""
        regions = list(Region.objects.filter(level__gte=Region.Level.COUNTY))
        children: dict[int, list[Region]] = {}
        for region in regions:
            children.setdefault(region.parent_id, []).append(region)
        widest = max(radius for *_c, radius, _t in data.COUNTIES)
        box = box_around([(c.lat, c.lng) for c in children[city.pk]], widest * 0.8)
        outlines, moved, queue = [], set(), [(city, box)]
        while queue:
            parent, cell = queue.pop()
            kids = children.get(parent.pk, [])
            if parent.level >= Region.Level.COUNTY:
                for kid in kids:
                    if self._pull_inside(kid, parent, cell, children):
                        moved.add(kid.pk)
            rings = voronoi_cells([(k.lat, k.lng) for k in kids], cell)
            for kid, ring in zip(kids, rings, strict=True):
                outlines.append((kid, as_polygon(ring)))
                queue.append((kid, ring))
        moved_regions = [r for r in regions if r.pk in moved or r.parent_id in moved]
        Region.objects.bulk_update(moved_regions, ["lat", "lng"], batch_size=500)
        places = {p.region.code: p for p in [*self.villages, *self.townships.values()]}
        for region in moved_regions:
            if region.code in places:
                place = places[region.code]
                place.region.lat, place.region.lng = place.lat, place.lng = (
                    region.lat,
                    region.lng,
                )
        boundaries_replace(outlines)
        return len(outlines)

    @staticmethod
    def _pull_inside(region: Region, parent: Region, cell, children) -> bool:
        """Move a region (and its children) towards its parent's centre until it lies inside
        the parent's cell. Returns whether it moved."""
        start = (region.lat, region.lng)
        while not inside_convex((region.lat, region.lng), cell):
            region.lat = round(parent.lat + 0.7 * (region.lat - parent.lat), 6)
            region.lng = round(parent.lng + 0.7 * (region.lng - parent.lng), 6)
        dlat, dlng = region.lat - start[0], region.lng - start[1]
        for kid in children.get(region.pk, []):
            kid.lat, kid.lng = round(kid.lat + dlat, 6), round(kid.lng + dlng, 6)
        return (dlat, dlng) != (0, 0)

    def _region(self, code, name, level, parent, urban, centre, population=0) -> Region:
        region = Region(
            code=code,
            name=name,
            level=level,
            parent=parent,
            is_urban=urban,
            lat=centre[0],
            lng=centre[1],
        )
        region.path = (parent.path if parent else "") + code + "/"
        if population:
            region.population = population
            region.households = round(population / 2.62)
            region.population_60 = round(population * (0.158 if urban else 0.178))
        region.save()
        return region

    def _balance_aged(self) -> None:
        """Scale village figures so the city totals are the census figures, then sum upwards."""
        units = [p.region for p in self.villages]
        for attr, total in (
            ("population", data.RESIDENTS),
            ("population_60", data.AGED_60),
        ):
            current = sum(getattr(u, attr) for u in units)
            for u in units:
                setattr(u, attr, round(getattr(u, attr) * total / current))
            biggest = max(units, key=lambda u: getattr(u, attr))
            setattr(
                biggest,
                attr,
                getattr(biggest, attr) + total - sum(getattr(u, attr) for u in units),
            )
        for u in units:
            u.households = round(u.population / 2.62)
            u.population_65 = round(u.population_60 * data.AGED_65 / data.AGED_60)
            u.population_80 = round(u.population_60 * 0.125)
        fields = [
            "population",
            "households",
            "population_60",
            "population_65",
            "population_80",
        ]
        Region.objects.bulk_update(units, fields)
        for level in (4, 3, 2, 1):
            for region in Region.objects.filter(level=level):
                children = Region.objects.filter(path__startswith=region.path, level=5)
                for f in fields:
                    setattr(region, f, sum(getattr(c, f) for c in children))
                region.save(update_fields=fields)

    def _jitter(self, centre, radius) -> tuple[float, float]:
        angle, dist = (
            self.rng.uniform(0, 2 * math.pi),
            radius * math.sqrt(self.rng.random()),
        )
        return round(centre[0] + dist * math.sin(angle), 6), round(
            centre[1] + dist * math.cos(angle) / 0.87, 6
        )

    def _place_name(self, suffix: str) -> str:
        return "".join(self.rng.sample(data.PLACE_CHARS, 2)) + suffix
