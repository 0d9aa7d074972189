"""补贴津贴: programmes and their versioned rules, applications with their approval steps, monthly
cycles with the entitlements they decide (each with its explanation), bank accounts, and the
append-only payments ledger (issue 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL

# Who decides each approval step (issue 6 §3); a programme lists the steps it needs.
STEP_NAMES = {
    "community": "社区受理",
    "street": "街道审核",
    "civil_affairs": "县民政审批",
}


class Programme(models.Model):
    """One allowance or subsidy (e.g. 高龄津贴) as a bureau runs it in its region."""

    class Unit(models.TextChoices):
        PERSON = "person", "按人按月发给本人"
        INSTITUTION = "institution", "按入住老年人按月拨付给养老机构"
        ITEM = "item", "按事项核定拨付（适老化改造、喘息服务等）"
        STAFF = "staff", "按从业人员发放（入职奖励、岗位补贴、从业年限补贴）"
        RETENTION = "retention", "按见习留用人数拨付给用人单位"
        BED = "bed", "按新增护理型床位一次性拨付给养老机构"

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="实施地区",
    )
    unit = models.CharField(
        "发放对象", max_length=20, choices=Unit.choices, default=Unit.PERSON
    )
    needs_application = models.BooleanField(
        "需本人申请",
        default=False,
        help_text="不需申请的，符合条件即自动纳入（如年满80周岁的高龄津贴）",
    )
    steps = models.JSONField("审批环节", default=list, blank=True)
    funding = models.JSONField(
        "资金分担（%）",
        default=dict,
        help_text='如 {"city": 50, "county": 50, "town": 0}',
    )
    annual_budget_fen = models.BigIntegerField("年度预算（分）", default=0)
    order = models.PositiveSmallIntegerField(
        "计算顺序",
        default=10,
        help_text="互斥的项目中先计算的优先（如特困照料护理费先于护理补贴）",
    )
    active = models.BooleanField("启用", default=True)
    note = models.TextField("政策依据", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补贴项目"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def step_names(self) -> list[str]:
        return [STEP_NAMES.get(s, s) for s in self.steps]


class PolicyVersion(models.Model):
    """The rules of a programme for a period: eligibility conditions and amounts, as data
    (benefits.rules.policy_from_data reads them). Periods of one programme never overlap."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name="补贴项目",
    )
    version = models.CharField("版本", max_length=30)
    effective_from = models.DateField("起始日期")
    effective_to = models.DateField("终止日期", null=True, blank=True)
    conditions = models.JSONField("享受条件", default=dict)
    amount = models.JSONField("发放标准", default=dict)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策版本"
        ordering = ["programme", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="version_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}（{self.version}）"


class Application(models.Model):
    """申请: filed by the person, family or a community worker, decided step by step."""

    class Applicant(models.TextChoices):
        SELF = "self", "本人"
        FAMILY = "family", "家属"
        WORKER = "worker", "社区工作人员代办"

    class Status(models.TextChoices):
        PENDING = "pending", "审批中"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        WITHDRAWN = "withdrawn", "已撤回"
        ENDED = "ended", "已终止享受"

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="补贴项目",
    )
    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        related_name="benefit_applications",
        verbose_name="老年人",
    )
    applicant_kind = models.CharField(
        "申请人", max_length=10, choices=Applicant.choices
    )
    applicant_name = models.CharField("申请人姓名", max_length=50)
    reason = models.CharField("申请理由", max_length=300, blank=True)
    from_month = models.DateField("申请享受起始月")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    step = models.PositiveSmallIntegerField("当前环节", default=0)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    ended_month = models.DateField("终止享受月", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "补贴申请"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "elder"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_open_application_per_programme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} · {self.elder_id}"

    @property
    def number(self) -> str:
        return f"SQ{self.submitted_at:%Y%m}{self.pk:06d}"

    @property
    def step_name(self) -> str:
        steps = self.programme.steps
        return STEP_NAMES.get(steps[self.step], "") if self.step < len(steps) else ""


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("附件", upload_to="benefits/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """One approval step's decision. A person decides at most one step of an application, and
    never one they filed (approval separation, issue 6 Bad input)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="decisions"
    )
    step = models.PositiveSmallIntegerField("环节")
    role = models.CharField("环节角色", max_length=20)
    approved = models.BooleanField("同意")
    note = models.CharField("意见", max_length=300, blank=True)
    # Approved although the rules said no (✗) on the day: the reason is in `note`, the conditions
    # not met in `unmet`, and both are shown to every later step.
    against_rules = models.BooleanField("不符合条件仍同意", default=False)
    unmet = models.CharField("当时不符合的条件", max_length=300, blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step"], name="one_decision_per_step"
            ),
            models.UniqueConstraint(
                fields=["application", "by"], name="one_step_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {'同意' if self.approved else '不同意'}"


class Cycle(models.Model):
    """A month's cycle for a region: every enrolled person re-checked on that month's facts."""

    class Status(models.TextChoices):
        RUNNING = "running", "计算中"
        FAILED = "failed", "计算失败"
        COMPUTED = "computed", "待审批"
        APPROVED = "approved", "已审批"

    month = models.DateField("月份")
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="地区",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    phase = models.CharField("进度说明", max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    error = models.TextField("失败原因", blank=True)
    people = models.PositiveIntegerField("核查人数", default=0)
    totals = models.JSONField("汇总", default=dict)
    run_by = models.ForeignKey(
        USER,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="计算人",
    )
    run_at = models.DateTimeField("计算时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", default=0)
    approved_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审批人",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放周期"
        ordering = ["-month", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region"], name="one_cycle_per_month_and_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月} {self.region.name}"


class Entitlement(models.Model):
    """What a cycle decided for one person under one programme, with the reasons. `month` is the
    month paid for: a back-pay or recovery row carries the earlier month it corrects.

    A cycle writes ~175,000 of these for a million people in one transaction. The references to
    the programme, version, institution and region are not database constraints (the rows come
    from those tables in the same transaction, and the ORM still refuses deleting what they
    point to): checking 4 × 175,000 deferred constraints at commit took 8 of the cycle's seconds
    on PostgreSQL. The cycle and the person are constrained."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "当月"
        BACKPAY = "backpay", "补发"
        RECOVERY = "recovery", "追回"
        STOPPED = "stopped", "停发"
        ITEM = "item", "专项"

    class Change(models.TextChoices):
        NEW = "new", "新增"
        CHANGED = "changed", "金额变化"
        SAME = "same", "不变"
        STOPPED = "stopped", "停发"
        CORRECTION = "correction", "更正以前月份"

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="entitlements"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    version = models.ForeignKey(
        PolicyVersion,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    elder = models.ForeignKey(
        "elders.Elder",
        null=True,
        on_delete=models.PROTECT,
        related_name="entitlements",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="拨付机构",
        db_constraint=False,
    )
    staff = models.ForeignKey(
        "facilities.Staff",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="从业人员",
        db_constraint=False,
    )
    bed = models.ForeignKey(
        "facilities.Bed",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="新增床位",
        db_constraint=False,
    )
    claim = models.ForeignKey(
        "benefits.Claim",
        null=True,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name="专项补贴事项",
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    month = models.DateField("所属月份")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    change = models.CharField(
        "与上月相比", max_length=10, choices=Change.choices, blank=True
    )
    amount_fen = models.BigIntegerField("金额（分）")
    previous_fen = models.BigIntegerField("上月金额（分）", null=True)
    tier = models.CharField("档次", max_length=60, blank=True)
    explanation = models.TextField("依据")
    city_fen = models.BigIntegerField("市级承担（分）", default=0)
    county_fen = models.BigIntegerField("县级承担（分）", default=0)
    town_fen = models.BigIntegerField("乡镇承担（分）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "待遇核定"
        indexes = [
            models.Index(fields=["cycle", "programme", "kind"]),
            models.Index(fields=["elder", "programme", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.month:%Y-%m} {self.amount_fen}"

    @property
    def payee_name(self) -> str:
        """Who the row is about: the older person, else the staff member, else the institution
        (a new bed's construction subsidy)."""
        if self.elder_id:
            return self.elder.name
        if self.staff_id:
            return self.staff.name
        return self.facility.name if self.facility_id else ""


class Claim(models.Model):
    """专项补贴事项: an amount another part of the platform has established for one event — a
    home-modification project accepted (适老化改造), respite days used (喘息服务), a new 护理型 bed
    accepted (建设补贴), a carer's subsidy. It is not paid here: the next cycle of its region takes
    it as an entitlement (kind 专项) with this explanation, and from there it goes through the
    same approval, payment files and ledger as the monthly allowances — one payment path
    (issue 25 §5). `source` names the event, so one event is never claimed twice."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name="补贴项目",
    )
    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="政策版本",
    )
    source = models.CharField("事项来源", max_length=60, unique=True)
    title = models.CharField("事项", max_length=120)
    elder = models.ForeignKey(
        "elders.Elder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="老年人",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="拨付机构",
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="地区",
    )
    month = models.DateField("可发放起始月")
    quantity = models.PositiveIntegerField("数量", default=1)
    amount_fen = models.BigIntegerField("金额（分）")
    explanation = models.TextField("依据")
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("核定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "专项补贴事项"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(elder__isnull=False)
                | models.Q(facility__isnull=False),
                name="claim_has_a_payee",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="claim_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BankAccount(models.Model):
    """代发账户 of a person or an institution; the account number is stored encrypted."""

    elder = models.OneToOneField(
        "elders.Elder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_account",
    )
    facility = models.OneToOneField(
        "facilities.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_account",
    )
    staff = models.OneToOneField(
        "facilities.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_account",
    )
    bank = models.CharField("开户银行", max_length=60)
    holder = models.CharField("户名", max_length=60)
    account_enc = models.TextField("账号（密文）", editable=False)
    account_last4 = models.CharField("账号后四位", max_length=4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "代发账户"

    def __str__(self) -> str:
        return f"{self.bank} ****{self.account_last4}"


class PaymentBatch(models.Model):
    """One disbursement: its payments go to the banks as one file per bank."""

    number = models.CharField("批次号", max_length=30, unique=True)
    cycle = models.ForeignKey(
        Cycle, null=True, on_delete=models.PROTECT, related_name="batches"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class LedgerEntry(models.Model):
    """The payments ledger. Append-only: database triggers refuse UPDATE and DELETE, so a
    correction is always a new row. A payment (`ref`) is issued in a batch, then marked paid or
    failed from the bank's return file; money returned by a family after an overpayment is a
    `returned` row."""

    class Event(models.TextChoices):
        ISSUED = "issued", "已发盘"
        PAID = "paid", "已到账"
        FAILED = "failed", "发放失败"
        RETURNED = "returned", "已追回"

    ref = models.CharField("流水号", max_length=30, db_index=True)
    event = models.CharField("事件", max_length=10, choices=Event.choices)
    batch = models.ForeignKey(
        PaymentBatch, null=True, on_delete=models.PROTECT, related_name="entries"
    )
    elder = models.ForeignKey(
        "elders.Elder", null=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        "facilities.Facility", null=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        "facilities.Staff", null=True, on_delete=models.PROTECT, related_name="+"
    )
    payee = models.CharField("收款人", max_length=60)
    bank = models.CharField("开户银行", max_length=60, blank=True)
    account_enc = models.TextField("账号（密文）", blank=True)
    account_last4 = models.CharField("账号后四位", max_length=4, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")
    reason = models.CharField("说明", max_length=200, blank=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放台账"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.ref} {self.event} {self.amount_fen}"
