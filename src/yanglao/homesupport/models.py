"""家庭支持: assistive-device lending (康复辅具, Baoshan 14) — lending points, their devices with
serial numbers and condition, loans to older people, and every device's history (append-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LendingPoint(models.Model):
    """康复辅具租赁（借用）点: where devices are kept and lent."""

    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "辅具借用点"
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="one_lending_point_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AidDevice(models.Model):
    class Kind(models.TextChoices):
        WHEELCHAIR = "wheelchair", "轮椅"
        WALKER = "walker", "助行器"
        NURSING_BED = "nursing_bed", "护理床"
        COMMODE = "commode", "坐便椅"
        MATTRESS = "mattress", "防褥疮床垫"
        SHOWER_CHAIR = "shower_chair", "洗澡椅"

    class State(models.TextChoices):
        AVAILABLE = "available", "可借用"
        ON_LOAN = "on_loan", "已借出"
        CLEANING = "cleaning", "待清洁消毒"
        REPAIR = "repair", "维修中"
        WRITTEN_OFF = "written_off", "已报废"

    class Condition(models.TextChoices):
        NEW = "new", "全新"
        GOOD = "good", "良好"
        WORN = "worn", "有磨损"

    point = models.ForeignKey(
        LendingPoint,
        verbose_name="借用点",
        on_delete=models.PROTECT,
        related_name="devices",
    )
    kind = models.CharField("类别", max_length=15, choices=Kind.choices)
    serial = models.CharField("编号", max_length=40, unique=True)
    condition = models.CharField(
        "成色", max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    state = models.CharField(
        "状态", max_length=12, choices=State.choices, default=State.AVAILABLE
    )
    deposit_fen = models.PositiveIntegerField("押金（分）", default=0)
    acquired_on = models.DateField("入库日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "康复辅具"
        ordering = ["point", "kind", "serial"]
        indexes = [models.Index(fields=["point", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class Loan(models.Model):
    """One device lent to one person: from the day lent to the day returned."""

    device = models.ForeignKey(
        AidDevice, verbose_name="辅具", on_delete=models.PROTECT, related_name="loans"
    )
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    lent_on = models.DateField("借出日期")
    due_on = models.DateField("应还日期")
    returned_on = models.DateField("归还日期", null=True, blank=True)
    deposit_fen = models.PositiveIntegerField("押金（分）", default=0)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "辅具借用"
        ordering = ["-lent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_on__isnull=True),
                name="one_open_loan_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} → {self.elder_id}"


class DeviceLog(models.Model):
    """A device's history, append-only: 入库, 借出, 归还, 清洁消毒并检验合格/不合格, 维修完成, 报废."""

    class Action(models.TextChoices):
        ADD = "add", "入库"
        LEND = "lend", "借出"
        RETURN = "return", "归还"
        PASS = "pass", "清洁消毒、检验合格"
        FAIL = "fail", "清洁消毒、检验不合格，送修"
        REPAIRED = "repaired", "维修完成"
        WRITE_OFF = "write_off", "报废"

    device = models.ForeignKey(AidDevice, on_delete=models.CASCADE, related_name="log")
    action = models.CharField("事项", max_length=12, choices=Action.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "辅具记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.device_id} {self.get_action_display()}"


class WaitingRequest(models.Model):
    """候借登记: a person asks a point for a kind of device none of which is free; served when a
    device of that kind is lent to them."""

    class Status(models.TextChoices):
        WAITING = "waiting", "等候中"
        SERVED = "served", "已借到"
        CANCELLED = "cancelled", "已取消"

    point = models.ForeignKey(
        LendingPoint,
        verbose_name="借用点",
        on_delete=models.PROTECT,
        related_name="waiting",
    )
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("辅具类别", max_length=15, choices=AidDevice.Kind.choices)
    requested_on = models.DateField("登记日期")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.WAITING
    )
    served_on = models.DateField("借到日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "辅具候借登记"
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "elder", "kind"],
                condition=Q(status="waiting"),
                name="one_waiting_request_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.get_kind_display()}"


