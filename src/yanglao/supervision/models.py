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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="平台账号",
        help_text="有账号的检查人员在检查记录上用本人账号签字",
    )

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
        ORDER = "order", "居家服务评价"

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
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被投诉服务商",
    )
    source = models.CharField("来源", max_length=40, blank=True)  # e.g. order:12
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
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="第二检查人",
    )
    checkin_at = models.DateTimeField("到场签到时间", null=True, blank=True)
    checkin_lat = models.FloatField("签到纬度", null=True, blank=True)
    checkin_lng = models.FloatField("签到经度", null=True, blank=True)
    checkin_accuracy_m = models.PositiveIntegerField(
        "定位精度（米）", null=True, blank=True
    )
    checkin_distance_m = models.PositiveIntegerField(
        "距机构（米）", null=True, blank=True
    )
    checkin_note = models.CharField("签到说明", max_length=200, blank=True)
    acknowledged_at = models.DateTimeField("机构确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="机构确认人",
    )
    institution_note = models.CharField("机构意见", max_length=300, blank=True)

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
    escalated_at = models.DateTimeField("逾期上报时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改单"
        ordering = ["state", "deadline", "id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.item_code}"


# ---------------------------------------------------------------------------------------------
# 预收费: custody accounts, the statements the custody bank exports, the alerts they raise


class CustodyAccount(models.Model):
    """An institution's dedicated prepaid-fee custody account at a commercial bank, with what the
    rules need: the published monthly fees, the risk-reserve floor, net fixed assets."""

    facility = models.OneToOneField(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="机构"
    )
    bank = models.CharField("托管银行", max_length=50)
    account_tail = models.CharField("账号后四位", max_length=4)
    floor_fen = models.BigIntegerField("风险准备金下限（分）")
    net_fixed_assets_fen = models.BigIntegerField(
        "净固定资产（分）", null=True, blank=True
    )
    monthly_bed_fen = models.PositiveIntegerField("床位费（分/月）")
    monthly_care_fen = models.PositiveIntegerField("照料护理费（分/月）", default=0)
    monthly_meal_fen = models.PositiveIntegerField("餐费（分/月）", default=0)
    months_cap = models.PositiveSmallIntegerField("预收服务费上限（月）", default=12)
    frozen = models.BooleanField("冻结支出", default=False)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    frozen_reason = models.CharField("冻结原因", max_length=300, blank=True)
    opened_on = models.DateField("开户日期")

    class Meta:
        verbose_name = verbose_name_plural = "预收费托管账户"
        ordering = ["facility__name"]

    def __str__(self) -> str:
        return f"{self.facility} {self.bank}（尾号{self.account_tail}）"


class Statement(models.Model):
    """One bank statement of a custody account, checked against every prepaid rule on upload."""

    account = models.ForeignKey(
        CustodyAccount, on_delete=models.PROTECT, related_name="statements"
    )
    first_day = models.DateField("起始日期")
    last_day = models.DateField("截止日期")
    rows = models.PositiveIntegerField("流水笔数")
    digest = models.CharField("文件摘要（SHA-256）", max_length=64)
    opening_fen = models.BigIntegerField("期初余额（分）", default=0)
    balance_fen = models.BigIntegerField("期末余额（分）")
    prepaid_fen = models.BigIntegerField("本期预收（分）")
    findings = models.PositiveIntegerField("发现问题", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "托管账户流水"
        ordering = ["-last_day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "digest"], name="statement_once")
        ]

    def __str__(self) -> str:
        return f"{self.account.facility} {self.first_day}～{self.last_day}"


class PrepaidAlert(models.Model):
    """预警: a rule a statement broke, for the bureau to handle; freezing ones freeze the account."""

    class State(models.TextChoices):
        OPEN = "open", "待处置"
        CLOSED = "closed", "已处置"

    account = models.ForeignKey(
        CustodyAccount, on_delete=models.PROTECT, related_name="alerts"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="alerts"
    )
    rule = models.CharField("规则", max_length=30)
    line = models.PositiveIntegerField("流水行号")
    resident = models.CharField("老人编号", max_length=30, blank=True)
    detail = models.CharField("说明", max_length=300)
    freezing = models.BooleanField("冻结支出", default=False)
    raised_at = models.DateTimeField("预警时间", default=timezone.now)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.OPEN
    )
    closed_at = models.DateTimeField("处置时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField("处置意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预收费预警"
        ordering = ["state", "-raised_at", "line"]

    def __str__(self) -> str:
        return f"{self.rule}（第{self.line}行）"


# ---------------------------------------------------------------------------------------------
# 等级评定 (GB/T 37276-2018), 年度服务质量评价, 信用


class GradingSheet(models.Model):
    """The 1,000-point sheet with its level thresholds, versioned (supervision.grading)."""

    code = models.CharField("代码", max_length=20)
    version = models.CharField("版本", max_length=20)
    name = models.CharField("名称", max_length=100)
    sheet = models.JSONField("评分表与等级标准")
    active = models.BooleanField("当前使用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "等级评定评分表"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="one_grading_sheet_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"


class Grading(models.Model):
    """An institution's grading: applied for, scored item by item by the experts, decided."""

    class State(models.TextChoices):
        APPLIED = "applied", "评定中"
        DECIDED = "decided", "已评定"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="机构"
    )
    sheet = models.ForeignKey(GradingSheet, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.APPLIED
    )
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    experts = models.CharField("评定专家", max_length=200, blank=True)
    scores = models.JSONField("得分", default=dict)  # {item code: points}
    total = models.FloatField("总分", null=True, blank=True)
    level = models.PositiveSmallIntegerField("评定等级", null=True, blank=True)
    reason = models.CharField("等级说明", max_length=200, blank=True)
    decided_at = models.DateTimeField("评定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "等级评定"
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} 等级评定"


class Evaluation(models.Model):
    """年度服务质量评价 of an institution or a home-care provider (supervision.evaluation), kept
    with its inputs."""

    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="机构",
    )
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="服务商",
    )
    year = models.PositiveSmallIntegerField("年度")
    score = models.FloatField("得分")
    result = models.CharField("评价结果", max_length=10)
    parts = models.JSONField("分项")
    made_at = models.DateTimeField("评价时间", default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "年度服务质量评价"
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year"], name="one_evaluation_a_year"
            ),
            models.UniqueConstraint(
                fields=["provider", "year"], name="one_provider_evaluation_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(facility__isnull=False, provider__isnull=True)
                | models.Q(facility__isnull=True, provider__isnull=False),
                name="evaluation_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility or self.provider} {self.year} 年度评价"


class CreditEntry(models.Model):
    """信用记录: one fact in an institution's or provider's credit record, with its points (a
    deduction is negative) and where it came from. Append-only."""

    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="机构",
    )
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="服务商",
    )
    person_hash = models.CharField(
        "负责人（身份证号检索散列）", max_length=64, blank=True, db_index=True
    )
    person_name = models.CharField("负责人", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=30)
    points = models.SmallIntegerField("分值")
    day = models.DateField("日期")
    text = models.CharField("内容", max_length=300)
    source = models.CharField("来源", max_length=40, blank=True)  # e.g. inspection:12
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "信用记录"
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    facility__isnull=False, provider__isnull=True, person_hash=""
                )
                | models.Q(
                    facility__isnull=True, provider__isnull=False, person_hash=""
                )
                | (
                    models.Q(facility__isnull=True, provider__isnull=True)
                    & ~models.Q(person_hash="")
                ),
                name="credit_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text}（{self.points:+d}）"


