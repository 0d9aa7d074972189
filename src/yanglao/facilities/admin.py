from django.contrib import admin

from yanglao.core.admin import AuditedAdmin
from yanglao.facilities.models import Facility, Provider


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ["name", "type", "ownership", "region"]
    list_filter = ["type", "ownership"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    list_display = ["name", "region", "credit_code"]
    raw_id_fields = ["region"]
