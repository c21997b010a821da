"""Personal data in models that are not the project's own: the queue of background tasks."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from standortlotse.privacy.registry import Provider, plain, register

MAIL_TASK = "standortlotse.core.mail.send_email_task"


@register
class TaskRowProvider(Provider):
    """Queued and finished mails (address, subject, text) and other task arguments. Runs last:
    it also finds mails that name the person without their address (the inbox notice of an
    inquiry carries the inquirer's name only)."""

    key = "queued_mails"
    label = _("mails and background tasks")
    model = DBTaskResult
    text_fields = ("args_kwargs", "return_value", "traceback")
    order = 900
    uses_identifiers = True

    def find(self, email, identifiers=frozenset(), model=None):
        queryset = DBTaskResult.objects.annotate(
            privacy_args=Cast("args_kwargs", models.TextField()),
            privacy_return=Cast("return_value", models.TextField()),
        )
        condition = Q(privacy_args__icontains=email) | Q(privacy_return__icontains=email) | Q(traceback__icontains=email)
        for identifier in identifiers:
            condition |= Q(privacy_args__icontains=identifier)
        return DBTaskResult.objects.filter(pk__in=queryset.filter(condition).values("pk")).order_by("enqueued_at")

    def export(self, record):
        data = {"task": record.task_path, "status": record.status, "enqueued_at": plain(record.enqueued_at),
                "finished_at": plain(record.finished_at)}
        args = (record.args_kwargs or {}).get("args", [])
        if record.task_path == MAIL_TASK and len(args) >= 3:
            data.update({"to": args[0], "subject": args[1], "text": args[2]})
        else:
            data["arguments"] = record.args_kwargs
        return data
