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
