"""Site offers (Standortangebot): staff put properties of a case together for its investor, who
opens them through a private link; what the investor does there lands in the case's log.

The link's token is random (``secrets.token_urlsafe``), looked up by its SHA-256 and compared in
constant time; it stops working at its expiry date or when revoked (410, in the offer's language).
Texts of the case log are written in the site's language (German), as every log entry, and never
name the company or the investor's address: the log is read by organisations the case is shared
with (``shown_activities`` also masks the name where an investor typed it).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standortlotse.accounts import policy
from standortlotse.accounts.recipients import organisation_addresses, queue_staff_email
from standortlotse.cases.models import (
    Activity,
    Case,
    Offer,
    OfferItem,
    OfferQuestion,
    Verdict,
    hash_offer_token,
)
from standortlotse.core.mail import queue_email
from standortlotse.profiles import presenters as profile_presenters
from standortlotse.properties.selectors import published_properties

MAX_OFFER_PROPERTIES = 12
# Investor posts (answers, questions) per link and client per hour.
OFFER_POSTS_PER_HOUR = 30


def municipality_profile_url(municipality, *, absolute: bool = False) -> str:
    """The public location profile of ``municipality`` in the active language (with the
    site's address for the PDF, which is read away from the site)."""
    path = profile_presenters.url_of(municipality)
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def _log(case: Case, text: str, user=None) -> None:
    org = None
    if user is not None and user.is_authenticated:
        membership = user.memberships.select_related("organisation").first()
        org = membership.organisation if membership else None
    Activity.objects.create(case=case, actor=user, organisation=org, text=text)


def _require_owner(user, case: Case) -> None:
    if not policy.owns_case(user, case):
        raise PermissionDenied


def contact_choices(case: Case):
    """Who may be named as the investor's contact: active members of the owning organisation."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__organisation=case.owner)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def contact_name(user) -> str:
    return user.get_full_name() or user.username


def offer_url(offer: Offer, language: str | None = None) -> str:
    """The investor's private link, in the offer's language (``/en/…`` for English)."""
    with translation.override(language or offer.language):
        return settings.SITE_URL.rstrip("/") + reverse("cases:offer_page", args=[offer.token])


def search_properties(query: str, exclude=()):
    """Published properties by title or ID (staff add properties by hand)."""
    query = (query or "").strip().lstrip("#")
    if not query:
        return published_properties().none()
    condition = Q(title__icontains=query)
    if query.isdigit():
        condition |= Q(pk=int(query))
    return published_properties().filter(condition).exclude(pk__in=list(exclude))[:20]


def _item_label(item: OfferItem) -> str:
    return f"#{item.property_id} {item.property.title}"


@transaction.atomic
def create_offer(
    user,
    case: Case,
    *,
    properties: list,
    notes: dict,
    note: str,
    language: str,
    contact,
    expires_on: date,
) -> Offer:
    """An offer of ``properties`` (in this order; ``notes`` by property pk) for the case, sent to
    the case's contact address at once."""
    _require_owner(user, case)
    if not properties:
        raise ValidationError(_("Choose at least one property."))
    if len(properties) > MAX_OFFER_PROPERTIES:
        raise ValidationError(
            _("An offer holds at most %(count)d properties.") % {"count": MAX_OFFER_PROPERTIES}
        )
    if not case.contact_email:
        raise ValidationError(_("The case has no contact email to send the offer to."))
    if not contact_choices(case).filter(pk=contact.pk).exists():
        raise ValidationError(_("The contact person must be a member of the owning organisation."))
    if expires_on <= timezone.localdate():
        raise ValidationError(_("The expiry date must lie in the future."))
    published = set(
        published_properties()
        .filter(pk__in=[p.pk for p in properties])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in published for p in properties):
        raise ValidationError(_("Only published properties can be offered."))
    offer = Offer.objects.create(
        case=case,
        language=language,
        note=note,
        contact=contact,
        expires_on=expires_on,
        created_by=user,
    )
    for position, prop in enumerate(properties):
        OfferItem.objects.create(
            offer=offer, property=prop, position=position, note=notes.get(prop.pk, "")
        )
    case.offered_properties.add(*properties)
    send(user, offer)
    return offer


def send(user, offer: Offer) -> None:
    """Mail the private link to the investor in the offer's language and note it in the log."""
    _require_owner(user, offer.case)
    case = offer.case
    with translation.override(offer.language):
        queue_email(
            case.contact_email,
            "cases/email/offer",
            {
                "offer": offer,
                "name": case.contact_name,
                "url": offer_url(offer),
                "contact_name": contact_name(offer.contact),
                "contact_email": offer.contact.email,
                "contact_phone": case.owner.phone,
                "organisation": case.owner.name,
                "count": offer.items.count(),
                "SITE_NAME": settings.SITE_NAME,
            },
            reply_to=[offer.contact.email] if offer.contact.email else None,
        )
    offer.sent_at = timezone.now()
    offer.save(update_fields=["sent_at"])
    with translation.override(settings.LANGUAGE_CODE):
        language = dict(settings.LANGUAGES)[offer.language]
        _log(
            case,
            ngettext(
                "Site offer %(offer)s with %(count)d property sent to the investor (%(language)s), "
                "valid until %(date)s.",
                "Site offer %(offer)s with %(count)d properties sent to the investor "
                "(%(language)s), valid until %(date)s.",
                offer.items.count(),
            )
            % {
                "offer": offer,
                "count": offer.items.count(),
                "language": str(language),
                "date": offer.expires_on.strftime("%d.%m.%Y"),
            },
            user,
        )


@transaction.atomic
def revoke(user, offer: Offer) -> None:
    _require_owner(user, offer.case)
    if offer.revoked_at is None:
        offer.revoked_at = timezone.now()
        offer.save(update_fields=["revoked_at"])
        with translation.override(settings.LANGUAGE_CODE):
            _log(offer.case, _("Site offer %(offer)s revoked.") % {"offer": offer}, user)


@transaction.atomic
def extend(user, offer: Offer, expires_on: date) -> None:
    _require_owner(user, offer.case)
    if expires_on <= timezone.localdate():
        raise ValidationError(_("The expiry date must lie in the future."))
    offer.expires_on = expires_on
    offer.save(update_fields=["expires_on"])
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            offer.case,
            _("Site offer %(offer)s now valid until %(date)s.")
            % {"offer": offer, "date": expires_on.strftime("%d.%m.%Y")},
            user,
        )


