"""Background work of imports (django-tasks; run by `yanglao worker`)."""

from __future__ import annotations

from django_tasks import task

from yanglao.imports import services
from yanglao.imports.models import ImportJob


@task()
def check_job(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportJob.Status.UPLOADED:
        services.import_check(job=job)


@task()
def run_job(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportJob.Status.IMPORTING:
        services.import_run(job=job)
