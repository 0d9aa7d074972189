"""医养结合: medical institutions (医疗机构), the contracts institutions sign with them (签约服务)
and the patrol visits that fulfil them (巡诊), and institutions' in-house medical units (内设医疗机构)
— Jingdezhen 三.(四), Litong 养老机构与医疗机构签约率 ≥ 60%, Shaoyang 7."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", "医院"
    COMMUNITY_CENTRE = "community_centre", "社区卫生服务中心"
    TOWNSHIP = "township", "乡镇卫生院"
    VILLAGE = "village", "村卫生室"
    CLINIC = "clinic", "诊所"


class Grade(models.TextChoices):
    """医院等级 (三级、二级、一级); primary institutions are usually not graded."""

    THIRD = "3", "三级"
    SECOND = "2", "二级"
    FIRST = "1", "一级"
    NONE = "none", "未定级"


class MedicalInstitution(models.Model):
    """医疗机构: a hospital, health centre, village clinic or practice that older people and care
    institutions are contracted with."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=InstitutionKind.choices)
    grade = models.CharField(
        "等级", max_length=5, choices=Grade.choices, default=Grade.NONE
    )
    insured = models.BooleanField("医保定点", default=False)
    licence_no = models.CharField("执业许可证登记号", max_length=40, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "医疗机构"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="one_medical_institution_name_per_region",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.TextChoices):
    """签约服务内容 (Jingdezhen 三.(四).1)."""

    PATROL = "patrol", "定期巡诊"
    APPOINTMENT = "appointment", "预约就诊"
    REFERRAL = "referral", "双向转诊"
    GREEN_CHANNEL = "green_channel", "急救绿色通道"
    HEALTH = "health", "健康管理"
    REHAB = "rehab", "康复"
    HOSPICE = "hospice", "安宁疗护"


class Contract(models.Model):
    """签约服务: an institution's contract with a medical institution for a term; a renewal is a
    new contract that names the one it continues."""

    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="养老机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name="医疗机构",
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    services = models.JSONField("服务内容", default=list)
    patrols_per_month = models.PositiveSmallIntegerField("每月巡诊次数", default=0)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    renews = models.ForeignKey(
        "self",
        verbose_name="续签自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "医养签约"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} ↔ {self.institution}"


class Patrol(models.Model):
    """巡诊记录: one patrol visit under a contract, logged by either side."""

    class Side(models.TextChoices):
        FACILITY = "facility", "养老机构登记"
        MEDICAL = "medical", "医疗机构登记"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="patrols"
    )
    visited_on = models.DateField("巡诊日期")
    doctor = models.CharField("巡诊医生", max_length=50)
    residents_seen = models.PositiveSmallIntegerField("诊视老人（人）", default=0)
    note = models.CharField("情况", max_length=300, blank=True)
    side = models.CharField("登记方", max_length=10, choices=Side.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "巡诊记录"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.doctor}"


class UnitKind(models.TextChoices):
    CLINIC = "clinic", "内设诊所"
    HEALTH_ROOM = "health_room", "卫生所（室）"
    INFIRMARY = "infirmary", "医务室"
    NURSING_STATION = "nursing_station", "护理站"


class MedicalUnit(models.Model):
    """内设医疗机构: the institution's own clinic, infirmary or nursing station (备案, 医保定点)."""

    facility = models.OneToOneField(
        "facilities.Facility",
        verbose_name="养老机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    filed_on = models.DateField("备案日期")
    licence_no = models.CharField("执业许可/备案号", max_length=40, blank=True)
    insured = models.BooleanField("医保定点", default=False)
    doctors = models.PositiveSmallIntegerField("医师（人）", default=0)
    nurses = models.PositiveSmallIntegerField("护士（人）", default=0)
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "内设医疗机构"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.facility_id}）"


