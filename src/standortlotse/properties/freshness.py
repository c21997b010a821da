"""How current the register is, and reminders to keep it so.

A published property is *current* while its verified-on date is younger than
``PROPERTY_REMINDER_DAYS`` (default six months). After that its editors get a reminder email
(again after each further period while nothing happens). After ``PROPERTY_FLAG_DAYS`` more it is
*not confirmed*: the public pages say so and moderators find it in their list. Nothing is
unpublished automatically. ``manage.py property_reminders`` runs the reminders (daily cron).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from standortlotse.accounts import policy
from standortlotse.accounts.recipients import editors_of_municipality, mail_languages
from standortlotse.core.mail import queue_email
from standortlotse.properties.models import Property, flag_before, reminder_before


@dataclass(frozen=True)
class Staleness:
    """How current one record is, as every list of the back office shows it: a level (for the
    colour), its name and a sentence (so that it never rests on the colour alone).

    ``fresh``: confirmed within the reminder period; ``aging``: the reminder is due; ``stale``:
    not confirmed for longer (a published record says "not confirmed" publicly). A record never
    confirmed counts from its publication, a draft from its creation (``Property.not_confirmed``
    is the same rule for published records)."""

    level: str
    since: date | None
    months: int
    verified: bool

    LEVELS = {
        "fresh": _("current"),
        "aging": _("confirmation due"),
        "stale": _("out of date"),
    }

    @property
    def label(self) -> str:
        return str(self.LEVELS[self.level])

    @property
    def text(self) -> str:
        if self.level == "fresh":
            if not self.months:
                return str(_("confirmed this month") if self.verified else _("new this month"))
            return ngettext(
                "confirmed %(count)d month ago",
                "confirmed %(count)d months ago",
                self.months,
            ) % {"count": self.months}
        if not self.verified:
            return ngettext(
                "never confirmed, for %(count)d month",
                "never confirmed, for %(count)d months",
                self.months,
            ) % {"count": self.months}
        return ngettext(
            "not confirmed for %(count)d month",
            "not confirmed for %(count)d months",
            self.months,
        ) % {"count": self.months}


def _months(since: date, today: date) -> int:
    """Whole months from ``since`` to ``today`` (calendar months, the day counted)."""
    months = (today.year - since.year) * 12 + today.month - since.month
    if today.day < since.day:
        months -= 1
    return max(months, 0)


def staleness(prop: Property, today: date | None = None) -> Staleness:
    today = today or timezone.localdate()
    since = prop.verified_on
    if since is None:
        started = prop.published_at or prop.created_at
        since = timezone.localdate(started) if started else today
    undated = prop.is_public and prop.verified_on is None and prop.published_at is None
    if undated or since < flag_before(today):
        level = "stale"  # a published record without any date is "not confirmed" publicly too
    elif since < reminder_before(today):
        level = "aging"
    else:
        level = "fresh"
    return Staleness(level, prop.verified_on, _months(since, today), prop.verified_on is not None)


def _unconfirmed_since(before: date) -> Q:
    """Not confirmed since ``before``: confirmed earlier, or never and published earlier (or
    without a publication date) — the rule of ``Property.not_confirmed``."""
    start = timezone.make_aware(datetime.combine(before, time.min))
    never = Q(verified_on__isnull=True) & (Q(published_at__isnull=True) | Q(published_at__lt=start))
    return never | Q(verified_on__lt=before)


def due_for_reminder(today: date | None = None):
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    )
    resend = now - timedelta(days=settings.PROPERTY_REMINDER_DAYS)
    return (
        Property.objects.published()
        .filter(_unconfirmed_since(reminder_before(today)))
        .filter(Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=resend))
        .select_related("municipality__district")
    )


def send_reminders(today: date | None = None) -> int:
    """One email per editor listing their records that need confirming; returns mails queued."""
    by_recipient: dict[str, list[Property]] = defaultdict(list)
    due = list(due_for_reminder(today))
    recipients_cache: dict[int, list[str]] = {}
    for prop in due:
        if prop.municipality_id not in recipients_cache:
            recipients_cache[prop.municipality_id] = editors_of_municipality(prop.municipality)
        for email in recipients_cache[prop.municipality_id]:
            by_recipient[email].append(prop)
    languages = mail_languages(by_recipient)  # each editor's own (accounts.StaffPreference)
    for email, props in by_recipient.items():
        with translation.override(languages.get(email.strip(), settings.LANGUAGE_CODE)):
            queue_email(
                email,
                "properties/email/freshness_reminder",
                {
                    "properties": props,
                    "link": settings.SITE_URL.rstrip("/") + reverse("properties:freshness"),
                    "months": round(settings.PROPERTY_REMINDER_DAYS / 30.4),
                },
            )
    Property.objects.filter(
        pk__in=[p.pk for p in due if recipients_cache.get(p.municipality_id)]
    ).update(reminder_sent_at=timezone.now())
    return len(by_recipient)


@dataclass
class MunicipalityFreshness:
    municipality: str
    district: str
    published: int
    current: int
    due: int
    not_confirmed: int
    oldest: date | None

    @property
    def percent_current(self) -> int:
        return round(100 * self.current / self.published) if self.published else 100


def dashboard(user, today: date | None = None) -> list[MunicipalityFreshness]:
    """Per municipality the user may edit: how many published records are current, due, flagged."""
    reminder, flag = reminder_before(today), flag_before(today)
    rows = (
        policy.editable_records(user, Property.objects.published())
        .values("municipality__name", "municipality__district__name")
        .annotate(
            published=Count("pk"),
            current=Count("pk", filter=Q(verified_on__gte=reminder)),
            not_confirmed=Count("pk", filter=_unconfirmed_since(flag)),
            oldest=Min("verified_on"),
        )
        .order_by("municipality__district__name", "municipality__name")
    )
    return [
        MunicipalityFreshness(
            r["municipality__name"],
            r["municipality__district__name"],
            r["published"],
            r["current"],
            r["published"] - r["current"] - r["not_confirmed"],
            r["not_confirmed"],
            r["oldest"],
        )
        for r in rows
    ]


def flagged(user, today: date | None = None):
    """Published records in the user's scope that are not confirmed (the moderator's list)."""
    return (
        policy.editable_records(user, Property.objects.published())
        .filter(_unconfirmed_since(flag_before(today)))
        .select_related("municipality")
        .order_by("verified_on", "pk")
    )
