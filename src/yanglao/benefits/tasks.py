"""Background work of subsidy cycles (django-tasks; run by `yanglao worker`)."""

from __future__ import annotations

from django_tasks import task

from yanglao.benefits import services
from yanglao.benefits.models import Cycle


@task()
def run_cycle(cycle_id: int) -> None:
    if Cycle.objects.filter(pk=cycle_id, status=Cycle.Status.RUNNING).exists():
        services.cycle_run(cycle_id)
