from django.contrib import admin

from yanglao.core.audit import audit, audit_create, audit_update, snapshot
from yanglao.core.models import AuditEntry


class RowsById:
    """Every foreign key is picked by id (a raw-id box with a look-up), never by a dropdown of
    the other table's rows: the registry's 300,000 people in one <select> took seconds (issue 21;
    core/tests/test_admin_picks_rows_by_id.py)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        related = [
            f.name
            for f in model._meta.get_fields()
            if (f.many_to_one or f.many_to_many) and f.concrete and not f.auto_created
        ]
        self.raw_id_fields = tuple(dict.fromkeys([*self.raw_id_fields, *related]))


class AuditedAdmin(RowsById, admin.ModelAdmin):
    """Back-office edits go into the platform's audit log like every other write (issue 20,
    finding 4): who, on what, the values before and after. Every ModelAdmin of the platform
    derives from this (core/tests/test_admin_audit.py checks the registry)."""

    def save_model(self, request, obj, form, change):
        before = (
            snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        super().save_model(request, obj, form, change)
        if before is None:
            audit_create(by=request.user, obj=obj, summary="后台管理新增")
        else:
            audit_update(
                by=request.user, obj=obj, before=before, summary="后台管理修改"
            )

    def delete_model(self, request, obj):
        _audit_delete(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _audit_delete(request.user, obj)
        super().delete_queryset(request, queryset)


def _audit_delete(by, obj) -> None:
    audit(
        by=by,
        action=AuditEntry.Action.DELETE,
        obj=obj,
        summary=f"后台管理删除 {obj}"[:300],
        before=snapshot(obj),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(RowsById, admin.ModelAdmin):
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
