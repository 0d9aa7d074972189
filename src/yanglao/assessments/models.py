"""老年人能力评估: agencies, assessors, assessments (application → team → answers → result).

The answers and the result of one assessment live on one row: the draft is filled item by item on
site, the result is computed by `scoring` when the team submits, and frozen once every assessor has
confirmed. Results imported from the field (including MZ/T 039-2013 ones) are rows too, marked as
such, so a person's history is one list.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yanglao.assessments.instrument import LEVEL_NAMES

GBT_42195 = "GB/T 42195-2022"
MZT_039 = "MZ/T 039-2013"

# MZ/T 039-2013 grades people 0–3; kept on its own scale, never converted (issue 4 §5).
MZT_LEVEL_NAMES = {0: "能力完好", 1: "轻度失能", 2: "中度失能", 3: "重度失能"}


def level_name(standard: str, level: int | None) -> str:
    if level is None:
        return ""
    names = MZT_LEVEL_NAMES if standard == MZT_039 else LEVEL_NAMES
    return names.get(level, str(level))


class Agency(models.Model):
    """评估机构: works within a region subtree (its scope)."""

    name = models.CharField("机构名称", max_length=100, unique=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="服务区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    licence = models.CharField("资质证明", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assessor(models.Model):
    """评估员: a log-in with the role 评估员, belonging to one agency."""

    user = models.OneToOneField(
        "accounts.User",
        verbose_name="账户",
        on_delete=models.PROTECT,
        related_name="assessor",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="评估机构",
        on_delete=models.PROTECT,
        related_name="assessors",
    )
    certificate = models.CharField("评估员证书编号", max_length=50, blank=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估员"
        ordering = ["agency", "user__full_name"]

    def __str__(self) -> str:
        return str(self.user)


class Reason(models.TextChoices):
    """GB/T 42195-2022 A.1 评估原因."""

    FIRST = "first", "首次评估"
    ROUTINE = "routine", "常规评估"
    IMMEDIATE = "immediate", "即时评估"
    REVIEW = "review", "因对评估结果有疑问进行的复评"
    OTHER = "other", "其他"


class Applicant(models.TextChoices):
    SELF = "self", "老年人本人"
    FAMILY = "family", "家属/监护人"
    COMMUNITY = "community", "社区/村工作人员"
    INSTITUTION = "institution", "养老机构"


class Status(models.TextChoices):
    APPLIED = "applied", "待分派"
    ASSIGNED = "assigned", "评估中"
    SUBMITTED = "submitted", "待确认"
    COMPLETED = "completed", "已完成"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = (Status.APPLIED, Status.ASSIGNED, Status.SUBMITTED)


class Source(models.TextChoices):
    PLATFORM = "platform", "平台评估"
    IMPORT = "import", "历史导入"


class Assessment(models.Model):
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    standard = models.CharField("评估标准", max_length=20, default=GBT_42195)
    source = models.CharField(
        "来源", max_length=10, choices=Source.choices, default=Source.PLATFORM
    )
    reason = models.CharField("评估原因", max_length=12, choices=Reason.choices)
    applicant = models.CharField("申请人类别", max_length=12, choices=Applicant.choices)
    applicant_name = models.CharField("申请人姓名", max_length=50, blank=True)
    applied_on = models.DateField("申请日期")
    applied_by = models.ForeignKey(
        "accounts.User",
        verbose_name="受理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    reviews = models.ForeignKey(
        "self",
        verbose_name="复评所针对的评估",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="评估机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assigned_at = models.DateTimeField("分派时间", null=True, blank=True)
    place = models.CharField("评估地点", max_length=100, blank=True)
    # The on-site draft: {"items": {"B.1.1": 4, …}, "coma": bool, "diagnoses": [...],
    # "risk_events": {"跌倒": 1, …}}. `version` rises with every saved change.
    answers = models.JSONField("评估记录", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    # The result (C.1–C.5), computed on submission, frozen on completion.
    domain_scores = models.JSONField("一级指标得分", default=dict, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    preliminary_level = models.PositiveSmallIntegerField(
        "初步等级", null=True, blank=True
    )
    final_level = models.PositiveSmallIntegerField("最终等级", null=True, blank=True)
    change_reasons = models.JSONField("等级变更依据", default=list, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    assessed_on = models.DateField("评估日期", null=True, blank=True, db_index=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    external_agency = models.CharField("原评估机构", max_length=100, blank=True)
    external_assessors = models.CharField("原评估员", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "能力评估"
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(
                fields=["elder", "status", "assessed_on"], name="assess_elder_done"
            ),
            models.Index(fields=["status", "applied_on"], name="assess_status"),
            # The list's order: its first page is read from here, not sorted from every row.
            models.Index(fields=["applied_on", "id"], name="assess_applied"),
            # 待评估名单: results expiring in a window (assessments.selectors.assessments_due).
            models.Index(
                fields=["valid_until"],
                name="assess_valid_until",
                condition=Q(status="completed"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(status__in=["applied", "assigned", "submitted"]),
                name="one_open_assessment_per_elder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder} {self.get_reason_display()} {self.applied_on}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def final_level_name(self) -> str:
        return level_name(self.standard, self.final_level)

    @property
    def preliminary_level_name(self) -> str:
        return level_name(self.standard, self.preliminary_level)


class TeamMember(models.Model):
    """One assessor of an assessment team (at least two); confirms the result by name."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="team"
    )
    assessor = models.ForeignKey(
        Assessor, on_delete=models.PROTECT, related_name="memberships"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估小组成员"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "assessor"], name="one_seat_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} · {self.assessment_id}"
