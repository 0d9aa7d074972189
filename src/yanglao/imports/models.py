"""导入记录: one uploaded file, its check (preview) and its import. The file itself is kept with
the record (so a worker on another machine can read it and the import can be audited later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "已上传"
        CHECKING = "checking", "检查中"
        CHECKED = "checked", "检查完成"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    kind = models.CharField("数据类型", max_length=30)
    file_name = models.CharField("文件名", max_length=200)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("大小（字节）")
    data = models.BinaryField("文件内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    phase = models.CharField("当前步骤", max_length=40, blank=True)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    # {"new": n, "updated": n, "unchanged": n, "errors": n}
    counts = models.JSONField("统计", default=dict, blank=True)
    # [[sheet, row, column, value, reason], …] (all of them; the page shows them paginated)
    errors = models.JSONField("错误", default=list, blank=True)
    # [[row, "姓名", ["联系电话", "现居住社区/村"]], …]: what an import would change
    changes = models.JSONField("变更明细", default=list, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    checked_at = models.DateTimeField("检查完成时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认导入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.CHECKED, self.Status.DONE):
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute without a start: most likely no worker is running."""

        return (
            self.status == self.Status.UPLOADED
            and (timezone.now() - self.created_at).total_seconds() > 60
        )

    @property
    def running(self) -> bool:
        return self.status in (
            self.Status.UPLOADED,
            self.Status.CHECKING,
            self.Status.IMPORTING,
        )
