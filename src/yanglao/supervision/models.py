"""综合监管: the inspector register, 双随机 plans, and their draws (never edited once drawn)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

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


class Complaint(models.Model):
    """投诉举报: from the public form (with a tracking code) or taken by phone by a clerk, about an
    institution, a provider, a carer or the bureau itself; routed to the responsible region with
    deadlines to acknowledge and to answer."""

    class Subject(models.TextChoices):
        INSTITUTION = "institution", "养老机构"
        PROVIDER = "provider", "居家服务商/服务人员"
        BUREAU = "bureau", "民政部门及工作人员"
        OTHER = "other", "其他"

    class Channel(models.TextChoices):
        PUBLIC_FORM = "public_form", "网上投诉"
        PHONE = "phone", "电话受理"

    class State(models.TextChoices):
        RECEIVED = "received", "待受理"
        ACKNOWLEDGED = "acknowledged", "办理中"
        ANSWERED = "answered", "已答复"

    code = models.CharField("查询码", max_length=12, unique=True)
    channel = models.CharField("渠道", max_length=12, choices=Channel.choices)
    subject = models.CharField("投诉对象类别", max_length=12, choices=Subject.choices)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被投诉机构",
    )
    subject_name = models.CharField("被投诉对象", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="责任地区"
    )
    content = models.TextField("投诉内容")
    name = models.CharField("投诉人", max_length=50, blank=True)
    phone_enc = models.TextField("联系电话（密文）", blank=True, editable=False)
    source_hash = models.CharField(
        "来源（散列）", max_length=64, blank=True, editable=False
    )
    state = models.CharField(
        "状态", max_length=12, choices=State.choices, default=State.RECEIVED
    )
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    acknowledge_by = models.DateTimeField("受理期限")
    answer_by = models.DateTimeField("答复期限")
    acknowledged_at = models.DateTimeField("受理时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人",
    )
    answer = models.TextField("答复", blank=True)
    upheld = models.BooleanField("投诉属实", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["source_hash", "received_at"], name="complaint_source")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject_name}"


class Checklist(models.Model):
    """An inspection checklist, versioned: a new version is a new row, old inspections keep theirs."""

    code = models.CharField("代码", max_length=20)
    version = models.CharField("版本", max_length=20)
    name = models.CharField("名称", max_length=100)
    items = models.JSONField("检查项")  # [{code, part, text, severity}]
    active = models.BooleanField("当前使用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查表"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="one_checklist_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"


class Inspection(models.Model):
    """One institution inspected against a checklist, item by item; signed when submitted, and
    never edited after."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "检查中"
        SIGNED = "signed", "已签署"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="被检查机构"
    )
    draw = models.ForeignKey(
        Draw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    team = models.JSONField("检查组（人员编号）", default=list)
    state = models.CharField(
        "状态", max_length=12, choices=State.choices, default=State.IN_PROGRESS
    )
    answers = models.JSONField("检查结果", default=dict)  # {item code: {result, note}}
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查记录"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.started_at:%Y-%m-%d}"


class Rectification(models.Model):
    """整改: a failed item of an inspection, with a deadline by severity, the institution's evidence
    and the bureau's verification."""

    class State(models.TextChoices):
        OPEN = "open", "待整改"
        SUBMITTED = "submitted", "待核查"
        CLOSED = "closed", "已整改"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="rectifications"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="机构"
    )
    item_code = models.CharField("检查项", max_length=10)
    item_text = models.CharField("检查项内容", max_length=300)
    severity = models.CharField("严重程度", max_length=10)
    finding = models.CharField("检查发现", max_length=300, blank=True)
    deadline = models.DateField("整改期限")
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.OPEN
    )
    evidence = models.TextField("整改说明与佐证", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verify_note = models.CharField("核查意见", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改单"
        ordering = ["state", "deadline", "id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.item_code}"
