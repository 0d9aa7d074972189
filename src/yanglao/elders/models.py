from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from yanglao.core import pii
from yanglao.core.idnumber import age_on, mask
from yanglao.core.phone import mask_phone


class LivingArrangement(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    LEFT_BEHIND = "left_behind", "留守"
    WITH_CHILDREN = "with_children", "与子女同住"
    OTHER = "other", "其他"


class CareSetting(models.TextChoices):
    HOME = "home", "居家"
    COMMUNITY = "community", "社区"
    INSTITUTION = "institution", "机构"


class Status(models.TextChoices):
    ACTIVE = "active", "在册"
    MOVED_OUT = "moved_out", "已迁出"
    DECEASED = "deceased", "已死亡"
    MERGED = "merged", "已合并（重复档案）"


class Elder(models.Model):
    """老年人: one older person in the registry (老年人基本信息动态管理数据库)."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    # Written with the name by elders.services.name_index_write (elders.naming).
    name_order = models.CharField(
        "姓名拼音（排序用）", max_length=60, blank=True, editable=False, db_index=True
    )
    id_last4 = models.CharField(
        "身份证号后四位", max_length=4, blank=True, editable=False
    )
    id_number_enc = models.TextField("身份证号（密文）", editable=False)
    id_number_hash = models.CharField(
        "身份证号（检索散列）", max_length=64, unique=True, editable=False
    )
    birth_date = models.DateField("出生日期", db_index=True)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    phone_enc = models.TextField("联系电话（密文）", blank=True, editable=False)
    phone_hash = models.CharField(
        "联系电话（检索散列）", max_length=64, blank=True, db_index=True, editable=False
    )
    hukou_region = models.ForeignKey(
        "regions.Region",
        verbose_name="户籍地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    residence_region = models.ForeignKey(
        "regions.Region",
        verbose_name="现居住社区/村",
        on_delete=models.PROTECT,
        related_name="resident_elders",
    )
    address = models.CharField("现居住地址", max_length=200, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    living_arrangement = models.CharField(
        "居住情况",
        max_length=20,
        choices=LivingArrangement.choices,
        default=LivingArrangement.OTHER,
        db_index=True,
    )
    care_setting = models.CharField(
        "养老方式", max_length=20, choices=CareSetting.choices, default=CareSetting.HOME
    )
    # GB/T 42195-2022 final level 0–4; written by the assessment module (empty until assessed).
    ability_level = models.PositiveSmallIntegerField("能力等级", null=True, blank=True)
    # Changed only by life events (elders.services.life_event_record); the events are the history.
    status = models.CharField(
        "状态",
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
    )
    died_on = models.DateField("死亡日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "老年人"
        # No index leads with status: it has three values, and SQLite would prefer it to the region
        # index for a county's list (bench/RESULTS.md). Scope and filters lead; status is checked.
        indexes = [
            models.Index(fields=["residence_region", "status"]),
            # A name search finds its matches' ids in NameKey, then checks each one's status and
            # scope and sorts them by name: with this index PostgreSQL answers that from the index
            # alone (index-only scans), instead of reading each match's row — for a one-character
            # given name (强: 6,700 keys) 16,000 heap pages, the slow tail of search at full scale.
            models.Index(
                fields=["id", "status", "residence_region", "name_order"],
                name="elder_search_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return pii.decrypt(self.id_number_enc)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def phone(self) -> str:
        return pii.decrypt(self.phone_enc)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone_enc else ""

    def age(self, on: dt.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def is_gaoling(self) -> bool:
        """高龄: aged 80 or over."""
        return self.age() >= 80


class Category(models.TextChoices):
    """困难类别 (hardship categories) kept with effective dates."""

    TEKUN = "tekun", "特困供养"
    DIBAO = "dibao", "低保"
    DIBAO_EDGE = "dibao_edge", "低保边缘/低收入"
    FAMILY_PLANNING = "family_planning", "计划生育特殊家庭"
    YOUFU = "youfu", "重点优抚对象"
    DISABLED = "disabled", "重度残疾"
    DEMENTIA = "dementia", "失智"


class ElderCategory(models.Model):
    elder = models.ForeignKey(
        Elder,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name="老年人",
    )
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("终止日期", null=True, blank=True)
    grade = models.CharField(
        "残疾等级/证明",
        max_length=30,
        blank=True,
        help_text="重度残疾的残疾证等级，失智的诊断依据",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    # When the row last changed: a subsidy cycle re-checks earlier months of people whose
    # categories changed after those months were paid (back-pay and recovery, issue 6 §4).
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    class Meta:
        verbose_name = verbose_name_plural = "困难类别"
        indexes = [models.Index(fields=["category", "end_date"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.start_date}—{self.end_date or ''}"

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)


class NameKey(models.Model):
    """One search key of a person's name (elders.naming.search_keys): "name contains x", pinyin and
    initials become a prefix range on `key`."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)

    class Meta:
        verbose_name = verbose_name_plural = "姓名检索键"
        # The key with the person's id: a prefix search (core.search.name_prefix_q: LIKE 'x%' on
        # PostgreSQL, which needs varchar_pattern_ops; a range on SQLite) reads the ids from the
        # index alone rather than from keys scattered over the table (20 pages instead of 3,700).
        indexes = [
            models.Index(
                fields=["key", "elder"],
                name="namekey_key_elder",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.key


class Contact(models.Model):
    """家属联系人/监护人."""

    elder = models.ForeignKey(
        Elder, on_delete=models.CASCADE, related_name="contacts", verbose_name="老年人"
    )
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("关系", max_length=20)
    phone_enc = models.TextField("电话（密文）", editable=False)
    phone_hash = models.CharField(
        "电话（检索散列）", max_length=64, db_index=True, editable=False
    )
    is_emergency = models.BooleanField("紧急联系人", default=False)
    is_guardian = models.BooleanField("监护人", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "联系人"

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）"

    @property
    def phone(self) -> str:
        return pii.decrypt(self.phone_enc)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class LifeEvent(models.Model):
    """生活事件 (迁入/迁出/死亡/出院): never deleted; they drive the elder's status, and a move-in
    or a hospital discharge makes an 即时评估 due (assessments.selectors)."""

    class Kind(models.TextChoices):
        MOVE_IN = "move_in", "迁入"
        MOVE_OUT = "move_out", "迁出"
        DEATH = "death", "死亡"
        DISCHARGE = "discharge", "出院"

    elder = models.ForeignKey(
        Elder, on_delete=models.PROTECT, related_name="events", verbose_name="老年人"
    )
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="迁入/迁出地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField("信息来源", max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "生活事件"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def delete(self, *args, **kwargs):
        raise RuntimeError("生活事件不可删除")
