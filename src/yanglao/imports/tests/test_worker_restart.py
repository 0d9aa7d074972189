"""The background worker survives the death of its task process (issue 20, finding 9): `yanglao
worker` runs the tasks in a memory-capped child; when the child is killed (as the kernel kills a
process out of memory) the jobs it was checking are marked failed with the reason, and a new
child takes the next tasks. Needs a database both processes see: PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from yanglao.imports.models import ImportJob


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def _wait_for(condition, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_task_process_is_replaced_and_its_job_fails_with_the_reason(users):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker and the test share the database: the SQLite test database is in memory"
        )
    job = ImportJob.objects.create(
        kind="elders",
        file_name="名单.xlsx",
        checksum="0" * 64,
        size=1,
        data=b"x",
        created_by=users["bob"],
        status=ImportJob.Status.CHECKING,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "yanglao.cli", "worker"],
        env={**os.environ, "YANGLAO_DATABASE_URL": _database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert _wait_for(lambda: len(_children(worker.pid)) == 1)
        (first,) = _children(worker.pid)
        os.kill(first, signal.SIGKILL)
        assert _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED
        )
        job.refresh_from_db()
        assert "后台任务进程异常退出（信号 9" in job.message
        assert _wait_for(lambda: _children(worker.pid) not in ([], [first]))
    finally:
        worker.terminate()
        worker.wait(30)
    assert worker.returncode == 0
