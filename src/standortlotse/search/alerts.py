"""Search alerts (see models): subscribe with double opt-in, confirm, unsubscribe, and the mails
about new matching properties."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from standortlotse.core.mail import queue_email
from standortlotse.search.models import SearchAlert, SearchAlertSent

MAX_PER_ADDRESS = 20


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _url(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse(name, args=[token]))


def search_url(alert: SearchAlert) -> str:
    with translation.override(alert.language):
        return _absolute(reverse("properties:search") + ("?" + alert.query if alert.query else ""))


def clean_query(raw: str) -> str:
    """The search's parameters, without paging, as stored with the alert."""
    query = QueryDict(raw or "", mutable=True)
    for name in ("page", "ids", "csrfmiddlewaretoken", "email", "homepage"):
        query.pop(name, None)
    return query.urlencode()[:2000]


@transaction.atomic
def subscribe(email: str, query: str, language: str) -> SearchAlert:
    """A new, unconfirmed alert and the mail with its confirmation link."""
    alert = SearchAlert.objects.create(email=email, query=clean_query(query), language=language)
    with translation.override(language):
        queue_email(
            email,
            "search/email/alert_confirm",
            {
                "confirm_url": _url("search:alert_confirm", alert.confirm_token, language),
                "search_url": search_url(alert),
                "days": 7,
            },
        )
    return alert


def confirm(alert: SearchAlert) -> None:
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])


def unsubscribe(alert: SearchAlert) -> None:
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at"])


def criteria_of(alert: SearchAlert):
    from standortlotse.properties.forms import SearchForm
    from standortlotse.properties.searching import apply_interpretation

    form = SearchForm(QueryDict(alert.query))
    form.is_valid()
    return apply_interpretation(form.criteria())[0]


@task()
def alert_searches_task(property_id: int) -> int:
    """Mail every confirmed alert whose search now finds this published property (once)."""
    from standortlotse.properties import selectors
    from standortlotse.properties.models import Property

    prop = Property.objects.published().filter(pk=property_id).first()
    if prop is None:
        return 0
    sent = 0
    active = SearchAlert.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    for alert in active.exclude(sent__property=prop):
        found = selectors.search(criteria_of(alert), base=Property.objects.filter(pk=prop.pk))
        if not found.exists():
            continue
        SearchAlertSent.objects.create(alert=alert, property=prop)
        with translation.override(alert.language):
            queue_email(
                alert.email,
                "search/email/alert_match",
                {
                    "property": prop,
                    "url": _absolute(prop.get_absolute_url()),
                    "search_url": search_url(alert),
                    "unsubscribe_url": _url(
                        "search:alert_unsubscribe", alert.unsubscribe_token, alert.language
                    ),
                },
            )
        sent += 1
    return sent
