from __future__ import annotations

from django.db.models import QuerySet

from yanglao.core.errors import NotInScope
from yanglao.core.scope import sees_everything
from yanglao.imports.models import ImportJob


def job_list(*, by) -> QuerySet[ImportJob]:
    """Import records: one's own (administrators: everybody's). The file itself is not loaded."""
    qs = ImportJob.objects.defer("data", "errors", "changes").select_related(
        "created_by"
    )
    if not sees_everything(by):
        qs = qs.filter(created_by=by)
    return qs.order_by("-created_at", "-id")


def job_get(*, by, pk: int, with_data: bool = False) -> ImportJob:
    qs = ImportJob.objects.select_related("created_by")
    if not with_data:
        qs = qs.defer("data")
    if not sees_everything(by):
        qs = qs.filter(created_by=by)
    job = qs.filter(pk=pk).first()
    if job is None:
        raise NotInScope(pk)
    return job
