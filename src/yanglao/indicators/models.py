"""Indicators as data, plan targets as first-class objects, computed and reported values."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yanglao.indicators.progress import Direction
from yanglao.regions.models import Region


class Indicator(models.Model):
    """An indicator: a ratio of two measures (core.measures) or one measure, summed up the region
    tree; or a figure the platform does not hold, reported (填报) and approved."""

    class Period(models.TextChoices):
        MONTH = "month", "月"
        YEAR = "year", "年"

    class Source(models.TextChoices):
        COMPUTED = "computed", "系统计算"
        REPORTED = "reported", "填报"

    code = models.CharField("指标代码", max_length=30, unique=True)
    name = models.CharField("指标名称", max_length=100)
    category = models.CharField("类别", max_length=30)
    unit = models.CharField("单位", max_length=10)  # %, ‰, 户, 所, 张, 人, 个
    scale = models.FloatField("倍数", default=1)  # 100 for %, 1000 for ‰ and 每千人
    numerator = models.CharField("分子（度量）", max_length=80, blank=True)
    denominator = models.CharField("分母（度量）", max_length=80, blank=True)
    period = models.CharField("统计周期", max_length=10, choices=Period.choices)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    definition = models.TextField("口径说明")
    max_value = models.FloatField("合理上限", null=True, blank=True)  # 100 for a share
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A plan target: the value an indicator must reach in a region by a deadline, as a document
    sets it. Several documents' targets for one indicator coexist."""

    class Attribute(models.TextChoices):
        BINDING = "约束性", "约束性"
        EXPECTED = "预期性", "预期性"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name="指标"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="适用地区"
    )
    value = models.FloatField("目标值")
    direction = models.CharField(
        "方向",
        max_length=2,
        choices=[(d.value, d.value) for d in Direction],
        default=Direction.AT_LEAST,
    )
    deadline = models.DateField("完成期限")
    attribute = models.CharField("属性", max_length=10, choices=Attribute.choices)
    document = models.CharField("文件", max_length=100)
    clause = models.CharField("条款", max_length=100, blank=True)
    baseline_value = models.FloatField("基期值", null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField("基期年份", null=True, blank=True)
    per_child = models.BooleanField(
        "对每个下级地区适用", default=False, help_text="如“每个县（市、区）建有1所”"
    )

    class Meta:
        verbose_name = verbose_name_plural = "规划目标"
        ordering = ["indicator__order", "deadline"]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.direction}{self.value:g}（{self.deadline.year}）"


class Value(models.Model):
    """An indicator's value for a region and period: computed from the records, or an approved
    report. Periods are "2026" or "2026-11"."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name="指标"
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name="地区"
    )
    period = models.CharField("统计期", max_length=7)
    numerator = models.FloatField("分子")
    denominator = models.FloatField("分母", null=True, blank=True)
    value = models.FloatField("值", null=True, blank=True)
    missing = models.CharField("无值原因", max_length=100, blank=True)
    source = models.CharField("来源", max_length=10, choices=Indicator.Source.choices)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "指标值"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period"], name="one_value_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["period", "region"], name="value_period_region")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id} {self.period}"


class Report(models.Model):
    """填报: a figure the platform does not hold, entered by a named clerk with its evidence and
    approved by a second person before it counts."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已退回"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="指标"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="地区"
    )
    period = models.CharField("统计期", max_length=7)
    numerator = models.FloatField("分子")
    denominator = models.FloatField("分母", null=True, blank=True)
    evidence = models.CharField("依据（文件名、文号）", max_length=200)
    attachment = models.FileField("附件", upload_to="indicator-reports/", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="填报人",
    )
    reported_at = models.DateTimeField("填报时间", auto_now_add=True)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标填报"
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}"