class Willingness(models.Model):
    """集中供养意愿登记: whether a 特困 person wants to move into an institution, asked each year and
    again after a life event or a change of ability level (Jingdezhen 专栏1: 有意愿的兜底保障对象
    集中供养率 100%). The latest record on a day is the person's answer then."""

    class Answer(models.TextChoices):
        WILLING = "willing", "愿意集中供养"
        UNWILLING = "unwilling", "不愿意"
        UNDECIDED = "undecided", "暂未决定"

    class Occasion(models.TextChoices):
        SURVEY = "survey", "年度意愿调查"
        LIFE_EVENT = "life_event", "生活变故后重新询问"
        ASSESSMENT = "assessment", "能力等级变化后重新询问"

    class ConfirmedBy(models.TextChoices):
        SELF = "self", "本人确认"
        GUARDIAN = "guardian", "监护人确认"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    asked_on = models.DateField("询问日期")
    answer = models.CharField("意愿", max_length=10, choices=Answer.choices)
    occasion = models.CharField(
        "询问缘由", max_length=12, choices=Occasion.choices, default=Occasion.SURVEY
    )
    confirmed_by = models.CharField(
        "确认方式", max_length=10, choices=ConfirmedBy.choices
    )
    confirmer_name = models.CharField("监护人姓名", max_length=50, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "集中供养意愿登记"
        ordering = ["-asked_on", "-pk"]
        indexes = [models.Index(fields=["elder", "asked_on"])]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.asked_on:%Y-%m-%d} {self.get_answer_display()}"


