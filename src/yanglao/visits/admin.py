from django.contrib import admin

from yanglao.core.admin import AuditedAdmin
from yanglao.visits.models import VisitRule


@admin.register(VisitRule)
class VisitRuleAdmin(AuditedAdmin):
    list_display = [
        "region",
        "name",
        "visits_per_month",
        "min_ability_level",
        "phone_counts",
        "active",
    ]
    list_filter = ["active", "phone_counts"]
    raw_id_fields = ["region"]
