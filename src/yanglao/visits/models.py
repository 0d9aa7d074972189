"""探访关爱: the monthly roster (who must be visited, how often, by whom, and why), visit records
and the follow-ups their findings create."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from yanglao.core.digits import ascii_digits


class RosterEntry(models.Model):
    """One person on one month's roster. Built by `visits.services.roster_build` from the registry
    and the rules; kept per month so last month's rate never changes when facts do."""

    month = models.DateField("月份")  # the first day of the month
    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name="老年人",
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="社区/村",
    )
    visits_required = models.PositiveSmallIntegerField("应探访次数", default=1)
    phone_counts = models.BooleanField("电话探访计入", default=False)
    reasons = models.JSONField("列入名单的原因", default=list)
    rural_disabled = models.BooleanField("农村失能老人", default=False)
    # 家庭病床 (issue 24): the person is also visited by a medical institution's team; the roster
    # keeps them (the community still visits) and the rates count them apart.
    home_bed = models.BooleanField("家庭病床（医护团队上门）", default=False)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="探访人",
    )
    visits_done = models.PositiveSmallIntegerField("已探访次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "探访名单"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "elder"], name="one_roster_entry_per_month"
            )
        ]
        indexes = [
            models.Index(fields=["month", "region"], name="roster_month_region"),
            models.Index(fields=["month", "visitor"], name="roster_month_visitor"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.elder_id}"

    @property
    def done(self) -> bool:
        return self.visits_done >= self.visits_required


class Visit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", "上门"
        PHONE = "phone", "电话"

    entry = models.ForeignKey(
        RosterEntry, on_delete=models.PROTECT, related_name="visits"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_at = models.DateTimeField("探访时间")
    kind = models.CharField("方式", max_length=10, choices=Kind.choices)
    lat = models.FloatField("签到纬度", null=True, blank=True)
    lng = models.FloatField("签到经度", null=True, blank=True)
    distance_m = models.PositiveIntegerField("距住址（米）", null=True, blank=True)
    health = models.CharField("身体状况", max_length=100, blank=True)
    safety = models.CharField("居家安全", max_length=100, blank=True)
    living = models.CharField("生活状况", max_length=100, blank=True)
    mood = models.CharField("精神状态", max_length=100, blank=True)
    needs = models.CharField("需求", max_length=200, blank=True)
    findings = models.JSONField("发现的问题", default=list)
    confirmed = models.BooleanField("老年人（或家属）确认", default=False)
    photo = models.FileField("照片", upload_to="visits/%Y/%m/", blank=True)
    client_id = models.CharField("提交编号", max_length=64, unique=True)
    counted = models.BooleanField("计入探访率", default=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "探访记录"
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.visited_at:%Y-%m-%d}"


class FollowUp(models.Model):
    class Route(models.TextChoices):
        ASSESSMENT = "assessment", "能力评估申请"
        HOMECARE = "homecare", "居家上门服务"
        SUBSIDY = "subsidy", "补贴申请"
        URGENT = "urgent", "紧急：社区立即处置"
        HOSPITAL = "hospital", "转介医疗机构"
        COMMUNITY = "community", "社区跟进"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        CLOSED = "closed", "已办结"

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="follow_ups"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="follow_ups"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    finding = models.CharField("发现的问题", max_length=30)
    route = models.CharField("转办", max_length=20, choices=Route.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reference = models.CharField("关联记录", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("办理情况", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "探访跟进事项"
        ordering = ["status", "-created_at"]
        indexes = [
            models.Index(fields=["region", "status"], name="followup_region_status")
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} {self.finding}"

    # What a reference ("assessment:1405") is, and the page it opens.
    REFERENCES = {
        "assessment": ("评估申请", "assessments:detail"),
        "referral": ("转诊", "medical:referral"),
    }

    @property
    def reference_link(self) -> tuple[str, str] | None:
        """(label, url) of the record this follow-up was routed to, e.g. ("评估申请 #1405",
        "/assessments/1405/"); None when there is none or it is not a known kind."""
        kind, _, pk = self.reference.partition(":")
        if kind not in self.REFERENCES or not ascii_digits(pk):
            return None
        label, route = self.REFERENCES[kind]
        return f"{label} #{pk}", reverse(route, args=[int(pk)])


class VisitRule(models.Model):
    """A region's own roster rule (探访对象认定规则). A person is covered by the rules of the nearest
    region above them that has any; with none, the platform's defaults (visits.rules)."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="适用区域",
    )
    name = models.CharField("规则名称", max_length=60)
    living = models.JSONField(
        "居住情况（任一）",
        default=list,
        blank=True,
        help_text='如 ["alone", "empty_nest"]',
    )
    categories = models.JSONField(
        "困难类别（任一）",
        default=list,
        blank=True,
        help_text='如 ["disabled", "tekun"]',
    )
    min_ability_level = models.PositiveSmallIntegerField(
        "能力等级不低于", null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField("年龄不低于", null=True, blank=True)
    all_required = models.BooleanField("以上条件须同时满足", default=False)
    visits_per_month = models.PositiveSmallIntegerField("每月探访次数", default=1)
    phone_counts = models.BooleanField("电话探访计入", default=False)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "探访对象认定规则"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return f"{self.region} {self.name}"
