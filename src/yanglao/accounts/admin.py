from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yanglao.accounts.models import User
from yanglao.core.admin import AuditedAdmin


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
