from django.contrib import admin

from yanglao.core.admin import AuditedAdmin
from yanglao.regions.models import Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "is_urban", "population", "population_60"]
    list_filter = ["level", "is_urban"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]