class Liaison(models.Model):
    """医疗机构联络员: the account through which a medical institution answers the referrals sent
    to it; it sees only those (the referral's scope rule for this role)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账户",
        on_delete=models.CASCADE,
        related_name="medical_liaison",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name="医疗机构",
        on_delete=models.PROTECT,
        related_name="liaisons",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "医疗机构联络员"

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


class Referral(models.Model):
    """双向转诊 (Jingdezhen 三.(四).1 "预约就诊、双向转诊"), modelled on FHIR R4 ServiceRequest (what
    is asked) + Task (where it stands): 已申请 → 已接收/已拒绝 → 已预约 → 已就诊 → 已回转 (下转 back to
    the institution or home with a care note) or 已关闭 with an outcome. The alarm centre only
    *proposes* (拟转诊); a person confirms before anything is sent. Every step is a ReferralStep."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "拟转诊（待确认）"
        REQUESTED = "requested", "已申请"
        ACCEPTED = "accepted", "已接收"
        DECLINED = "declined", "已拒绝"
        SCHEDULED = "scheduled", "已预约"
        ATTENDED = "attended", "已就诊"
        RETURNED = "returned", "已回转"
        CLOSED = "closed", "已关闭"

    class Origin(models.TextChoices):
        FACILITY = "facility", "养老机构医护人员"
        CARER = "carer", "护理员/居家服务人员"
        VISIT = "visit", "探访发现"
        ASSESSMENT = "assessment", "能力评估"
        ALARM = "alarm", "紧急呼叫中心"
        COMMUNITY = "community", "社区工作人员"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "普通"
        URGENT = "urgent", "加急"

    class ReturnTo(models.TextChoices):
        FACILITY = "facility", "回转养老机构"
        HOME = "home", "回转居家"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="转出养老机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name="转入医疗机构",
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name="依据签约",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    outside_contract_reason = models.CharField(
        "非签约机构转诊理由", max_length=200, blank=True
    )
    reason = models.CharField("转诊原因", max_length=300)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    origin = models.CharField("发起方", max_length=12, choices=Origin.choices)
    # The record the referral came from in its own app (an alarm's or a follow-up's id); a plain
    # number because medical sits below alarms and visits and never names their tables.
    origin_ref = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField("申请时间", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accept_due = models.DateTimeField("接收时限", null=True, blank=True)
    outcome_due = models.DateTimeField("就诊时限", null=True, blank=True)
    accepted_at = models.DateTimeField("接收/拒绝时间", null=True, blank=True)
    appointment_at = models.DateTimeField("预约就诊时间", null=True, blank=True)
    department = models.CharField("预约科室", max_length=50, blank=True)
    attended_at = models.DateTimeField("就诊时间", null=True, blank=True)
    returned_at = models.DateTimeField("回转时间", null=True, blank=True)
    return_to = models.CharField(
        "回转去向", max_length=10, choices=ReturnTo.choices, blank=True
    )
    care_note = models.CharField("回转照护要点", max_length=500, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=300, blank=True)
    escalated_at = models.DateTimeField("超时督办时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "双向转诊"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "accept_due"]),
            models.Index(fields=["institution", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "origin_ref"],
                condition=Q(origin="alarm"),
                name="one_referral_proposal_per_alarm",
            )
        ]

    def __str__(self) -> str:
        return f"转诊 #{self.pk} → {self.institution}"


class ReferralStep(models.Model):
    """One step of a referral, timed and attributed (append-only)."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField("状态", max_length=10, choices=Referral.Status.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField("经办", max_length=60, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    escalation = models.BooleanField("超时督办", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "转诊环节"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.get_status_display()}"


class BedOffer(models.Model):
    """集中供养 床位安排: a free bed of the county's network (the 失能照护中心 and township homes as
    one, "1+N") offered to a 特困 person in the queue; accepting admits them through the
    facilities' admission service, declining keeps their place. One open offer per bed and per
    person."""

    class Status(models.TextChoices):
        OFFERED = "offered", "待答复"
        ACCEPTED = "accepted", "已接受并入住"
        DECLINED = "declined", "已谢绝"
        WITHDRAWN = "withdrawn", "已撤回"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    bed = models.ForeignKey(
        "facilities.Bed",
        verbose_name="床位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OFFERED
    )
    reason = models.CharField("轮候理由", max_length=200, blank=True)
    distance_m = models.PositiveIntegerField("距住址（米）", null=True, blank=True)
    offered_on = models.DateField("安排日期")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer_note = models.CharField("答复说明", max_length=300, blank=True)
    admission = models.ForeignKey(
        "facilities.Admission",
        verbose_name="入住记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "集中供养床位安排"
        ordering = ["-offered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(status="offered"),
                name="one_open_offer_per_bed",
            ),
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(status="offered"),
                name="one_open_offer_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} → {self.bed_id}"


class HealthService(models.Model):
    """That a basic public health service happened for a person in a year — not its medical
    content: 建立健康档案 (Litong: 65+ 建立健康档案), the annual health check (年度健康体检), and
    中医药健康管理 (Shaoyang: 65+ 中医药健康管理率 ≥ 74% by 2027) — from the health system's
    yearly roster (medical import kind `health_roster`)."""

    class Kind(models.TextChoices):
        RECORD = "record", "健康档案"
        CHECKUP = "checkup", "年度健康体检"
        TCM = "tcm", "中医药健康管理"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("服务", max_length=10, choices=Kind.choices)
    served_on = models.DateField("服务日期", null=True, blank=True)
    provider = models.CharField("服务机构", max_length=100, blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "基本公共卫生服务记录"
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "year", "kind"], name="one_health_service_a_year"
            )
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.year} {self.get_kind_display()}"


class FamilyDoctorContract(models.Model):
    """家庭医生签约 (Jingdezhen 三.(四).3): a person's contract with a family-doctor team of a
    medical institution, from the health system's roster or recorded; ended with a reason."""

    class EndReason(models.TextChoices):
        MOVED = "moved", "迁出"
        UNREACHABLE = "unreachable", "失联"
        REFUSED = "refused", "拒绝续约"
        VOLUNTARY = "voluntary", "自愿解约"
        DIED = "died", "死亡"

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name="签约机构",
        on_delete=models.PROTECT,
        related_name="family_contracts",
    )
    team = models.CharField("家庭医生团队", max_length=60, blank=True)
    package = models.CharField("服务包", max_length=60, blank=True)
    starts_on = models.DateField("签约起始日期")
    ends_on = models.DateField("签约截止日期")
    ended_on = models.DateField("解约日期", null=True, blank=True)
    end_reason = models.CharField(
        "解约原因", max_length=12, choices=EndReason.choices, blank=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭医生签约"
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "starts_on"], name="one_family_contract_a_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="family_contract_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.institution_id} {self.starts_on}"


class HomeBed(models.Model):
    """家庭病床 (Jingdezhen 三.(四).3): an episode of care by a medical institution for a person at
    home; while open, the person is visited by the medical team, and the visit roster counts them
    apart from the community's visits."""

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老年人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        MedicalInstitution,
        verbose_name="建床医疗机构",
        on_delete=models.PROTECT,
        related_name="home_beds",
    )
    opened_on = models.DateField("建床日期")
    closed_on = models.DateField("撤床日期", null=True, blank=True)
    team = models.CharField("医护团队", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭病床"
        ordering = ["-opened_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(closed_on__isnull=True),
                name="one_open_home_bed_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.institution_id} {self.opened_on}"
