"""Put background tasks back in the queue whose worker died while running them.

django-tasks-db marks a task "running" when a worker claims it; if the worker process dies (for
example when PostgreSQL restarts under it, see docs/faults.md), nothing resets it. Run this every
few minutes from cron next to `db_worker`. A task that had already done its work before the crash
(an email already sent) runs again: a rare duplicate is preferred to a lost mail.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Re-queue background tasks stuck in 'running' longer than --minutes (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, **options):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        cutoff = timezone.now() - timedelta(minutes=options["minutes"])
        stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        count = stuck.update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(f"{count} stuck task(s) put back in the queue")
