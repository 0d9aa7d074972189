from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from yanglao.core import permissions
from yanglao.core.permissions import ROLE_NAMES, Role


class User(AbstractUser):
    """账户: one person's log-in, with the role and the area they act in."""

    role = models.CharField(
        "角色",
        max_length=20,
        choices=[(r.value, n) for r, n in ROLE_NAMES.items()],
        default=Role.COMMUNITY,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="管辖区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="工作人员可见该区域及其下级区域的数据",
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    can_view_full_pii = models.BooleanField("可查看完整身份证号和电话", default=False)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(
            self.role, self.role
        )  # StrEnum keys compare equal to plain strings

    @property
    def may_view_full_pii(self) -> bool:
        return permissions.may_view_full_pii(self)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class ApiToken(models.Model):
    """API bearer token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    # A keyed digest of the password hash and active flag when the token was issued: a password
    # change or a deactivation (in the admin, the CLI, anywhere) makes every earlier token invalid.
    credential_stamp = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌（{self.expires_at:%Y-%m-%d} 到期）"
