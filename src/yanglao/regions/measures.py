"""What can be counted over the region tree (core.measures): the denominators of coverage
indicators (urban communities, villages, counties, streets) and the population aged 60+."""

from __future__ import annotations

from django.db.models import Q

from yanglao.core.measures import Measure, Member
from yanglao.regions.models import Region


def _regions(q: Q) -> tuple:
    def count(start, end) -> dict[int, float]:
        return dict.fromkeys(Region.objects.filter(q).values_list("pk", flat=True), 1)

    def members(start, end, region_ids):
        for r in Region.objects.filter(q, pk__in=region_ids).order_by("code"):
            yield Member(
                f"region:{r.pk}", r.name, r.pk, f"/regions/?q={r.code}", r.code
            )

    return count, members


URBAN_COMMUNITIES = Q(level=Region.Level.VILLAGE, is_urban=True)
VILLAGES = Q(level=Region.Level.VILLAGE, is_urban=False)
COUNTIES = Q(level=Region.Level.COUNTY)
STREETS = Q(level=Region.Level.TOWNSHIP, is_urban=True)


def _population_60(start, end) -> dict[int, float]:
    """Residents aged 60+ (the regions' census figures), at the lowest level that has them."""
    rows = Region.objects.filter(level=Region.Level.VILLAGE, population_60__gt=0)
    return dict(rows.values_list("pk", "population_60"))


MEASURES = (
    Measure(
        "regions.urban_communities",
        "城市社区（居委会）数",
        "个",
        *_regions(URBAN_COMMUNITIES),
    ),
    Measure("regions.villages", "行政村（村委会）数", "个", *_regions(VILLAGES)),
    Measure("regions.counties", "县（市、区）数", "个", *_regions(COUNTIES)),
    Measure("regions.streets", "街道数", "个", *_regions(STREETS)),
    Measure("regions.population_60", "60岁及以上常住人口", "人", _population_60),
)