# --- 居家适老化改造 (issue 25 §1) ---------------------------------------------------------------


class PriceItem(models.Model):
    """The bureau's price list (价格清单): a national item (homesupport.modification.NATIONAL_ITEMS)
    or a local one, its unit price in the region and below, and whether it is subsidised."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name="适用地区",
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField("项目编码", max_length=10)
    part = models.CharField("类别", max_length=20)
    name = models.CharField("项目", max_length=60)
    basic = models.BooleanField("基础类（政府补贴）", default=False)
    unit = models.CharField("计量单位", max_length=10, default="项")
    price_fen = models.PositiveIntegerField("单价（分）")
    device_type = models.CharField("智能终端类型", max_length=20, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "适老化改造价格清单"
        ordering = ["region__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], name="one_price_per_item_and_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ModificationQuota(models.Model):
    """年度改造任务: households a region is to modify in a year (the city's 500, split by county)."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name="地区",
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    households = models.PositiveIntegerField("任务户数")

    class Meta:
        verbose_name = verbose_name_plural = "适老化改造年度任务"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="one_quota_per_region_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}: {self.households}"


class ModificationProject(models.Model):
    """居家适老化改造项目: one household's modification, from application to acceptance."""

    class State(models.TextChoices):
        APPLIED = "applied", "已申请，待入户评估"
        ASSESSED = "assessed", "已入户评估，待出方案"
        IN_PROGRESS = "in_progress", "施工中"
        COMPLETED = "completed", "施工完成，待验收"
        ACCEPTED = "accepted", "已验收"
        WITHDRAWN = "withdrawn", "已撤销"

    class Source(models.TextChoices):
        SELF = "self", "本人申请"
        FAMILY = "family", "家属申请"
        COMMUNITY = "community", "社区代办"
        VISIT = "visit", "探访发现"
        ASSESSMENT = "assessment", "能力评估发现"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="modifications",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.APPLIED
    )
    source = models.CharField("申请来源", max_length=20, choices=Source.choices)
    source_ref = models.CharField("来源记录", max_length=40, blank=True)
    applicant_name = models.CharField("申请人", max_length=50)
    reason = models.CharField("申请理由", max_length=300, blank=True)
    eligibility = models.TextField("资格审核依据")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入户评估人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="派往入户评估的评估员；空则由本地区街道、社区工作人员评估",
    )
    checklist_version = models.CharField("评估清单版本", max_length=30, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField("入户评估时间", null=True, blank=True)
    assessment_note = models.CharField("评估意见", max_length=300, blank=True)
    contractor = models.ForeignKey(
        "facilities.Provider",
        verbose_name="施工单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="modifications",
    )
    total_fen = models.PositiveIntegerField("方案总价（分）", default=0)
    subsidy_fen = models.PositiveIntegerField("政府补贴（分）", default=0)
    self_pay_fen = models.PositiveIntegerField("个人自付（分）", default=0)
    policy = models.CharField("补贴依据", max_length=80, blank=True)
    planned_at = models.DateTimeField("方案时间", null=True, blank=True)
    completed_at = models.DateTimeField("施工完成时间", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.CharField("确认人（本人或家属）", max_length=50, blank=True)
    confirmed_relation = models.CharField("与老年人关系", max_length=20, blank=True)
    withdrawn_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "居家适老化改造项目"
        ordering = ["-applied_at"]
        indexes = [
            models.Index(fields=["region", "year", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=~Q(state__in=["accepted", "withdrawn"]),
                name="one_open_modification_per_elder",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"SLH{self.year}{self.pk:06d}"


class ProjectItem(models.Model):
    """One checklist item of a project: whether the home needs it (入户评估), then, in the plan,
    the quantity, unit price from the price list and whether it is subsidised."""

    project = models.ForeignKey(
        ModificationProject, on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("项目编码", max_length=10)
    part = models.CharField("类别", max_length=20)
    name = models.CharField("项目", max_length=60)
    basic = models.BooleanField("基础类", default=False)
    unit = models.CharField("计量单位", max_length=10, default="项")
    needed = models.BooleanField("需要改造", default=False)
    note = models.CharField("现状", max_length=200, blank=True)
    quantity = models.PositiveIntegerField("数量", default=0)
    unit_price_fen = models.PositiveIntegerField("单价（分）", default=0)
    subsidised = models.BooleanField("纳入补贴", default=False)
    device_type = models.CharField("智能终端类型", max_length=20, blank=True)
    device_serial = models.CharField("设备编号", max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="one_line_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_price_fen


class ProjectPhoto(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", "改造前"
        AFTER = "after", "改造后"

    project = models.ForeignKey(
        ModificationProject, on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices)
    item_code = models.CharField("对应项目", max_length=10, blank=True)
    photo = models.FileField("照片", upload_to="modifications/%Y/%m/")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "taken_at"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage}"


class ProjectStep(models.Model):
    """A project's history (append-only): who did each step, when, with what note."""

    project = models.ForeignKey(
        ModificationProject, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField("环节", max_length=20)
    note = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.step}"


# --- 喘息服务 (issue 25 §3) ----------------------------------------------------------------------


class RespiteStay(models.Model):
    """喘息服务: a short stay in an institution's free bed while the family carer rests. Recorded
    like an admission (a bed, a start and an end) but kept apart from admissions, so it neither
    counts as 入住 nor blocks the person's own admission; the days come off the year's allowance
    and the institution is paid per day through the benefits ledger when the stay ends."""

    class State(models.TextChoices):
        BOOKED = "booked", "已预约"
        STAYING = "staying", "入住中"
        ENDED = "ended", "已结束"
        CANCELLED = "cancelled", "已取消"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="respite_stays",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="居住地",
        on_delete=models.PROTECT,
        related_name="+",
    )
    bed = models.ForeignKey(
        "facilities.Bed",
        verbose_name="床位",
        on_delete=models.PROTECT,
        related_name="respite_stays",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="机构",
        on_delete=models.PROTECT,
        related_name="respite_stays",
    )
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    days = models.PositiveSmallIntegerField("天数")
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.BOOKED
    )
    carer_name = models.CharField("家庭照护者", max_length=50)
    eligibility = models.TextField("资格依据")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField("预约时间", auto_now_add=True)
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "喘息服务"
        ordering = ["-start_on", "-pk"]
        indexes = [models.Index(fields=["bed", "start_on"])]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.start_on}–{self.end_on}"


# --- 家庭照护者培训 (issue 25 §4) ----------------------------------------------------------------


class Course(models.Model):
    """A training course for family carers (家庭照护者), online or in person, run by a provider
    or an institution."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "线下"
        ONLINE = "online", "线上"

    title = models.CharField("课程名称", max_length=100)
    mode = models.CharField("方式", max_length=10, choices=Mode.choices)
    hours = models.PositiveSmallIntegerField("学时")
    organiser = models.CharField("培训机构", max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="地区",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭照护者培训课程"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField("日期")
    place = models.CharField("地点/平台", max_length=100)
    capacity = models.PositiveSmallIntegerField("名额", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "培训班次"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title} {self.held_on}"


class Attendance(models.Model):
    """One family carer in one session (one 人次 once attended), for the older person they
    care for; a certificate number once the course is passed."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="attendances"
    )
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="照护的老年人",
        on_delete=models.PROTECT,
        related_name="carer_trainings",
    )
    carer_name = models.CharField("照护者姓名", max_length=50)
    relation = models.CharField("与老年人关系", max_length=20)
    attended = models.BooleanField("已参加", default=False)
    certificate_no = models.CharField("结业证书编号", max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训签到"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "elder", "carer_name"], name="one_seat_per_carer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carer_name} @ {self.session_id}"
