from __future__ import annotations

from django.contrib.auth import views as auth_views

from yanglao.accounts.forms import LoginForm
from yanglao.accounts.services import api_tokens_revoke_all


class LogoutView(auth_views.LogoutView):
    """退出: ends the session and revokes the user's API tokens (log out everywhere)."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            api_tokens_revoke_all(user=request.user, reason="退出登录")
        return super().post(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
