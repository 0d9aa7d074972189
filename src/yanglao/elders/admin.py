from django.contrib import admin

from yanglao.core.admin import AuditedAdmin
from yanglao.elders.models import Elder


@admin.register(Elder)
class ElderAdmin(AuditedAdmin):
    """Back-office view: identity numbers stay masked here too; edits go through the web pages."""

    list_display = ["name", "sex", "birth_date", "residence_region", "status"]
    list_filter = ["status", "living_arrangement"]
    search_fields = ["name"]
    readonly_fields = ["id_number_masked", "phone_masked"]
    exclude = ["id_number_enc", "phone_enc"]
    raw_id_fields = ["residence_region", "hukou_region"]

    def has_add_permission(self, request):
        return False
