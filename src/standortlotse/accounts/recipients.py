"""Who gets mail about something: the one place that turns organisations and memberships into
mail addresses. Every function returns a sorted list of unique, non-empty addresses of active
users (plus the organisation's own address where it says so); callers decide what to do with
an empty list.

Domain rules that sit above accounts stay with their app and build on these functions (e.g. a
region's configured moderation address in places.services.moderator_emails)."""

from standortlotse.accounts.models import Membership, Organisation

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
    """``organisation_addresses`` grouped by the language each recipient reads mail in: the
    member's own preference (StaffPreference), the organisation's for its own address; German
    (the site's language) without one. An address in two groups stays in the first language."""
    from django.conf import settings

    default = settings.LANGUAGE_CODE
    by_address = {}
    if organisation.email and organisation.email.strip():
        by_address[organisation.email.strip()] = organisation.language or default
    members = Membership.objects.filter(organisation=organisation, user__is_active=True)
    for address, language in members.values_list("user__email", "user__staff_preference__language"):
        if address and address.strip():
            by_address.setdefault(address.strip(), language or default)
    groups: dict[str, list[str]] = {}
    for address in sorted(by_address):
        groups.setdefault(by_address[address], []).append(address)
    return dict(sorted(groups.items()))


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
