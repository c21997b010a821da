"""Who answers an inquiry: explicit rules per region and topic, then the responsible office of
the property, place or municipality, then general rules, then the state agency."""

from dataclasses import dataclass

from django.db.models import Q

from standortlotse.accounts.models import Membership, Organisation
from standortlotse.accounts.recipients import state_agency
from standortlotse.core.validators import valid_email
from standortlotse.guides.models import Topic
from standortlotse.guides.services import routing_contact
from standortlotse.inquiries.models import RoutingRule
from standortlotse.places.services import moderator_emails

Kind = Organisation.Kind


def region_of(*, property=None, place=None, region=None):
    if place is not None:
        return place.region
    if property is not None:
        return property.municipality.region
    return region


def _rule(region, topic):
    return (
        RoutingRule.objects.filter(region=region, topic=topic)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def _office_of(municipality=None, district=None):
    """The municipality's own office (one that can answer: with members or an address), else
    the district's economic development office."""
    if municipality is not None:
        office = (
            Organisation.objects.filter(kind=Kind.MUNICIPALITY, municipality=municipality)
            .filter(Q(memberships__isnull=False) | ~Q(email=""))
            .distinct()
            .order_by("pk")
            .first()
        )
        if office is not None:
            return office
        district = municipality.district
    if district is None:
        return None
    return (
        Organisation.objects.filter(kind=Kind.ECONOMIC_DEVELOPMENT, district=district)
        .order_by("pk")
        .first()
    )


def _responsible_for_target(property=None, place=None, municipality=None, district=None):
    if property is not None:
        return _office_of(property.municipality)
    if place is not None:
        return (
            Organisation.objects.filter(kind=Kind.REGIONAL_MARKETING, region=place.region)
            .order_by("pk")
            .first()
            or Organisation.objects.filter(
                memberships__role=Membership.Role.REGIONAL_MODERATOR, region=place.region
            )
            .order_by("pk")
            .first()
        )
    return _office_of(municipality, district)


def _directory(region, topic, property=None, place=None, municipality=None, district=None):
    """The contacts directory: a network partner serving this topic where the target is."""
    municipality = (
        municipality
        or (property.municipality if property is not None else None)
        or (place.municipality if place is not None else None)
    )
    contact = routing_contact(region, municipality, topic, district)
    return contact.organisation if contact else None


def route(*, topic: str, property=None, place=None, region=None, municipality=None, district=None):
    """The organisation that receives the inquiry, and the region it belongs to.

    The one rule (the inquiry forms, the property page and exposé, the guided entry's contact
    through ``guides.services.responsible``): a rule of the region for the topic; the directory's
    nearest contact for the topic (named for the municipality, its district, the region); the
    office of the property, place, municipality or district; the region's general rule; the
    general rules; the state agency."""
    region = region_of(property=property, place=place, region=region)
    candidates = [
        lambda: _rule(region, topic) if region else None,
        lambda: (
            _directory(region, topic, property, place, municipality, district)
            if topic not in ("", "property", "place")
            else None
        ),
        lambda: _responsible_for_target(property, place, municipality, district),
        lambda: _rule(region, "") if region else None,
        lambda: _rule(None, topic),
        lambda: _rule(None, ""),
        Organisation.state_agency,
        lambda: Organisation.objects.order_by("pk").first(),
    ]
    for candidate in candidates:
        found = candidate()
        if found is not None:
            organisation = getattr(found, "organisation", found)
            return organisation, region
    raise LookupError("No organisation exists to receive inquiries.")


@dataclass(frozen=True)
class MunicipalityContact:
    """Who an inquiry about ``topic`` to a municipality reaches (``route``), as a page shows
    it: the page's button sends the inquiry with that topic, so the one shown is the one who
    answers."""

    organisation: Organisation
    email: str
    phone: str
    topic: str


def municipality_contact(municipality, topic: str = Topic.HOUSING) -> MunicipalityContact | None:
    try:
        organisation, _region = route(
            topic=topic, municipality=municipality, region=municipality.region
        )
    except LookupError:
        return None
    return MunicipalityContact(
        organisation=organisation,
        email=valid_email(organisation.email),
        phone=organisation.phone,
        topic=topic,
    )


def notice_recipients(region) -> list[str]:
    """Who hears of a mail about an inquiry that can never be sent: the region's moderators,
    else the state agency."""
    return (moderator_emails(region) if region is not None else []) or state_agency()


@dataclass(frozen=True)
class PropertyContact:
    """Who an inquiry about a property reaches, as the detail page and the exposé show it.

    ``organisation`` receives the inquiry in its inbox. When the record names a contact person
    with a valid address (``named``), that person gets the message too and is the one shown;
    otherwise the organisation (the municipal office, else the district's economic development
    office, see ``route``) is shown with its own address and phone."""

    organisation: Organisation
    name: str
    organisation_name: str
    email: str
    phone: str
    named: bool


def property_contact(prop, topic: str = Topic.PROPERTY) -> PropertyContact:
    """The one rule for the contact of a property: used by the detail page, the exposé and
    ``services.receive`` (so the person shown is the person the inquiry reaches)."""
    organisation, _region = route(topic=topic or Topic.PROPERTY, property=prop)
    email = valid_email(prop.contact_email)
    if email:
        return PropertyContact(
            organisation=organisation,
            name=prop.contact_name,
            organisation_name=prop.contact_organisation or organisation.name,
            email=email,
            phone=prop.contact_phone,
            named=True,
        )
    return PropertyContact(
        organisation=organisation,
        name="",
        organisation_name=organisation.name,
        email=valid_email(organisation.email),
        phone=organisation.phone,
        named=False,
    )


def contact_email_of_property(prop) -> str:
    """The address an inquiry about ``prop`` reaches, "" if none (nobody to route to, or an
    office without an address): the publication gate's "contact" (properties/publication.py)."""
    try:
        return property_contact(prop).email
    except LookupError:
        return ""