def offer_for_token(token: str) -> tuple[Offer | None, str]:
    """(offer, state) of an investor link: "ok", "gone" (expired or revoked: 410) or "unknown"
    (no such link: 404)."""
    offer = (
        Offer.objects.select_related("case__owner", "contact")
        .filter(token_hash=hash_offer_token(token or ""))
        .first()
    )
    if offer is None or not offer.matches(token):
        return None, "unknown"
    return offer, "ok" if offer.usable() else "gone"


def shown_items(offer: Offer) -> list[OfferItem]:
    """The offer's properties that are still published (a withdrawn one is left out)."""
    published = published_properties().filter(pk__in=offer.items.values("property_id"))
    props = {p.pk: p for p in published}
    items = []
    for item in offer.items.all():
        if item.property_id in props:
            item.property = props[item.property_id]
            items.append(item)
    return items


def municipalities(items: list[OfferItem], *, absolute: bool = False) -> list[dict]:
    """The municipalities concerned, each once, with their district and profile link."""
    seen = {}
    for item in items:
        m = item.property.municipality
        if m.pk not in seen:
            seen[m.pk] = {
                "name": m.name,
                "district": m.district.name,
                "url": municipality_profile_url(m, absolute=absolute),
            }
    return list(seen.values())


def record_open(offer: Offer) -> None:
    now = timezone.now()
    first = offer.first_opened_at is None
    Offer.objects.filter(pk=offer.pk).update(
        last_opened_at=now, **({"first_opened_at": now} if first else {})
    )
    if first:
        offer.first_opened_at = now
        with translation.override(settings.LANGUAGE_CODE):
            _log(offer.case, _("Investor opened the site offer %(offer)s.") % {"offer": offer})
    offer.last_opened_at = now


