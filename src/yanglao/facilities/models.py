from __future__ import annotations

from django.db import models
from django.db.models import Q

from yanglao.core import pii
from yanglao.core.idnumber import mask
from yanglao.core.phone import mask_phone


class FacilityType(models.TextChoices):
    """Facility types named in the documents (REQUIREMENTS §1)."""

    WELFARE_HOME = "welfare_home", "社会福利院"
    TEKUN_HOME = "tekun_home", "特困供养服务机构/敬老院"
    COUNTY_DISABILITY_CENTRE = "county_disability_centre", "县级失能照护中心"
    TOWNSHIP_CENTRE_HOME = "township_centre_home", "乡镇区域性中心敬老院"
    PRIVATE_HOME = "private_home", "民办养老机构"
    STREET_CENTRE = "street_centre", "街道综合养老服务中心"
    COMMUNITY_CENTRE = "community_centre", "社区养老服务中心/日间照料中心"
    EMBEDDED_HOME = "embedded_home", "嵌入式养老院"
    CANTEEN = "canteen", "老年助餐点/幸福食堂"
    RURAL_MUTUAL_AID = "rural_mutual_aid", "农村互助养老服务站"
    MEDICAL_CARE = "medical_care", "医养结合机构"
    DEMENTIA_CARE = "dementia_care", "失智照护机构"
    CHILDCARE = "childcare", "托育机构"


# Residential institutions (养老机构) as counted in bed and 护理型床位占比 indicators.
INSTITUTION_TYPES = {
    FacilityType.WELFARE_HOME,
    FacilityType.TEKUN_HOME,
    FacilityType.COUNTY_DISABILITY_CENTRE,
    FacilityType.TOWNSHIP_CENTRE_HOME,
    FacilityType.PRIVATE_HOME,
    FacilityType.EMBEDDED_HOME,
    FacilityType.MEDICAL_CARE,
    FacilityType.DEMENTIA_CARE,
}


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PUBLIC_PRIVATE = "public_private", "公建民营"
    PRIVATE = "private", "民办"


class FireSafety(models.TextChoices):
    ACCEPTED = "accepted", "已通过消防验收"
    FILED = "filed", "已消防备案"
    PENDING = "pending", "未办理"
    FAILED = "failed", "未通过"


class Provider(models.Model):
    """服务商: an organisation providing home and community services (details in homecare/)."""

    name = models.CharField("名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务商"

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    """养老服务设施: institutions and community facilities."""

    name = models.CharField("名称", max_length=100, db_index=True)
    type = models.CharField(
        "类型", max_length=40, choices=FacilityType.choices, db_index=True
    )
    ownership = models.CharField("性质", max_length=20, choices=Ownership.choices)
    operator = models.CharField("运营方", max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    duty_phone = models.CharField(
        "值班电话",
        max_length=20,
        blank=True,
        help_text="机构对外公开的固定电话（带区号），报警中心处置机构告警时拨打",
    )
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    floor_area_m2 = models.PositiveIntegerField(
        "建筑面积（平方米）", null=True, blank=True
    )
    licence_no = models.CharField("设立许可/备案号", max_length=50, blank=True)
    has_medical_unit = models.BooleanField("内设医疗机构", default=False)
    contracted_hospital = models.CharField("签约医疗机构", max_length=100, blank=True)
    fire_safety = models.CharField(
        "消防验收",
        max_length=20,
        choices=FireSafety.choices,
        default=FireSafety.PENDING,
    )
    fire_safety_date = models.DateField("消防验收/备案日期", null=True, blank=True)
    childcare_places = models.PositiveIntegerField("托位数", default=0)
    membership_fee = models.BooleanField(
        "收取会员费",
        default=False,
        help_text="会员制（收取会员费、押金式预收）的养老机构不享受建设补贴",
    )
    opened_on = models.DateField("开业日期", null=True, blank=True)
    closed_on = models.DateField("停业日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "养老服务设施"
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.type in INSTITUTION_TYPES


class Bed(models.Model):
    class Kind(models.TextChoices):
        NURSING = "nursing", "护理型"
        ORDINARY = "ordinary", "普通"

    class State(models.TextChoices):
        IN_SERVICE = "in_service", "在用"
        OUT_OF_SERVICE = "out_of_service", "停用"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="beds", verbose_name="机构"
    )
    code = models.CharField("床位号", max_length=30)
    kind = models.CharField(
        "床位类型", max_length=20, choices=Kind.choices, default=Kind.ORDINARY
    )
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.IN_SERVICE
    )
    # 新增床位 and its acceptance (验收): a new 护理型 bed of a private institution earns the
    # one-off construction subsidy once accepted (Jingdezhen 三.(五).1; benefits unit "bed").
    created_on = models.DateField("建成日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "床位"
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "code"], name="bed_code_unique_in_facility"
            )
        ]
        ordering = ["facility", "code"]

    def __str__(self) -> str:
        return f"{self.facility.name} {self.code}"


