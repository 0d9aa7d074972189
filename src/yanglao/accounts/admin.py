from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yanglao.accounts.models import User
from yanglao.core.admin import AuditedAdmin
from yanglao.core.audit import audit
from yanglao.core.models import AuditEntry


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "role",
        "region",
        "is_active",
        "locked_until",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["region"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "角色与管辖范围",
            {
                "fields": [
                    "role",
                    "region",
                    "full_name",
                    "can_view_full_pii",
                    "failed_logins",
                    "locked_until",
                ]
            },
        ),
    )

    def log_change(self, request, obj, message):
        """The admin's own password page saves outside save_model: audit it here (no values)."""
        if "password" in str(message):
            audit(
                by=request.user,
                action=AuditEntry.Action.UPDATE,
                obj=obj,
                summary=f"后台管理重设 {obj.username} 的密码（其 API 令牌随之失效）",
            )
        return super().log_change(request, obj, message)
