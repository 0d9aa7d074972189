"""Every write of the import workflow: upload → check (preview, nothing written) → confirm →
import (one transaction: the whole file or nothing) or cancel. Large files are checked and
imported by the worker (tasks.py); progress is kept on the job for the page to show."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yanglao.core.audit import audit
from yanglao.core.errors import ValidationFailed
from yanglao.core.tabular import TableError, check_shape, open_table
from yanglao.imports.kinds import KINDS, kind_for
from yanglao.imports.models import ImportJob

MAX_BYTES = 50 * 1024 * 1024
Status = ImportJob.Status
WAITING = "等待导入"  # the phase of a confirmed job before the worker takes it


def import_upload(*, by, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Store an uploaded file as a job, after every check that needs no parsing: the kind, the
    user's right to import it, the size, and the workbook's shape (sheet dimensions and
    decompressed size: core.tabular.check_shape), so that nothing a worker cannot read is kept."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = (
            f"不支持的导入类型（可选：{'、'.join(k.label for k in KINDS.values())}）"
        )
    elif not KINDS[kind].allowed(by):
        raise ValidationFailed({"kind": f"您的角色不能导入{KINDS[kind].label}"})
    if not data:
        errors["file"] = "文件是空的"
    elif len(data) > MAX_BYTES:
        errors["file"] = f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请分批导入"
    else:
        try:
            check_shape(data, file_name)
        except TableError as exc:
            errors["file"] = exc.reason
    if errors:
        raise ValidationFailed(errors)
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:200],
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        created_by=by,
    )
    audit(by=by, action="event", obj=job, summary=f"上传导入文件 {job.file_name}")
    return job


def _progress(job: ImportJob, phase: str):
    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, phase=phase)

    return report


def _check(job: ImportJob, by, phase: str):
    """Read and check the whole file; returns the outcome (nothing written)."""
    kind = kind_for(job.kind)
    try:
        table = open_table(bytes(job.data), job.file_name)
    except TableError as exc:
        return kind, None, exc.reason
    job.rows_total, job.rows_done, job.phase = table.total_rows or 0, 0, phase
    job.save(update_fields=["rows_total", "rows_done", "phase"])
    try:
        outcome = kind.check(by=by, table=table, progress=_progress(job, phase))
    except ValidationFailed as exc:
        return kind, None, "；".join(exc.errors.values())
    return kind, outcome, ""


def import_check(*, job: ImportJob) -> ImportJob:
    """检查 (preview): counts and every error; nothing is written."""
    _check_into(job)
    return job


def import_now(*, by, job: ImportJob) -> ImportJob:
    """Check and, when the file has no error, import it at once in the same pass (the command
    line, where nobody looks at a preview in between): one read of the file instead of two."""
    kind, outcome = _check_into(job)
    if job.status != Status.CHECKED or job.errors:
        return job
    job.confirmed_by = by
    return _write(job, kind, outcome, by)


def _check_into(job: ImportJob):
    job.status = Status.CHECKING
    job.save(update_fields=["status"])
    kind, outcome, problem = _check(job, job.created_by, "检查数据")
    job.checked_at = timezone.now()
    if problem:
        job.status, job.message, job.counts, job.errors = (
            Status.FAILED,
            problem[:300],
            {},
            [],
        )
    else:
        job.status, job.counts = Status.CHECKED, outcome.counts
        job.errors, job.changes = outcome.errors, outcome.changes
        job.message = (
            f"有 {len(outcome.errors)} 处错误，请修改文件后重新上传"
            if outcome.errors
            else "检查通过，确认后导入"
        )
    job.rows_done = job.rows_total
    job.save()
    return kind, outcome


def import_confirm(*, by, job: ImportJob) -> ImportJob:
    if job.created_by_id != by.pk and not by.is_superuser:
        raise ValidationFailed({"__all__": "只有上传人可以确认导入"})
    if job.status != Status.CHECKED or job.errors:
        raise ValidationFailed({"__all__": "只有检查通过、没有错误的文件可以导入"})
    job.status, job.confirmed_by, job.phase = Status.IMPORTING, by, WAITING
    job.save(update_fields=["status", "confirmed_by", "phase"])
    return job


def import_run(*, job: ImportJob) -> ImportJob:
    """导入: check the file again against the registry as it is now, then write everything in
    one transaction. Any problem (a new error, a failure while writing) leaves the database
    exactly as it was."""
    by = job.confirmed_by or job.created_by
    kind, outcome, problem = _check(job, by, "再次检查")
    if not problem and outcome.errors:
        problem = f"数据在检查后已有变化，出现 {len(outcome.errors)} 处错误；未导入任何数据，请重新上传"
        job.errors = outcome.errors
    if problem:
        job.status, job.message, job.finished_at = (
            Status.FAILED,
            problem[:300],
            timezone.now(),
        )
        job.save()
        return job
    return _write(job, kind, outcome, by)


def _write(job: ImportJob, kind, outcome, by) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(phase="写入数据库")
    try:
        with transaction.atomic():
            kind.write(by=by, outcome=outcome)
            audit(
                by=by,
                action="event",
                obj=job,
                summary=f"导入{kind.label} {job.file_name}：新增{outcome.new}，更新{outcome.updated}，未变{outcome.unchanged}",
            )
    except Exception as exc:  # noqa: BLE001 — whatever failed, nothing was written
        job.status, job.finished_at = Status.FAILED, timezone.now()
        job.message = f"写入失败，未导入任何数据：{type(exc).__name__}"
        job.save()
        raise
    job.status, job.counts, job.changes = Status.DONE, outcome.counts, outcome.changes
    job.phase, job.finished_at, job.message = "", timezone.now(), "导入完成"
    job.save()
    return job


def import_jobs_interrupted(*, reason: str) -> int:
    """Jobs left checking or importing by a worker that died: failed, with the reason (the
    import's transaction died with the worker, so nothing of it was written)."""
    started = Q(status=Status.CHECKING) | (
        Q(status=Status.IMPORTING)
        & ~Q(phase=WAITING)  # queued, not begun: still to run
    )
    return ImportJob.objects.filter(started).update(
        status=Status.FAILED, message=reason[:300], finished_at=timezone.now()
    )


def import_cancel(*, by, job: ImportJob) -> ImportJob:
    if job.created_by_id != by.pk and not by.is_superuser:
        raise ValidationFailed({"__all__": "只有上传人可以取消"})
    if job.status in (Status.DONE, Status.IMPORTING, Status.CANCELLED):
        raise ValidationFailed({"__all__": f"导入{job.get_status_display()}，不能取消"})
    job.status, job.finished_at, job.message = (
        Status.CANCELLED,
        timezone.now(),
        "已取消，未导入任何数据",
    )
    job.save(update_fields=["status", "finished_at", "message"])
    return job
