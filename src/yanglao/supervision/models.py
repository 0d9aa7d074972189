"""综合监管: the inspector register, 双随机 plans, and their draws (never edited once drawn)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yanglao.facilities.models import Facility
from yanglao.regions.models import Region


class Inspector(models.Model):
    """检查人员名录: staff of 民政 and partner departments who may be drawn, with the institutions
    they must not inspect (declared, and any they worked for, found from the staff register)."""

    code = models.CharField("人员编号", max_length=20, unique=True)
    name = models.CharField("姓名", max_length=50)
    department = models.CharField("单位", max_length=50)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="所属地区"
    )
    id_number_hash = models.CharField(
        "身份证号（检索散列）", max_length=64, blank=True, editable=False
    )
    declared_excludes = models.ManyToManyField(
        Facility, blank=True, related_name="+", verbose_name="申报回避的机构"
    )
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查人员"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.department}）"


class Plan(models.Model):
    """随机抽查计划: what is inspected (the 事项), where, how many per stratum, teams of how many."""

    code = models.CharField("计划编号", max_length=30, unique=True)
    name = models.CharField("计划名称", max_length=100)
    item = models.CharField("抽查事项", max_length=200)
    basis = models.CharField("依据", max_length=200, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="地区"
    )
    share_percent = models.PositiveSmallIntegerField("抽取比例（%）")
    team_size = models.PositiveSmallIntegerField("每组人数", default=2)
    max_teams = models.PositiveSmallIntegerField("每人最多组数", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查计划"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Draw(models.Model):
    """One draw of a plan: its frozen input and commitment (公示), then the public random value
    and the result. Never edited once drawn; a re-draw is a new draw with its reason."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="draws")
    number = models.PositiveSmallIntegerField("第几次抽取", default=1)
    reason = models.CharField("重新抽取原因", max_length=200, blank=True)
    input = models.JSONField("冻结的输入")
    commitment = models.CharField("承诺值（SHA-256）", max_length=64)
    committed_at = models.DateTimeField("公示时间")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    public_random = models.CharField("公开随机数", max_length=200, blank=True)
    seed = models.CharField("种子", max_length=64, blank=True)
    result = models.JSONField("抽取结果", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "抽取记录"
        ordering = ["-committed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_draw_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} 第{self.number}次"

    def record(self) -> dict:
        """The published record: everything a third party needs to re-derive the draw."""
        result = self.result or {}
        return {
            "id": self.pk,
            "plan": self.plan.code,
            "input": self.input,
            "commitment": self.commitment,
            "public_random": self.public_random or None,
            "seed": result.get("seed"),
            "objects": result.get("objects"),
            "teams": result.get("teams"),
            "errors": result.get("errors"),
            "committed_at": self.committed_at.isoformat(),
            "published_at": self.drawn_at.isoformat() if self.drawn_at else None,
        }