@transaction.atomic
def answer(offer: Offer, item: OfferItem, verdict: str, comment: str) -> None:
    if verdict not in Verdict.values:
        raise ValidationError(_("Unknown answer."))
    item.verdict = verdict
    item.comment = comment.strip()
    item.answered_at = timezone.now()
    item.save(update_fields=["verdict", "comment", "answered_at"])
    with translation.override(settings.LANGUAGE_CODE):
        if verdict == Verdict.INTERESTING:
            text = _("Investor marked %(property)s as interesting") % {
                "property": _item_label(item)
            }
        else:
            text = _("Investor marked %(property)s as not interesting") % {
                "property": _item_label(item)
            }
        text += f": „{item.comment}“" if item.comment else "."
        _log(offer.case, text)


@transaction.atomic
def ask(offer: Offer, text: str) -> OfferQuestion:
    question = OfferQuestion.objects.create(offer=offer, text=text.strip())
    with translation.override(settings.LANGUAGE_CODE):
        _log(offer.case, _("Investor asked: %(text)s") % {"text": question.text})
    # The owning organisation and the contact person (it may see the company's name).
    addresses = set(organisation_addresses(offer.case.owner))
    if offer.contact.email:
        addresses.add(offer.contact.email)
    queue_staff_email(
        sorted(addresses),
        "cases/email/offer_question",
        {
            "offer": offer,
            "case": offer.case,
            "question": question.text,
            "url": settings.SITE_URL.rstrip("/") + offer.get_absolute_url(),
        },
    )
    return question


def record_download(offer: Offer, item: OfferItem) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            offer.case,
            _("Investor downloaded the exposé of %(property)s.") % {"property": _item_label(item)},
        )


def record_offer_pdf(offer: Offer) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _log(
            offer.case, _("Investor downloaded the site offer %(offer)s as PDF.") % {"offer": offer}
        )


def visible_offers(user, case: Case):
    """The case's offers for everybody who sees the case (owner and sharers)."""
    if not policy.visible_cases(user, Case.objects.filter(pk=case.pk)).exists():
        raise PermissionDenied
    return case.offers.select_related("contact").prefetch_related("items__property")


def mask_company(user, case: Case, text: str) -> str:
    """A log text as ``user`` may read it: the company's name replaced where it is confidential
    to them (an investor may have typed it in a comment or question)."""
    if not case.company or policy.may_see_company(user, case):
        return text
    from standortlotse.cases.services import company_label

    return text.replace(case.company, company_label(user, case))


def offer_pdf(offer: Offer, language: str) -> bytes:
    """The whole offer as one PDF: a cover with the note and the contact person, then one
    section per property with its note and facts (the exposé's facts and locator map)."""
    from django.template.loader import render_to_string

    from standortlotse.properties import expose
    from standortlotse.properties.presenters import fact_rows

    items = shown_items(offer)
    with translation.override(language):
        sections = [
            {
                "item": item,
                "facts": fact_rows(item.property),
                "map": expose._data_uri(expose.map_png(item.property), "image/png"),
                "url": expose.page_url(item.property, language),
            }
            for item in items
        ]
        html = render_to_string(
            "cases/offer_pdf.html",
            {
                "offer": offer,
                "company": offer.case.company,
                "sections": sections,
                "municipalities": municipalities(items, absolute=True),
                "contact_name": contact_name(offer.contact),
                "organisation": offer.case.owner,
                "created": timezone.localdate(),
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_CODE": language,
            },
        )
    return expose.html_pdf(html)