class Admission(models.Model):
    """入住/退住: an elder in a bed. One open admission per elder and per bed (enforced in the DB)."""

    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        related_name="admissions",
        verbose_name="老年人",
    )
    bed = models.ForeignKey(
        Bed, on_delete=models.PROTECT, related_name="admissions", verbose_name="床位"
    )
    admitted_on = models.DateField("入住日期")
    discharged_on = models.DateField("退住日期", null=True, blank=True)
    discharge_reason = models.CharField("退住原因", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "入住记录"
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_admission_per_elder",
            ),
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(discharged_on__isnull=True),
                name="one_open_admission_per_bed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} → {self.bed_id} {self.admitted_on}"


class StaffRole(models.TextChoices):
    DIRECTOR = "director", "院长"
    CARER = "carer", "养老护理员"
    SOCIAL_WORKER = "social_worker", "社会工作者"
    DOCTOR = "doctor", "医生"
    NURSE = "nurse", "护士"
    OTHER = "other", "其他"


class CarerLevel(models.TextChoices):
    """养老护理员国家职业技能等级."""

    L5 = "5", "五级/初级工"
    L4 = "4", "四级/中级工"
    L3 = "3", "三级/高级工"
    L2 = "2", "二级/技师"
    L1 = "1", "一级/高级技师"


class Staff(models.Model):
    """从业人员: people working in a facility or for a provider."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number_enc = models.TextField("身份证号（密文）", editable=False)
    id_number_hash = models.CharField(
        "身份证号（检索散列）", max_length=64, db_index=True, editable=False
    )
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    phone_enc = models.TextField("电话（密文）", blank=True, editable=False)
    role = models.CharField("岗位", max_length=20, choices=StaffRole.choices)
    skill_level = models.CharField(
        "护理员技能等级", max_length=2, choices=CarerLevel.choices, blank=True
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name="所在机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name="所在服务商",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    hired_on = models.DateField("入职日期")
    internship_until = models.DateField(
        "见习期满日期",
        null=True,
        blank=True,
        help_text="以见习方式入职的，见习期满之日（见习留用补贴按单位留用率核定）",
    )
    left_on = models.DateField("离职日期", null=True, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name="登录账户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )

    class Meta:
        verbose_name = verbose_name_plural = "从业人员"
        constraints = [
            models.CheckConstraint(
                condition=Q(facility__isnull=False) | Q(provider__isnull=False),
                name="staff_has_employer",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask(pii.decrypt(self.id_number_enc))

    @property
    def phone_masked(self) -> str:
        return mask_phone(pii.decrypt(self.phone_enc)) if self.phone_enc else ""

    @property
    def employer(self):
        return self.facility or self.provider


class Training(models.Model):
    class Kind(models.TextChoices):
        INDUCTION = "induction", "岗前培训"
        DIRECTOR = "director", "院长培训"
        CERTIFICATE = "certificate", "职业资格/技能证书"
        OTHER = "other", "其他培训"

    staff = models.ForeignKey(
        Staff,
        on_delete=models.CASCADE,
        related_name="trainings",
        verbose_name="从业人员",
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("名称", max_length=100)
    completed_on = models.DateField("完成日期")
    certificate_no = models.CharField("证书编号", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训记录"
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return self.title


class Ban(models.Model):
    """从业禁止 (入职查询和从业禁止, Shaoyang 15): a person who may not be hired."""

    name = models.CharField("姓名", max_length=50)
    id_number_enc = models.TextField("身份证号（密文）", editable=False)
    id_number_hash = models.CharField(
        "身份证号（检索散列）", max_length=64, db_index=True, editable=False
    )
    reason = models.CharField("原因", max_length=200)
    source = models.CharField("来源/决定机关", max_length=100)
    start_date = models.DateField("起始日期")
    end_date = models.DateField(
        "终止日期", null=True, blank=True, help_text="为空表示终身禁止"
    )

    class Meta:
        verbose_name = verbose_name_plural = "从业禁止名单"

    def __str__(self) -> str:
        return f"{self.name}：{self.reason}"

    @property
    def id_number_masked(self) -> str:
        return mask(pii.decrypt(self.id_number_enc))
