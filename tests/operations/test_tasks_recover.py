"""Tasks left 'running' by a worker that died are put back in the queue."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_stuck_running_tasks_are_requeued(settings):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from standortlotse.core.mail import send_email_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queue, don't run
    result = send_email_task.enqueue(["a@example.org"], "s", "b", 1, None)
    row = DBTaskResult.objects.get(id=result.id)
    stale = DBTaskResult.objects.filter(pk=row.pk)
    stale.update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1))
    fresh_id = send_email_task.enqueue(["b@example.org"], "s", "b", 1, None).id
    DBTaskResult.objects.filter(id=fresh_id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    call_command("tasks_recover", "--minutes", "30")
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(id=fresh_id).status == TaskResultStatus.RUNNING  # still working


def test_documented_pruning_removes_old_finished_mail_tasks(settings):
    """The cron line of docs/deployment.md: finished mail tasks (they hold addresses and texts)
    go after 7 days, failed ones after 30; queued and running ones stay."""
    import re
    import shlex
    from pathlib import Path

    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from standortlotse.core.mail import send_email_task

    line = next(
        text
        for text in (Path(__file__).resolve().parents[2] / "docs" / "deployment.md")
        .read_text()
        .splitlines()
        if "prune_db_task_results" in text and text[:1].isdigit()
    )
    arguments = shlex.split(re.sub(r"^.*?standortlotse-env ", "", line))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    rows = {}
    for name, status, age_days in [
        ("old_sent", TaskResultStatus.SUCCESSFUL, 8),
        ("new_sent", TaskResultStatus.SUCCESSFUL, 2),
        ("old_failed", TaskResultStatus.FAILED, 31),
        ("young_failed", TaskResultStatus.FAILED, 8),
        ("queued", TaskResultStatus.READY, 40),
        ("running", TaskResultStatus.RUNNING, 40),
    ]:
        rows[name] = send_email_task.enqueue([f"{name}@example.org"], "s", "b", 1, None).id
        finished = now - timedelta(days=age_days)
        DBTaskResult.objects.filter(id=rows[name]).update(
            status=status,
            enqueued_at=finished,
            started_at=finished,
            finished_at=finished
            if status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
            else None,
        )
    call_command(*arguments)
    left = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert {name for name, pk in rows.items() if pk in left} == {
        "new_sent",
        "young_failed",
        "queued",
        "running",
    }
