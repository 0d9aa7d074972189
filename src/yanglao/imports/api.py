from __future__ import annotations

import datetime as dt

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from yanglao.imports import selectors, services, tasks

router = Router(tags=["数据导入"])


class JobOut(Schema):
    id: int
    kind: str
    file_name: str
    checksum: str
    status: str
    phase: str
    rows_total: int
    rows_done: int
    counts: dict[str, int]
    errors: list[list]
    changes: list[list]
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def job_out(job) -> dict:
    return {f: getattr(job, f) for f in JobOut.model_fields}


@router.post(
    "",
    response={201: JobOut},
    summary="上传文件并检查（不写入）；小文件直接返回检查结果，大文件轮询 GET /imports/{id}",
)
def upload(request, kind: Form[str], file: File[UploadedFile]):
    job = services.import_upload(
        by=request.user, kind=kind, file_name=file.name, data=file.read()
    )
    tasks.check_job.enqueue(job.pk)
    return 201, job_out(selectors.job_get(by=request.user, pk=job.pk))


@router.get("/{int:job_id}", response=JobOut, summary="导入记录：进度、统计、全部错误")
def detail(request, job_id: int):
    return job_out(selectors.job_get(by=request.user, pk=job_id))


@router.post(
    "/{int:job_id}/confirm", response=JobOut, summary="确认导入（整个文件一次写入）"
)
def confirm(request, job_id: int):
    job = services.import_confirm(
        by=request.user, job=selectors.job_get(by=request.user, pk=job_id)
    )
    tasks.run_job.enqueue(job.pk)
    return job_out(selectors.job_get(by=request.user, pk=job_id))


@router.post("/{int:job_id}/cancel", response=JobOut, summary="取消（不写入任何数据）")
def cancel(request, job_id: int):
    job = services.import_cancel(
        by=request.user, job=selectors.job_get(by=request.user, pk=job_id)
    )
    return job_out(job)
