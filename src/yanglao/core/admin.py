from django.contrib import admin

from yanglao.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "summary",
        "ip",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
