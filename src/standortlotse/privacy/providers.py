"""Personal data in models that cannot describe themselves in a ``privacy.py`` of their own: the
queue of background tasks (a third-party model), and back-office accounts (Django's user model),
organisations' addresses and notifications held for a daily summary, which live in
``accounts``, the app below privacy (it imports no app built on it, privacy included)."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from standortlotse.accounts.models import DigestItem, Organisation
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
        condition = (
            Q(privacy_args__icontains=email)
            | Q(privacy_return__icontains=email)
            | Q(traceback__icontains=email)
        )
        for identifier in identifiers:
            condition |= Q(privacy_args__icontains=identifier)
        return DBTaskResult.objects.filter(pk__in=queryset.filter(condition).values("pk")).order_by(
            "enqueued_at"
        )

    def export(self, record):
        data = {
            "task": record.task_path,
            "status": record.status,
            "enqueued_at": plain(record.enqueued_at),
            "finished_at": plain(record.finished_at),
        }
        args = (record.args_kwargs or {}).get("args", [])
        if record.task_path == MAIL_TASK and len(args) >= 3:
            data.update({"to": args[0], "subject": args[1], "text": args[2]})
        else:
            data["arguments"] = record.args_kwargs
        return data


@register
class HeldNotificationProvider(Provider):
    """Staff notifications held for a daily summary (accounts.DigestItem, a day at most): like
    the queued mails, their text may name a person without the address, so they are also found
    by the names found before; the staff member's own are found by their address. Deleted."""

    key = "held_notifications"
    label = _("notifications held for a daily summary")
    model = DigestItem
    text_fields = ("subject", "body")
    export_fields = ("template", "subject", "body", "created_at")
    order = 890
    uses_identifiers = True

    def condition(self, email, identifiers):
        condition = Q(user__email__iexact=email)
        for identifier in identifiers:
            condition |= Q(subject__icontains=identifier) | Q(body__icontains=identifier)
        return condition


@register
class UserAccountProvider(Provider):
    """An account is never deleted (imports, notes and answers keep their author): it is closed
    and keeps no name, address or password."""

    key = "user_accounts"
    label = _("back-office accounts")
    model = get_user_model()
    email_fields = {"email": ("first_name", "last_name")}
    erase_by = "anonymise"

    def condition(self, email, identifiers):
        return Q(username__iexact=email)

    def export(self, user):
        return {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": plain(user.date_joined),
            "last_login": plain(user.last_login),
            "memberships": [str(m) for m in user.memberships.select_related("organisation")],
        }

    def anonymise(self, user, email, also=()):
        self.blank(user, email, also)
        if email in user.get_username().lower():
            user.username = f"erased-{user.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.memberships.all().delete()


@register
class OrganisationAddressProvider(Provider):
    """An organisation is no person; only a personal address used as its address is removed."""

    key = "organisations"
    label = _("organisations' addresses")
    model = Organisation
    email_fields = {"email": ()}
    export_fields = ("name", "email", "phone")
    erase_by = "anonymise"
