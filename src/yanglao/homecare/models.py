"""居家社区养老服务: providers' service areas and carers, the catalogue (GB/T 43153-2023 content
with the local "10+N"/"六助" names), orders and their every transition, service records, ratings,
government-purchased service quotas (服务券) and their ledger, monthly settlement, family care beds
(家庭养老床位) and meal service (助餐). docs/homecare.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yanglao.homecare.rules import (
    ACTION_NAMES,
    MEAL_CATEGORY_NAMES,
    STATE_CHOICES,
    OrderState,
)


class Content(models.TextChoices):
    """GB/T 43153-2023 服务内容."""

    DAILY = "daily", "生活照料"
    BASIC_CARE = "basic_care", "基础照护"
    HEALTH = "health", "健康管理"
    VISIT = "visit", "探访关爱"
    COMFORT = "comfort", "精神慰藉"
    ERRAND = "errand", "委托代办"
    ADAPT = "adapt", "家庭生活环境适老化改造"


class Unit(models.TextChoices):
    VISIT = "visit", "次"
    HOUR = "hour", "小时"
    MEAL = "meal", "餐"


class Qualification(models.TextChoices):
    """What a carer must hold to deliver an item."""

    NONE = "", "无特殊要求"
    CARER = "carer", "养老护理员"
    CARER_L4 = "carer_l4", "养老护理员四级及以上"
    NURSE = "nurse", "护士"
    DOCTOR = "doctor", "医生"


class ProviderArea(models.Model):
    """服务区域: a provider serves the older people living in these regions (and below)."""

    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.CASCADE, related_name="areas"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务商服务区域"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "region"], name="provider_area_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} → {self.region_id}"


class ProviderTerms(models.Model):
    """A provider's licence and its purchase contract with the bureau (政府购买服务协议)."""

    provider = models.OneToOneField(
        "facilities.Provider", on_delete=models.CASCADE, related_name="terms"
    )
    licence_no = models.CharField("登记/备案号", max_length=50, blank=True)
    contract_no = models.CharField("政府购买服务协议号", max_length=50, blank=True)
    contract_start = models.DateField("协议起始", null=True, blank=True)
    contract_end = models.DateField("协议截止", null=True, blank=True)
    active = models.BooleanField("接单中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务商资质与协议"

    def __str__(self) -> str:
        return f"{self.provider_id} {self.contract_no}"


class Carer(models.Model):
    """护理员/服务人员: a provider's staff member who delivers services at home."""

    staff = models.OneToOneField(
        "facilities.Staff", on_delete=models.CASCADE, related_name="carer"
    )
    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.PROTECT, related_name="carers"
    )
    qualifications = models.JSONField("资质", default=list, blank=True)
    skills = models.JSONField("擅长服务（服务项目代码）", default=list, blank=True)
    base_lat = models.FloatField("常驻位置纬度", null=True, blank=True)
    base_lng = models.FloatField("常驻位置经度", null=True, blank=True)
    work_start = models.TimeField("上班时间", default="08:00")
    work_end = models.TimeField("下班时间", default="18:00")
    workdays = models.JSONField("工作日（1=周一）", default=list, blank=True)
    daily_capacity = models.PositiveSmallIntegerField("每日最多单数", default=8)
    active = models.BooleanField("在岗", default=True)
    # Dispatch suggestions keep a provider's carers in memory and re-read them when this moves.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "护理员/服务人员"
        indexes = [
            models.Index(fields=["provider", "active"]),
            models.Index(fields=["provider", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.staff.name


class FamilyLink(models.Model):
    """家属关联: a family member's account acting for an older person, with whose consent."""

    class Consent(models.TextChoices):
        ELDER = "elder", "老年人本人同意"
        COMMUNITY = "community", "社区核实同意"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_links"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="family_links"
    )
    relation = models.CharField("关系", max_length=20)
    consent = models.CharField("同意方式", max_length=10, choices=Consent.choices)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核实人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家属关联"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "elder"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_family_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.elder_id}（{self.relation}）"


class ServiceItem(models.Model):
    """服务项目 in the catalogue."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    content = models.CharField(
        "服务内容（GB/T 43153）", max_length=20, choices=Content.choices
    )
    tags = models.JSONField("地方名称（10+N/六助）", default=list, blank=True)
    unit = models.CharField("计价单位", max_length=10, choices=Unit.choices)
    qualification = models.CharField(
        "服务人员资质", max_length=20, choices=Qualification.choices, blank=True
    )
    typical_minutes = models.PositiveSmallIntegerField("通常时长（分钟）", default=60)
    min_minutes = models.PositiveSmallIntegerField(
        "最短时长（分钟）", default=20, help_text="短于此时长的服务列入异常"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务项目"
        ordering = ["content", "code"]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    """A provider's price for an item (per unit)."""

    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.CASCADE, related_name="prices"
    )
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="prices"
    )
    price_fen = models.PositiveIntegerField("单价（分）")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务价格"
        constraints = [
            models.UniqueConstraint(fields=["provider", "item"], name="one_price")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.item_id} {self.price_fen / 100:.2f} 元"


