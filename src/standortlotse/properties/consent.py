"""Owner consent for private plots: ask (mail merge by email or letter), track, publish only then.

A property whose owner type is "private" can be published only when its owner's consent is recorded
(the record rule ``Property.lacks_owner_consent``, which every write path asks). A refusal recorded
for a published plot takes it offline at once and tells its editors. Editors ask many owners at
once: by email with a private response link, or as letters (one PDF, a page per owner, with the
same link and a QR code). Owners answer online; editors can also record an answer given by letter,
phone or in person. Only a hash of each link is stored (core/links.py). Every request issues its
own link and ends none: the letter's link still works after a later email, and after the answer a
link shows what was recorded until it expires; an expired link leads to a form that sends a fresh
one to the owner's stored address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from standortlotse.accounts import policy
from standortlotse.accounts.recipients import editors_of_municipality, queue_staff_email
from standortlotse.core.mail import queue_email
from standortlotse.properties.expose import html_pdf, qr_svg
from standortlotse.properties.models import ConsentLink, OwnerConsent, OwnerType, Property, Status

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
    prop = consent.property
    if not prop.lacks_owner_consent():
        return False
    prop.status = Status.DRAFT
    prop._change_reason = "owner consent refused"
    prop.save()
    recipients = editors_of_municipality(prop.municipality)
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse("properties:consent_edit", args=[prop.pk])
        queue_staff_email(  # in each editor's language, not the owner's who answered
            recipients,
            "properties/email/consent_refused",
            {"prop": prop, "consent": consent, "link": link},
        )
    return True


def _require_edit(user, prop):
    if not policy.can_edit(user, prop):
        raise PermissionDenied


def _language(code: str | None) -> str:
    base = (code or "").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def save_owner(
    user, prop: Property, name: str, email: str, address: str, language: str | None = None
) -> OwnerConsent:
    """The owner's details; ``language`` the one mails to them are written in (kept if None)."""
    _require_edit(user, prop)
    consent = consent_of(prop)
    consent.owner_name, consent.owner_email, consent.owner_address = name, email, address
    if language is not None:
        consent.owner_language = _language(language)
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
    consent.save()
    _enforce(consent)
    return consent


def response_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("properties:consent_response", args=[token])


def new_response_url(consent: OwnerConsent) -> str:
    """A new answer link for one mail or letter; earlier links stay valid until they expire."""
    return response_url(ConsentLink.issue(consent=consent, valid_days=LINK_VALID_DAYS))


def _mail_request(consent: OwnerConsent, prop: Property, language: str | None = None) -> str:
    """Mail the owner a new answer link, in ``language`` (default: the owner's, whoever's
    request sends it: the editor's language is not theirs); returns the link."""
    with translation.override(_language(language or consent.owner_language)):
        url = new_response_url(consent)  # its language prefix too
        queue_email(
            consent.owner_email,
            "properties/email/consent_request",
            {
                "consent": consent,
                "prop": prop,
                "url": url,
                "days": LINK_VALID_DAYS,
            },
            reply_to=[prop.contact_email] if prop.contact_email else None,
        )
    return url


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
        consent.state, consent.requested_at = State.REQUESTED, timezone.now()
        consent.requested_how = How.EMAIL if channel == "email" else How.LETTER
        consent.save()
        url = _mail_request(consent, prop) if channel == "email" else new_response_url(consent)
        result.append((consent, url))
    return result


def letters_pdf(requested: list[tuple[OwnerConsent, str]]) -> bytes:
    letters = [
        {"consent": consent, "prop": consent.property, "url": url, "qr": qr_svg(url)}
        for consent, url in requested
        if url
    ]
    html = render_to_string(
        "properties/consent_letters.html",
        {
            "letters": letters,
            "today": timezone.localdate(),
            "days": LINK_VALID_DAYS,
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    return html_pdf(html)


def by_token(token: str) -> OwnerConsent | None:
    """The consent a valid (unexpired) answer link belongs to, answered or not."""
    link = ConsentLink.objects.select_related("consent__property__municipality").find(token)
    return link.consent if link else None


@transaction.atomic
def respond(token: str, agree: bool) -> OwnerConsent:
    """The owner's online answer; once an answer is recorded the link only shows it (a change
    goes through the municipality, which records it)."""
    consent = by_token(token)
    if consent is None:
        raise ValidationError(
            _("This link is not valid (any more). Please contact the municipality.")
        )
    if consent.state != State.REQUESTED:
        return consent
    consent.state = State.GRANTED if agree else State.REFUSED
    consent.responded_on, consent.how = timezone.localdate(), How.ONLINE
    consent.owner_language = _language(translation.get_language())  # the one they answered in
    consent.save()
    _enforce(consent)
    return consent


FRESH_LINK_MAX = 10


@transaction.atomic
def send_fresh_links(email: str, name: str = "") -> int:
    """The "send me a fresh link" form: a new answer link for each open request whose stored owner
    address is ``email`` (optionally only plots whose title contains ``name``), mailed to that
    stored address. Returns how many matched (never shown to the requester)."""
    open_requests = OwnerConsent.objects.select_related("property__municipality").filter(
        owner_email__iexact=email.strip(),
        state=State.REQUESTED,
        property__owner_type=OwnerType.PRIVATE,
    )
    if name.strip():
        open_requests = open_requests.filter(property__title__icontains=name.strip())
    count = 0
    for consent in open_requests.order_by("pk")[:FRESH_LINK_MAX]:
        # In the language the form was used in (not stored: anyone may send the form).
        _mail_request(consent, consent.property, language=translation.get_language())
        count += 1
    return count


def private_records(user):
    """Private plots in the user's scope with their consent (for the back-office list)."""
    return (
        policy.editable_records(user, Property.objects.filter(owner_type=OwnerType.PRIVATE))
        .select_related("municipality", "owner_consent")
        .order_by("municipality__name", "title")
    )
