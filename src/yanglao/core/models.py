from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """审计日志: who did what to which record, when and from where. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        VIEW_PII = "view_pii", "查看完整个人信息"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        EVENT = "event", "业务事件"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.summary}"

    def save(self, *args, **kwargs):
        # The audit log is append-only: an entry, once written, is never changed.
        if self.pk is not None:
            raise RuntimeError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计日志不可删除")