class VoucherProgramme(models.Model):
    """政府购买服务/服务券: an eligible person gets an amount or a number of hours each month.
    The monthly quota comes from grants here, or from a subsidy programme's monthly decision
    (benefits) when `benefit_code` names one."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", "按金额（元/月）"
        HOURS = "hours", "按时长（小时/月）"

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="实施地区",
    )
    kind = models.CharField("额度方式", max_length=10, choices=Kind.choices)
    benefit_code = models.SlugField(
        "对应补贴项目代码",
        max_length=30,
        blank=True,
        help_text="填写后，每月额度取该补贴项目当月核定金额（以服务券形式使用）",
    )
    items = models.JSONField("可用于的服务项目（空=全部）", default=list, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府购买服务项目"

    def __str__(self) -> str:
        return self.name


class VoucherGrant(models.Model):
    """One person's monthly quota under a programme (服务对象核定)."""

    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="grants"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="voucher_grants"
    )
    monthly_fen = models.PositiveIntegerField("每月金额（分）", default=0)
    monthly_minutes = models.PositiveIntegerField("每月时长（分钟）", default=0)
    start = models.DateField("起始月份")
    end = models.DateField("截止月份", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务额度核定"
        indexes = [models.Index(fields=["elder", "programme"])]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.elder_id}"


