"""Who gets mail about something: the one place that turns organisations and memberships into
mail addresses. Every function returns a sorted list of unique, non-empty addresses of active
users (plus the organisation's own address where it says so); callers decide what to do with
an empty list. ``by_language`` groups any addresses by the language their owners read mail in,
and ``queue_staff_email`` sends staff mail that way (one mail per language).

Domain rules that sit above accounts stay with their app and build on these functions (e.g. a
region's configured moderation address in places.services.moderator_emails)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import translation

from standortlotse.accounts import digests
from standortlotse.accounts.models import Membership, Organisation
from standortlotse.core.mail import queue_email

Role = Membership.Role


def _addresses(*addresses) -> list[str]:
    return sorted({a.strip() for a in addresses if a and a.strip()})


def _active_members(**filters) -> list[str]:
    return _addresses(
        *Membership.objects.filter(user__is_active=True, **filters).values_list(
            "user__email", flat=True
        )
    )


def members_of(organisation) -> list[str]:
    """The addresses of the organisation's active members (not the organisation's own)."""
    return _active_members(organisation=organisation)


def organisation_addresses(organisation) -> list[str]:
    """The organisation's own address and its active members' addresses."""
    return _addresses(organisation.email, *members_of(organisation))


def organisation_addresses_by_language(organisation) -> dict[str, list[str]]:
    """``organisation_addresses`` grouped by the language each recipient reads mail in
    (``by_language``)."""
    return by_language(organisation_addresses(organisation))


def mail_languages(addresses) -> dict[str, str]:
    """The language each address's owner reads mail in, by address (stripped, unique regardless
    of case; the first spelling in sorted order is kept): an active user with that address →
    their own choice (StaffPreference); else an organisation with that address → the
    organisation's language; else the site's language (settings.LANGUAGE_CODE). Several users
    or organisations with one address: the earliest created decides."""
    spelling: dict[str, str] = {}
    for address in _addresses(*addresses):
        spelling.setdefault(address.lower(), address)
    if not spelling:
        return {}
    chosen: dict[str, str] = {}
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_preference__isnull=False)
        .annotate(address=Lower("email"))
        .filter(address__in=list(spelling))
        .order_by("-pk")  # the earliest user's choice is written last and wins
        .values_list("address", "staff_preference__language")
    )
    chosen.update(users)
    organisations = (
        Organisation.objects.annotate(address=Lower("email"))
        .filter(address__in=[a for a in spelling if a not in chosen])
        .order_by("-pk")
        .values_list("address", "language")
    )
    chosen.update(organisations)
    default = settings.LANGUAGE_CODE
    known = {code for code, _name in settings.LANGUAGES}
    return {
        address: chosen[key] if chosen.get(key) in known else default
        for key, address in spelling.items()
    }


def by_language(addresses) -> dict[str, list[str]]:
    """Any addresses grouped by the language their owners read mail in (``mail_languages``):
    {language: sorted addresses}, the languages sorted; empty for no address."""
    groups: dict[str, list[str]] = {}
    for address, language in sorted(mail_languages(addresses).items()):
        groups.setdefault(language, []).append(address)
    return dict(sorted(groups.items()))


def queue_staff_email(addresses, template: str, context: dict, *, urgent=False, **kwargs) -> int:
    """A mail to staff (moderators, editors, organisations, the state agency): one per language
    group, each rendered in its recipients' language (``by_language``), whatever language the
    request that caused it was in. Staff who chose a daily summary get none now: it is held for
    their summary (accounts/digests.py), unless it is urgent (``urgent=True``, a template in
    ``digests.URGENT_TEMPLATES``, or a mail with a Reply-To). ``kwargs`` go to
    core.mail.queue_email. Returns the number of mails queued now (0 for no address). Mails to
    visitors and owners stay in their language and do not come here."""
    addresses = [addresses] if isinstance(addresses, str) else list(addresses)
    if digests.may_hold(template, urgent=urgent, reply_to=kwargs.get("reply_to")):
        addresses = digests.hold(addresses, template, context)
    groups = by_language(addresses)
    for language, recipients in groups.items():
        with translation.override(language):
            queue_email(recipients, template, context, **kwargs)
    return len(groups)


def moderators_of_region(region) -> list[str]:
    """The active regional moderators of organisations of this region."""
    if region is None:
        return []
    return _active_members(role=Role.REGIONAL_MODERATOR, organisation__region=region)


def editors_of_municipality(municipality) -> list[str]:
    """The municipality's active editors, else the moderators of the region(s) its district
    belongs to."""
    return _active_members(role=Role.MUNICIPAL_EDITOR, organisation__municipality=municipality) or (
        _active_members(
            role=Role.REGIONAL_MODERATOR, organisation__region__districts=municipality.district_id
        )
    )


def state_agency() -> list[str]:
    """The state agency's address and its active members' addresses (the last resort for
    notices); empty when there is no state agency."""
    agency = Organisation.state_agency()
    return organisation_addresses(agency) if agency is not None else []
