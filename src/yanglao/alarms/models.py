"""智能终端与紧急呼叫: terminals bound to older people, their telemetry, alarms and how each
alarm was handled (Baoshan 15 "智能终端+人工服务"; Jingdezhen 一键呼救; Litong 可视对讲)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yanglao.alarms.adapters import VENDORS
from yanglao.alarms.rules import KINDS, SEVERITY_NAMES

# Exactly one of a person and an institution (bindings and alarms).
ONE_SUBJECT = Q(elder__isnull=False, facility__isnull=True) | Q(
    elder__isnull=True, facility__isnull=False
)

FACILITY_DETECTOR_TYPES = ("smoke", "gas")


class DeviceType(models.TextChoices):
    SOS_PAGER = "sos_pager", "一键呼叫器"
    WATCH = "watch", "智能手表/手环"
    BP_MONITOR = "bp_monitor", "血压计"
    FALL_RADAR = "fall_radar", "跌倒检测雷达"
    SMOKE = "smoke", "烟感探测器"
    GAS = "gas", "燃气探测器"
    ACTIVITY = "activity", "门磁/活动传感器"
    INTERCOM = "intercom", "可视对讲"


class Gateway(models.Model):
    """厂商网关: a vendor's platform that forwards many devices' messages in one request."""

    code = models.CharField("网关编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    vendor = models.CharField("消息格式", max_length=20, choices=list(VENDORS.items()))
    secret_hash = models.CharField(max_length=64, editable=False)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区域", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "厂商网关"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Device(models.Model):
    """智能终端: one terminal, the older person it serves and its last known status."""

    serial = models.CharField("设备编号", max_length=40, unique=True)
    type = models.CharField("类型", max_length=20, choices=DeviceType.choices)
    vendor = models.CharField(
        "消息格式", max_length=20, choices=list(VENDORS.items()), default="yanglao"
    )
    model = models.CharField("型号", max_length=60, blank=True)
    gateway = models.ForeignKey(
        Gateway,
        verbose_name="厂商网关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        help_text="绑定老人后为其居住地",
    )
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="绑定老人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="安装机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detectors",
        help_text="安装在养老机构的烟感、燃气探测器绑定机构而非个人",
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_seen_ms = models.BigIntegerField(
        "最近通信（毫秒时间戳）", null=True, blank=True
    )
    last_activity_ms = models.BigIntegerField("最近活动", null=True, blank=True)
    battery = models.PositiveSmallIntegerField("电量（%）", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    lng = models.FloatField("经度", null=True, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "智能终端"
        indexes = [models.Index(fields=["region", "type"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(elder__isnull=True) | Q(facility__isnull=True),
                name="device_bound_to_a_person_or_a_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.serial}"

    @property
    def last_seen(self):
        if self.last_seen_ms is None:
            return None
        import datetime as dt

        return dt.datetime.fromtimestamp(self.last_seen_ms / 1000, tz=dt.UTC)

    def is_online(self, now_ms: int, offline_minutes: int = 30) -> bool:
        return (
            self.last_seen_ms is not None
            and now_ms - self.last_seen_ms <= offline_minutes * 60_000
        )


class Binding(models.Model):
    """绑定记录: who bound a terminal to whom, and when it was unbound."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="bindings"
    )
    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="机构",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bound_at = models.DateTimeField("绑定时间", default=timezone.now)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unbound_at = models.DateTimeField("解绑时间", null=True, blank=True)
    unbound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "绑定记录"
        ordering = ["-bound_at"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="binding_to_a_person_or_a_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.elder_id or self.facility_id}"


class Threshold(models.Model):
    """个人报警阈值: a clinician's limits for one person, overriding the defaults."""

    elder = models.OneToOneField(
        "elders.Elder", on_delete=models.CASCADE, related_name="alarm_threshold"
    )
    values = models.JSONField("阈值", default=dict)
    note = models.CharField("依据", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人报警阈值"

    def __str__(self) -> str:
        return f"{self.elder_id} 的报警阈值"


class Reading(models.Model):
    """读数: one value a device reported, kept for the person's history (retention in settings).

    Times are epoch milliseconds (device time and arrival), the same on SQLite and PostgreSQL and
    cheap to write at tens of thousands per second. (device, msg_id, metric) is unique: a resent
    message is recognised and stored once."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: the unique (device, msg_id, metric) and the (device, metric, ts_ms)
    # indexes both begin with it, and each index costs every one of 20,000 inserts a second.
    device = models.ForeignKey(
        Device,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    msg_id = models.CharField(max_length=64)
    metric = models.PositiveSmallIntegerField()
    ts_ms = models.BigIntegerField()
    received_ms = models.BigIntegerField()
    value = models.FloatField()
    value2 = models.FloatField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "终端读数"
        constraints = [
            models.UniqueConstraint(
                fields=["device", "msg_id", "metric"], name="reading_once"
            )
        ]
        indexes = [models.Index(fields=["device", "metric", "ts_ms"])]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.msg_id}/{self.metric}"


class Quarantine(models.Model):
    """被拒消息: what ingest refused, with the reason, for the vendor to be told."""

    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    source = models.CharField("来源", max_length=10)
    serial = models.CharField("设备/网关", max_length=64, blank=True)
    msg_id = models.CharField("消息编号", max_length=64, blank=True)
    reason = models.CharField("原因", max_length=300)
    payload = models.TextField("原文（截断）", blank=True)
    remote = models.CharField("来源地址", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "被拒消息"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.serial} {self.reason}"


class AlarmStatus(models.TextChoices):
    NEW = "new", "待接警"
    ACKNOWLEDGED = "acknowledged", "已接警"
    IN_PROGRESS = "in_progress", "处置中"
    RESOLVED = "resolved", "已办结"


OPEN_STATUSES = [AlarmStatus.NEW, AlarmStatus.ACKNOWLEDGED, AlarmStatus.IN_PROGRESS]


class Outcome(models.TextChoices):
    REAL = "real", "真实紧急，已处置"
    FALSE_ALARM = "false_alarm", "误报"
    DEVICE_FAULT = "device_fault", "设备故障"
    NO_NEED = "no_need", "无需处置（老人确认安全）"
    REFERRED = "referred", "已转 120/110"
    DUPLICATE = "duplicate", "重复报警"


class Alarm(models.Model):
    """告警: one open alarm per person (or, for an institution's fire detectors, per institution)
    and kind; repeats update it (signals, last_signal_at)."""

    elder = models.ForeignKey(
        "elders.Elder",
        verbose_name="老人",
        null=True,
        on_delete=models.PROTECT,
        related_name="alarms",
    )
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="机构",
        null=True,
        on_delete=models.PROTECT,
        related_name="alarms",
    )
    device = models.ForeignKey(
        Device,
        verbose_name="终端",
        null=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="区域",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        "类型", max_length=20, choices=[(k, v[0]) for k, v in KINDS.items()]
    )
    severity = models.CharField(
        "级别", max_length=10, choices=list(SEVERITY_NAMES.items())
    )
    status = models.CharField(
        "状态", max_length=15, choices=AlarmStatus.choices, default=AlarmStatus.NEW
    )
    text = models.CharField("内容", max_length=200)
    raised_at = models.DateTimeField("报警时间", default=timezone.now, db_index=True)
    signal_ts_ms = models.BigIntegerField("设备发出时间（毫秒）", null=True)
    last_signal_at = models.DateTimeField("最近一次信号", default=timezone.now)
    signals = models.PositiveIntegerField("信号次数", default=1)
    acknowledged_at = models.DateTimeField("接警时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        "处置结果", max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_note = models.CharField("办结说明", max_length=300, blank=True)
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
    escalation_reason = models.CharField("升级原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "告警"
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "kind"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_alarm_per_elder_and_kind",
            ),
            models.UniqueConstraint(
                fields=["facility", "kind"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_alarm_per_facility_and_kind",
            ),
            models.CheckConstraint(
                condition=ONE_SUBJECT,
                name="alarm_about_a_person_or_a_facility",
            ),
        ]
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_name}"

    @property
    def subject_name(self) -> str:
        """Whom the alarm is about: the person, or the institution its detector is installed in."""
        return self.elder.name if self.elder_id else self.facility.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def seconds_to_acknowledge(self) -> float | None:
        if not self.acknowledged_at:
            return None
        return (self.acknowledged_at - self.raised_at).total_seconds()


class Action(models.TextChoices):
    CALL_ELDER = "call_elder", "致电老人"
    CALL_FAMILY = "call_family", "致电家属"
    CALL_FACILITY = "call_facility", "致电机构值班电话"
    DISPATCH = "dispatch", "派社区工作人员/护理员上门"
    CALL_120 = "call_120", "呼叫 120"
    CALL_110 = "call_110", "呼叫 110/119"
    VIDEO = "video", "可视对讲"
    NOTE = "note", "备注"


class AlarmEvent(models.Model):
    """处置记录: every change of an alarm, with who and when — also the console's push stream."""

    class Kind(models.TextChoices):
        RAISED = "raised", "报警"
        REPEATED = "repeated", "重复信号"
        ACKNOWLEDGED = "acknowledged", "接警"
        ACTION = "action", "处置"
        ESCALATED = "escalated", "升级"
        RESOLVED = "resolved", "办结"
        NOTIFIED = "notified", "通知家属"

    id = models.BigAutoField(primary_key=True)
    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("事件", max_length=15, choices=Kind.choices)
    action = models.CharField(
        "处置方式", max_length=15, choices=Action.choices, blank=True
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    device = models.ForeignKey(
        Device,
        verbose_name="信号来自终端",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    msg_id = models.CharField("消息编号", max_length=64, blank=True)
    signal_ts_ms = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "处置记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """通知: a message to a family contact about an alarm, through the configured gateway."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        LOGGED = "logged", "已记录（未接短信网关）"
        FAILED = "failed", "发送失败"

    alarm = models.ForeignKey(
        Alarm, on_delete=models.CASCADE, related_name="notifications"
    )
    contact = models.ForeignKey(
        "elders.Contact", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField("接收人", max_length=80)
    channel = models.CharField("渠道", max_length=20, default="sms")
    text = models.CharField("内容", max_length=300)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    detail = models.CharField("回执", max_length=200, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "家属通知"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.recipient}：{self.text}"


class OperatorPresence(models.Model):
    """在岗: an operator with the console open (its push stream beats every few seconds)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    last_seen_at = models.DateTimeField()
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} 在岗"
