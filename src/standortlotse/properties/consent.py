"""Owner consent for private plots: ask (mail merge by email or letter), track, publish only then.

A property whose owner type is "private" can be published only when its owner's consent is
recorded (the record rule ``Property.lacks_owner_consent``, which every write path asks). A
refusal recorded for a published plot takes it offline at once and tells its editors. Editors ask many owners at once: by email with a private response
link, or as letters (one PDF, a page per owner, with the same link and a QR code). Owners answer
online; editors can also record an answer given by letter, phone or in person. Only a hash of each
link is stored; a new request makes the old link invalid.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.core.mail import queue_email
from standortlotse.properties.models import OwnerConsent, OwnerType, Property, Status

LINK_VALID_DAYS = 90
State = OwnerConsent.State
How = OwnerConsent.How


def needs_consent(prop: Property) -> bool:
    return prop.owner_type == OwnerType.PRIVATE


def consent_of(prop: Property) -> OwnerConsent:
    try:
        return prop.owner_consent
    except OwnerConsent.DoesNotExist:
        return OwnerConsent(property=prop)


def may_publish(prop: Property) -> bool:
    return not prop.lacks_owner_consent(status=Status.PUBLISHED)


def _enforce(consent: OwnerConsent) -> bool:
    """After an answer: a published plot that now lacks consent goes back to draft and its
    editors get a mail. Returns whether it was taken offline."""
    from standortlotse.properties.freshness import editors_of

    prop = consent.property
    if not prop.lacks_owner_consent():
        return False
    prop.status = Status.DRAFT
    prop._change_reason = "owner consent refused"
    prop.save()
    recipients = editors_of(prop.municipality)
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse("properties:consent_edit", args=[prop.pk])
        queue_email(recipients, "properties/email/consent_refused", {"prop": prop, "consent": consent, "link": link})
    return True


def _require_edit(user, prop):
    if not policy.can_edit(user, prop):
        raise PermissionDenied


def save_owner(user, prop: Property, name: str, email: str, address: str) -> OwnerConsent:
    _require_edit(user, prop)
    consent = consent_of(prop)
    consent.owner_name, consent.owner_email, consent.owner_address = name, email, address
    consent.save()
    return consent


@transaction.atomic
def record(user, prop: Property, state: str, on, how: str, note: str = "") -> OwnerConsent:
    """An answer the editor received (letter, phone, in person, contract)."""
    _require_edit(user, prop)
    if state not in (State.GRANTED, State.REFUSED):
        raise ValidationError(_("Record either consent or refusal."))
    consent = consent_of(prop)
    consent.state, consent.responded_on, consent.how, consent.note = state, on, how, note
    consent.token_hash, consent.token_expires = "", None
    consent.save()
    _enforce(consent)
    return consent


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def response_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("properties:consent_response", args=[token])


@transaction.atomic
def request(user, props: list[Property], channel: str) -> list[tuple[OwnerConsent, str]]:
    """Ask the owners of the given private plots; returns (consent, response URL) per owner.

    ``channel`` "email" sends an email to every owner with an address (the others are skipped
    and returned without URL); "letter" only prepares the links for the letters.
    """
    result = []
    for prop in props:
        _require_edit(user, prop)
        if not needs_consent(prop):
            continue
        consent = consent_of(prop)
        if consent.state == State.GRANTED:
            continue
        if channel == "email" and not consent.owner_email:
            result.append((consent, ""))
            continue
        token = secrets.token_urlsafe(24)
        consent.token_hash, consent.token_expires = _hash(token), timezone.now() + timedelta(days=LINK_VALID_DAYS)
        consent.state, consent.requested_at = State.REQUESTED, timezone.now()
        consent.requested_how = How.EMAIL if channel == "email" else How.LETTER
        consent.save()
        url = response_url(token)
        if channel == "email":
            queue_email(consent.owner_email, "properties/email/consent_request", {
                "consent": consent, "prop": prop, "url": url, "days": LINK_VALID_DAYS,
            }, reply_to=[prop.contact_email] if prop.contact_email else None)
        result.append((consent, url))
    return result


def letters_pdf(requested: list[tuple[OwnerConsent, str]]) -> bytes:
    from standortlotse.properties.expose import _pdf, qr_svg

    letters = [
        {"consent": consent, "prop": consent.property, "url": url, "qr": qr_svg(url)}
        for consent, url in requested if url
    ]
    html = render_to_string("properties/consent_letters.html", {
        "letters": letters, "today": timezone.localdate(), "days": LINK_VALID_DAYS, "SITE_NAME": settings.SITE_NAME,
    })
    return _pdf(html)


def by_token(token: str) -> OwnerConsent | None:
    consent = OwnerConsent.objects.select_related("property__municipality").filter(token_hash=_hash(token or "")).first()
    if consent is None or not consent.token_hash or consent.token_expires is None or consent.token_expires < timezone.now():
        return None
    return consent


@transaction.atomic
def respond(token: str, agree: bool) -> OwnerConsent:
    consent = by_token(token)
    if consent is None:
        raise ValidationError(_("This link is not valid (any more). Please contact the municipality."))
    consent.state = State.GRANTED if agree else State.REFUSED
    consent.responded_on, consent.how = timezone.localdate(), How.ONLINE
    consent.token_hash, consent.token_expires = "", None
    consent.save()
    _enforce(consent)
    return consent


def private_records(user):
    """Private plots in the user's scope with their consent (for the back-office list)."""
    return (
        policy.editable_records(user, Property.objects.filter(owner_type=OwnerType.PRIVATE))
        .select_related("municipality", "owner_consent")
        .order_by("municipality__name", "title")
    )
