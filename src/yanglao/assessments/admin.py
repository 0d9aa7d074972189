"""Back office: assessment agencies and their assessors (assessments themselves change only
through the workflow, never here)."""

from django.contrib import admin

from yanglao.assessments.models import Agency, Assessor
from yanglao.core.admin import AuditedAdmin
from yanglao.core.permissions import Role


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "region", "licence", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


@admin.register(Assessor)
class AssessorAdmin(AuditedAdmin):
    list_display = ["user", "agency", "certificate", "active"]
    list_filter = ["agency", "active"]
    search_fields = ["user__username", "user__full_name", "certificate"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # An assessor acts as 评估员 within the agency's area.
        obj.user.role, obj.user.region = Role.ASSESSOR, obj.agency.region
        obj.user.save(update_fields=["role", "region"])
        super().save_model(request, obj, form, change)
