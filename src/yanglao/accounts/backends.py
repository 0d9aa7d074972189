"""Log-in with lock-out after repeated failures (settings.LOCKOUT_ATTEMPTS / LOCKOUT_MINUTES)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.core.audit import audit


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.is_locked():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(
                    failed_logins=0, locked_until=None
                )
            audit(by=user, action="login", obj=user, summary="登录成功")
            return user
        record_failed_login(user)
        return None


def record_failed_login(user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.LOCKOUT_ATTEMPTS:
        until = timezone.now() + dt.timedelta(minutes=settings.LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
    audit(by=user, action="login_failed", obj=user, summary="密码错误")
