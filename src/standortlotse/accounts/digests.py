"""The daily summary of staff notifications, for staff who chose it in "My settings"
(StaffPreference.delivery = daily).

``recipients.queue_staff_email`` hands its addresses to ``hold``: the address of an active user
who chose the summary gets no mail now; the notification is rendered in that user's language
and kept as a DigestItem (in the caller's transaction, like any queued mail). Everybody else,
and an organisation's own address, gets the mail at once. ``send_digests`` (the management
command ``send_staff_digests``, run daily by cron, or the task ``send_digests_task``) queues one
mail per user with everything held for them, in their language, and deletes what it sent.

Urgent mails are never held: new inquiries (somebody waits for an answer, and the time to the
first answer is counted), an inquiry sent to the contact person named on a property (it is the
message itself, to be answered by replying) and a published record taken offline because its
owner refused consent; nor is any mail with a Reply-To (it is meant to be answered). Held are the
notices about work that can wait a day: places to review, proposed changes, new investor cases.
"""

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django_tasks import task

from standortlotse.accounts.models import DigestItem, StaffPreference
from standortlotse.core.mail import queue_email, render_email

URGENT_TEMPLATES = frozenset(
    {
        "inquiries/email/new",
        "inquiries/email/for_property",
        "properties/email/consent_refused",
    }
)

Delivery = StaffPreference.Delivery


def may_hold(template: str, *, urgent: bool = False, reply_to=None) -> bool:
    """Whether a staff notification may wait for the daily summary at all."""
    return not (urgent or reply_to or template in URGENT_TEMPLATES)


def summary_readers(addresses) -> dict[str, Any]:
    """The addresses (as given) whose owner reads notifications as a daily summary, each with
    that user. An address is a user's when an active user has it (regardless of case); several
    users with one address: the earliest created decides, as for the language."""
    spelling: dict[str, str] = {}
    for address in addresses:
        if address and address.strip():
            spelling.setdefault(address.strip().lower(), address)
    if not spelling:
        return {}
    owners: dict[str, Any] = {}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(address=Lower("email"))
        .filter(address__in=list(spelling))
        .select_related("staff_preference")
        .order_by("pk")
    )
    for user in users:
        owners.setdefault(user.address, user)
    return {
        spelling[key]: user
        for key, user in owners.items()
        if hasattr(user, "staff_preference") and user.staff_preference.delivery == Delivery.DAILY
    }


def hold(addresses, template: str, context: dict) -> list[str]:
    """Keep the notification for each summary reader among ``addresses`` (rendered in their
    language); returns the addresses that still get the mail now."""
    readers = summary_readers(addresses)
    for user in readers.values():
        language = user.staff_preference.language
        with translation.override(language):
            subject, body = render_email(template, context)
        DigestItem.objects.create(
            user=user, template=template, language=language, subject=subject[:300], body=body
        )
    held = {address.strip().lower() for address in readers}
    return [address for address in addresses if (address or "").strip().lower() not in held]


def grouped(items) -> dict[int, list[DigestItem]]:
    """Items by user id, in the order they happened: one summary per user."""
    groups: dict[int, list[DigestItem]] = defaultdict(list)
    for item in sorted(items, key=lambda item: (item.created_at, item.pk or 0)):
        groups[item.user_id].append(item)
    return dict(groups)


def _summarise(user, items) -> bool:
    """Queue one summary mail of ``items`` to ``user`` in their language (False: nobody to
    send it to any more; the items go anyway)."""
    if not user.is_active or not user.email.strip():
        return False
    preference = getattr(user, "staff_preference", None)
    language = preference.language if preference else items[-1].language
    with translation.override(language):
        queue_email(user.email, "accounts/email/digest", {"user": user, "items": items})
    return True


def _send(items_query) -> int:
    with transaction.atomic():
        # Rows another run has locked are left to it: no summary is sent twice.
        items = list(
            items_query.select_for_update(skip_locked=True, of=("self",)).select_related(
                "user__staff_preference"
            )
        )
        sent = sum(_summarise(held[0].user, held) for held in grouped(items).values())
        DigestItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    return sent


def send_digests() -> int:
    """One summary mail per user with held notifications, queued in one transaction (the mails
    go once it commits); returns how many were queued."""
    return _send(DigestItem.objects.all())


def send_for(user) -> int:
    """Send what is held for ``user`` now (when they switch back to single mails)."""
    return _send(DigestItem.objects.filter(user=user))


@task()
def send_digests_task() -> int:
    return send_digests()