class RecurringPlan(models.Model):
    """周期服务: e.g. a bath every Tuesday at 9:00; generates one order per occurrence."""

    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="recurring_plans"
    )
    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    weekdays = models.JSONField("每周（1=周一）", default=list)
    at = models.TimeField("时间")
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    start = models.DateField("起始日期")
    end = models.DateField("截止日期", null=True, blank=True)
    bed = models.ForeignKey(
        "CareBed", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voucher = models.ForeignKey(
        VoucherProgramme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "周期服务计划"

    def __str__(self) -> str:
        return f"{self.elder_id} {self.item_id} {self.weekdays} {self.at}"


class Order(models.Model):
    """服务工单. Every state change is an OrderEvent; `version` guards against two people moving
    the same order at once (the second one is refused, not doubled)."""

    class Channel(models.TextChoices):
        ELDER = "elder", "老年人本人"
        FAMILY = "family", "家属"
        COMMUNITY = "community", "社区代下单"
        PROVIDER = "provider", "服务商"
        PLAN = "plan", "周期计划/家庭养老床位"

    # elder, region, provider and carer are the first columns of the composite indexes below;
    # their own single-column indexes would only be more to write on every step (db_index=False).
    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        related_name="service_orders",
        db_index=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="社区/村",
        db_index=False,
    )
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    slot_start = models.DateTimeField("预约时间")
    minutes = models.PositiveSmallIntegerField("预计时长（分钟）")
    address = models.CharField("服务地址", max_length=200)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    channel = models.CharField("下单方式", max_length=10, choices=Channel.choices)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    plan = models.ForeignKey(
        RecurringPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # Money, integer fen: the price and who pays it.
    amount_fen = models.PositiveIntegerField("金额（分）")
    voucher = models.ForeignKey(
        VoucherProgramme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voucher_fen = models.PositiveIntegerField("服务券/政府购买（分）", default=0)
    voucher_minutes = models.PositiveIntegerField("服务券时长（分钟）", default=0)
    family_fen = models.PositiveIntegerField("家属支付（分）", default=0)
    self_fen = models.PositiveIntegerField("本人支付（分）", default=0)
    # Where it is.
    state = models.CharField(
        "状态", max_length=12, choices=STATE_CHOICES, default=OrderState.NEW
    )
    version = models.PositiveIntegerField(default=0)
    carer = models.ForeignKey(
        Carer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    checkin_at = models.DateTimeField("签到时间", null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField(
        "签到距住址（米）", null=True, blank=True
    )
    checkout_at = models.DateTimeField("签退时间", null=True, blank=True)
    checkout_distance_m = models.PositiveIntegerField(
        "签退距住址（米）", null=True, blank=True
    )
    # The service record (服务记录).
    done_items = models.JSONField("完成内容", default=list, blank=True)
    record_note = models.CharField("服务记录", max_length=500, blank=True)
    photo = models.FileField("照片", upload_to="homecare/%Y/%m/", blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problems = models.JSONField("异常", default=list, blank=True)
    disputed = models.BooleanField("有争议（暂不结算）", default=False)
    reason = models.CharField("取消/拒单/异常原因", max_length=200, blank=True)
    settlement = models.ForeignKey(
        "Settlement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务工单"
        ordering = ["-slot_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slot_start"],
                condition=Q(plan__isnull=False),
                name="one_order_per_plan_slot",
            )
        ]
        indexes = [
            models.Index(fields=["provider", "state", "slot_start"]),
            models.Index(fields=["region", "slot_start"]),
            models.Index(fields=["carer", "slot_start"]),
            models.Index(fields=["elder", "slot_start"]),
            # Orders still 待受理, by age: the clock's escalation pass every minute and the
            # provider's banner read this small index, not the whole table.
            models.Index(
                fields=["placed_at"], name="order_waiting", condition=Q(state="new")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.item_id} {self.slot_start:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int | None:
        if self.checkin_at and self.checkout_at:
            return round((self.checkout_at - self.checkin_at).total_seconds() / 60)
        return None


class OrderEvent(models.Model):
    """One transition of an order: who, when, from where to where, why (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    action = models.CharField("操作", max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


class VoucherUse(models.Model):
    """服务券台账, append-only: a draw when an order uses the quota, a negative row when it is
    cancelled. The month is the order's service month."""

    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="+"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="voucher_uses"
    )
    month = models.DateField("月份")
    amount_fen = models.IntegerField("金额（分）", default=0)
    minutes = models.IntegerField("时长（分钟）", default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务券使用台账"
        indexes = [models.Index(fields=["elder", "programme", "month"])]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.month:%Y-%m} {self.amount_fen}"


class Rating(models.Model):
    """服务评价 (1–5) by the older person or a family member."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField("评分")
    text = models.CharField("评价", max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.PROTECT, related_name="+"
    )
    carer = models.ForeignKey(
        Carer, null=True, on_delete=models.PROTECT, related_name="ratings"
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务评价"

    def __str__(self) -> str:
        return f"{self.order_id} {self.score}★"


class Concern(models.Model):
    """A follow-up for the community: a low rating, a complaint or an abnormal order."""

    class Kind(models.TextChoices):
        LOW_RATING = "low_rating", "差评"
        COMPLAINT = "complaint", "投诉"
        ABNORMAL = "abnormal", "异常工单"
        DISPUTE = "dispute", "结算争议"
        UNACCEPTED = "unaccepted", "超时未受理"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        CLOSED = "closed", "已办结"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="concerns")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    text = models.CharField("内容", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空：系统自动生成（如超时未受理）",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("办理情况", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务跟进事项"
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order_id}"


class Settlement(models.Model):
    """月度结算: one provider's completed, confirmed, undisputed orders of a month, for the
    bureau's approval. Built once (a draft can be rebuilt), approved by civil-affairs staff."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        APPROVED = "approved", "已审核"

    provider = models.ForeignKey(
        "facilities.Provider", on_delete=models.PROTECT, related_name="settlements"
    )
    month = models.DateField("月份")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    orders_count = models.PositiveIntegerField("工单数", default=0)
    minutes = models.PositiveIntegerField("服务时长（分钟）", default=0)
    amount_fen = models.BigIntegerField("金额（分）", default=0)
    voucher_fen = models.BigIntegerField("政府购买/服务券（分）", default=0)
    family_fen = models.BigIntegerField("家属支付（分）", default=0)
    self_fen = models.BigIntegerField("本人支付（分）", default=0)
    excluded_disputed = models.PositiveIntegerField("因争议暂缓", default=0)
    built_at = models.DateTimeField()
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "服务结算"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "month"], name="one_settlement_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.month:%Y-%m}"


class CareBed(models.Model):
    """家庭养老床位: an older person (能力等级 ≥ 1) signs with an institution, which brings its care to
    the bedside through its home-service provider."""

    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="care_beds"
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="home_beds",
        verbose_name="签约机构",
    )
    provider = models.ForeignKey(
        "facilities.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上门服务方",
    )
    ability_level = models.PositiveSmallIntegerField("签约时能力等级")
    signed_on = models.DateField("签约日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)
    modifications = models.JSONField("适老化改造项目", default=list, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "家庭养老床位"
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(ended_on__isnull=True),
                name="one_live_care_bed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} @ {self.facility_id}"


class Meal(models.Model):
    """助餐: one meal served to one person at a 幸福食堂/助餐点."""

    class Mode(models.TextChoices):
        DINE_IN = "dine_in", "堂食"
        DELIVERED = "delivered", "送餐上门"

    class Kind(models.TextChoices):
        LUNCH = "lunch", "午餐"
        SUPPER = "supper", "晚餐"

    canteen = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="meals"
    )
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="meals"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField("日期")
    kind = models.CharField("餐次", max_length=10, choices=Kind.choices)
    mode = models.CharField("方式", max_length=10, choices=Mode.choices)
    category = models.CharField("补贴类别", max_length=20)
    price_fen = models.PositiveIntegerField("标准价（分）")
    subsidy_fen = models.PositiveIntegerField("补贴（分）")
    paid_fen = models.PositiveIntegerField("个人支付（分）")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "助餐记录"
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "day", "kind"], name="one_meal_per_sitting"
            )
        ]
        indexes = [
            models.Index(fields=["canteen", "day"]),
            models.Index(fields=["region", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.day} {self.kind}"

    @property
    def category_name(self) -> str:
        return MEAL_CATEGORY_NAMES.get(self.category, self.category)


class Menu(models.Model):
    """每日菜单 of a canteen."""

    canteen = models.ForeignKey(
        "facilities.Facility", on_delete=models.CASCADE, related_name="menus"
    )
    day = models.DateField("日期")
    dishes = models.CharField("菜品", max_length=300)
    price_fen = models.PositiveIntegerField("标准价（分）")

    class Meta:
        verbose_name = verbose_name_plural = "每日菜单"
        constraints = [
            models.UniqueConstraint(fields=["canteen", "day"], name="one_menu_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.canteen_id} {self.day}"
