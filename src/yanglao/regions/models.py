from __future__ import annotations

from django.db import models


class Region(models.Model):
    """行政区划: 省 → 市 → 县(市、区) → 乡镇/街道 → 村/社区, with the population denominators."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省"
        CITY = 2, "市"
        COUNTY = 3, "县(市、区)"
        TOWNSHIP = 4, "乡镇/街道"
        VILLAGE = 5, "村/社区"

    code = models.CharField(
        "区划代码",
        max_length=12,
        unique=True,
        help_text="县级及以上6位；乡镇/街道9位、村/社区12位统计用区划代码",
    )
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes, e.g. "360000/360200/360202/"; a subtree is a prefix match.
    path = models.CharField("路径", max_length=80, unique=True, editable=False)
    is_urban = models.BooleanField(
        "城镇（社区居委会）", null=True, blank=True, help_text="否表示农村（村委会）"
    )
    population = models.PositiveIntegerField("常住人口", default=0)
    households = models.PositiveIntegerField("户数", default=0)
    population_60 = models.PositiveIntegerField("60岁及以上人口", default=0)
    population_65 = models.PositiveIntegerField("65岁及以上人口", default=0)
    population_80 = models.PositiveIntegerField("80岁及以上人口", default=0)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def level_name(self) -> str:
        return self.Level(self.level).label

    @property
    def kind_name(self) -> str:
        if self.level != self.Level.VILLAGE or self.is_urban is None:
            return self.level_name
        return "社区" if self.is_urban else "村"

    def path_at(self, level: int) -> str:
        """The path of this region's ancestor at `level` (the region's own path if it lies at or
        above that level): a prefix that selects that ancestor's whole subtree."""
        codes = [c for c in self.path.split("/") if c]
        return "/".join(codes[:level]) + "/"

    def option_label(self, *, with_code: bool = True) -> str:
        """How the region reads in a drop-down: indented by level below the county, with its code."""
        indent = "\u3000" * max(self.level - 3, 0)
        return (
            f"{indent}{self.name}（{self.code}）"
            if with_code
            else f"{indent}{self.name}"
        )


class RegionBoundary(models.Model):
    """A region's outline: a GeoJSON Polygon or MultiPolygon ([lng, lat], CGCS2000) checked by
    regions.boundaries, imported from the bureau's outlines (`yanglao import-boundaries`) or, in
    the demo, drawn as Voronoi cells around the centres. Kept apart from Region, whose rows every
    page reads, with its bounding box so a map asks only for the outlines in its view."""

    region = models.OneToOneField(
        Region, verbose_name="区划", on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField("边界（GeoJSON）")
    south = models.FloatField("南界纬度")
    west = models.FloatField("西界经度")
    north = models.FloatField("北界纬度")
    east = models.FloatField("东界经度")
    level = models.PositiveSmallIntegerField("层级", choices=Region.Level.choices)

    class Meta:
        verbose_name = verbose_name_plural = "区划边界"
        indexes = [models.Index(fields=["level", "south"], name="boundary_level_south")]

    def __str__(self) -> str:
        return f"{self.region.name}边界"
