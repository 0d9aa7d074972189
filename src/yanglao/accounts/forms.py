from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from yanglao.accounts.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续多次错误后账户将被暂时锁定。",
        "inactive": "该账户已停用。",
        "locked": "该账户因多次密码错误已被锁定，请于 %(minutes)s 分钟后再试，或联系系统管理员。",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and user.is_locked():
            minutes = max(
                1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1
            )
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": minutes},
            )
        return super().clean()