class ListEntry(models.Model):
    """红名单/黑名单: entered by the bureau's decision on the rules' grounds, with dates; a black
    entry stops new government-purchased orders (core.sanctions) until it ends."""

    class Kind(models.TextChoices):
        RED = "red", "红名单"
        BLACK = "black", "黑名单"

    kind = models.CharField("名单", max_length=5, choices=Kind.choices)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="机构",
    )
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="服务商",
    )
    reason = models.CharField("列入理由", max_length=300)
    started_on = models.DateField("列入日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField("移出日期", null=True, blank=True)
    end_reason = models.CharField("移出理由", max_length=300, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "红黑名单"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(facility__isnull=False, provider__isnull=True)
                | models.Q(facility__isnull=True, provider__isnull=False),
                name="list_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"

    @property
    def subject(self):
        return self.facility or self.provider


class Case(models.Model):
    """立案: an administrative case the bureau opens on a serious finding (an inspection, an overdue
    rectification, an upheld complaint), closed with its decision; a penalty goes on the credit
    record."""

    class State(models.TextChoices):
        OPEN = "open", "办理中"
        CLOSED = "closed", "已结案"

    class Decision(models.TextChoices):
        PENALTY = "penalty", "行政处罚"
        ORDER = "order", "责令改正"
        NONE = "none", "不予处罚/撤销立案"

    number = models.CharField("案件编号", max_length=30, unique=True)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="当事机构"
    )
    source = models.CharField("案件来源", max_length=40)  # e.g. rectification:12
    summary = models.CharField("案由", max_length=300)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.OPEN
    )
    opened_at = models.DateTimeField("立案时间", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        "处理决定", max_length=10, choices=Decision.choices, blank=True
    )
    decision_text = models.CharField("决定内容", max_length=300, blank=True)
    fine_fen = models.BigIntegerField("罚款（分）", default=0)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "立案"
        ordering = ["state", "-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.facility}"


# ---------------------------------------------------------------------------------------------
# 应急预案与演练


class EmergencyKind(models.TextChoices):
    NATURAL = "natural", "自然灾害"
    ACCIDENT = "accident", "事故灾难"
    HEALTH = "health", "公共卫生事件"
    SECURITY = "security", "社会安全事件"


class EmergencyPlan(models.Model):
    """An institution's emergency plan for one kind of event (突发事件应对法's four kinds)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="机构"
    )
    kind = models.CharField("事件类型", max_length=10, choices=EmergencyKind.choices)
    title = models.CharField("预案名称", max_length=100)
    approved_on = models.DateField("印发日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "应急预案"
        ordering = ["facility", "kind", "-approved_on"]

    def __str__(self) -> str:
        return self.title


class Drill(models.Model):
    """应急演练: when, of which plan, who took part, and what was found."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="+", verbose_name="机构"
    )
    kind = models.CharField("事件类型", max_length=10, choices=EmergencyKind.choices)
    held_on = models.DateField("演练日期")
    staff = models.PositiveIntegerField("参加员工（人）")
    residents = models.PositiveIntegerField("参加老人（人）", default=0)
    findings = models.CharField("发现的问题与改进", max_length=300, blank=True)
    supplies_ok = models.BooleanField("应急物资检查齐全", default=True)
    supplies_note = models.CharField("物资缺项", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "应急演练"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.held_on} {self.get_kind_display()}演练"


class InspectionPhoto(models.Model):
    """Evidence photo of one checklist item, taken on site before the record is signed."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="photos"
    )
    item_code = models.CharField("检查项", max_length=10)
    photo = models.FileField("照片", upload_to="inspections/%Y/%m/")
    taken_at = models.DateTimeField("拍摄上传时间", default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查取证照片"
        ordering = ["item_code", "taken_at", "id"]

    def __str__(self) -> str:
        return f"{self.inspection} {self.item_code}"
