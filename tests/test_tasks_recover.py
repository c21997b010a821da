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
    DBTaskResult.objects.filter(id=fresh_id).update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    call_command("tasks_recover", "--minutes", "30")
    assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(id=fresh_id).status == TaskResultStatus.RUNNING  # still working
