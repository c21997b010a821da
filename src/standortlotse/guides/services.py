"""Reading and writing guides, the contacts directory and events.

* ``contacts_for``: who helps with a topic in a municipality or district, the nearest first (the
  directory, used by the guided entry, guide pages and the inquiry routing).
* ``responsible``: the office an inquiry on a topic about a municipality or district reaches,
  through the inquiries app's one routing rule, with its directory entry.
* ``overview``: the personal overview of the guided entry ("Ich komme zurück" + theme +
  municipality): the guides written for that cell (or, clearly said, the theme's general ones),
  the responsible contact (of the municipality, else its district; without a municipality, of
  each district), places, properties, further contacts and events.
* back-office writes check ``policy.can_moderate`` (regional moderators, state admins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from standortlotse.accounts import policy
from standortlotse.accounts.models import Organisation
from standortlotse.geo.models import District, Municipality, Region
from standortlotse.guides.models import Audience, Contact, Event, Guide, Theme
from standortlotse.places.selectors import published_places
from standortlotse.properties.models import Kind
from standortlotse.properties.selectors import published_properties

# Inquiry topics (``guides.models.Topic``) that fit a theme or a target group.
THEME_TOPICS = {Theme.WORK: "work", Theme.HOUSING: "housing", Theme.LIFE: "life"}
AUDIENCE_TOPICS = {Audience.FOUNDER: "founding", Audience.INVESTOR: "investment"}


def topics_for(audience: str = "", theme: str = "") -> list[str]:
    topics = []
    if audience in AUDIENCE_TOPICS:
        topics.append(AUDIENCE_TOPICS[audience])
    if theme in THEME_TOPICS:
        topics.append(THEME_TOPICS[theme])
    return topics


def cell_topic(audience: str, theme: str) -> str:
    """The inquiry topic of a cell of the guided entry, the one its responsible contact answers:
    work is founding for founders and investment for investors, otherwise the theme's topic."""
    if theme == Theme.WORK and audience in AUDIENCE_TOPICS:
        return AUDIENCE_TOPICS[audience]
    return THEME_TOPICS.get(theme, "other")


def serves(municipality: Municipality | None, district: District | None = None) -> Q:
    """Contacts whose area includes the municipality, or the district (no area given = the
    whole region)."""
    if municipality is None and district is None:
        return Q()
    whole_region = Q(districts__isnull=True, municipalities__isnull=True)
    if municipality is None:
        return whole_region | Q(districts=district)
    return whole_region | Q(districts=municipality.district_id) | Q(municipalities=municipality)


# How near a contact's area is to the place asked about (``nearness``).
MUNICIPALITY, DISTRICT, REGION = "municipality", "district", "region"


def nearness(contacts, municipality=None, district=None) -> dict[int, str]:
    """For each contact: named for the municipality, for its district, or for the region."""
    pks = [c.pk for c in contacts]
    district_id = (
        municipality.district_id if municipality is not None else getattr(district, "pk", None)
    )
    local = set()
    if municipality is not None:
        local = set(
            Contact.municipalities.through.objects.filter(
                contact_id__in=pks, municipality=municipality
            ).values_list("contact_id", flat=True)
        )
    in_district = set(
        Contact.districts.through.objects.filter(
            contact_id__in=pks, district_id=district_id
        ).values_list("contact_id", flat=True)
    )
    return {
        pk: MUNICIPALITY if pk in local else DISTRICT if pk in in_district else REGION for pk in pks
    }


def contacts_for(
    region: Region | None,
    municipality: Municipality | None = None,
    topics: list[str] | None = None,
    district: District | None = None,
):
    """Published contacts for the topics (all without) where the visitor asks: the nearest
    first (named for the municipality, then for its district, then the whole region)."""
    contacts = Contact.objects.published().select_related("organisation")
    if municipality is not None:
        contacts = contacts.filter(region__districts=municipality.district_id)
    elif district is not None:
        contacts = contacts.filter(region__districts=district)
    elif region is not None:
        contacts = contacts.filter(region=region)
    contacts = contacts.filter(serves(municipality, district)).distinct()
    result = list(contacts)
    if topics:
        result = [c for c in result if set(c.topics) & set(topics)]
    if municipality is not None or district is not None:
        rank = {MUNICIPALITY: 0, DISTRICT: 1, REGION: 2}
        near = nearness(result, municipality, district)
        result.sort(key=lambda c: (rank[near[c.pk]], c.organisation.name, c.person))
    return result


def _with_area(contacts) -> set[int]:
    """The contacts named for some districts or municipalities (not for the whole region)."""
    return set(
        Contact.objects.filter(pk__in=[c.pk for c in contacts])
        .filter(Q(districts__isnull=False) | Q(municipalities__isnull=False))
        .values_list("pk", flat=True)
    )


def routing_contact(region, municipality, topic, district=None) -> Contact | None:
    """The directory's answer for the inquiry routing: a contact for this topic and place."""
    if region is None or not topic:
        return None
    candidates = contacts_for(region, municipality, [topic], district)
    return candidates[0] if candidates else None


# The one rule for who receives an inquiry (``inquiries.routing.route``), set by the inquiries
# app when it is ready: guides sits below inquiries and may not import it. Without it (guides
# on its own) the directory answers alone.
_routing_rule: Callable[..., tuple[Organisation, Region | None]] | None = None


def set_routing_rule(rule) -> None:
    global _routing_rule
    _routing_rule = rule


@dataclass(frozen=True)
class Responsible:
    """The office an inquiry on ``topic`` about a municipality or district reaches, and its
    directory entry (``contact``) when it has one for the topic there; ``level`` says whose
    office it is: the municipality's, the district's or the region's (or the state's)."""

    organisation: Organisation
    contact: Contact | None
    level: str
    topic: str
    municipality: Municipality | None = None
    district: District | None = None


def responsible(
    region: Region | None,
    topic: str,
    municipality: Municipality | None = None,
    district: District | None = None,
) -> Responsible | None:
    """Who answers ``topic`` for the municipality (else the district), as the inquiry is routed:
    what the guided entry shows is where "Ask your question" goes."""
    district = municipality.district if municipality is not None else district
    if _routing_rule is not None:
        try:
            organisation, _region = _routing_rule(
                topic=topic, region=region, municipality=municipality, district=district
            )
        except LookupError:
            return None
    else:
        found = routing_contact(region, municipality, topic, district)
        if found is None:
            return None
        organisation = found.organisation
    entries = [
        c
        for c in contacts_for(region, municipality, [topic], district)
        if c.organisation_id == organisation.pk
    ]
    contact = entries[0] if entries else None
    if contact is not None:
        level = nearness([contact], municipality, district)[contact.pk]
    elif municipality is not None and organisation.municipality_id == municipality.pk:
        level = MUNICIPALITY
    elif district is not None and organisation.district_id == district.pk:
        level = DISTRICT
    else:
        level = REGION
    return Responsible(organisation, contact, level, topic, municipality, district)


def published_guides(region=None):
    guides = Guide.objects.published().select_related("region", "contact__organisation")
    return guides.filter(region=region) if region is not None else guides


def upcoming_events(region=None, municipality=None, limit=None):
    events = (
        Event.objects.published()
        .filter(
            Q(ends_at__gte=timezone.now())
            | Q(ends_at__isnull=True, starts_at__gte=timezone.now() - timezone.timedelta(hours=12))
        )
        .select_related("municipality", "place", "region")
    )
    if region is not None:
        events = events.filter(region=region)
    if municipality is not None:
        events = events.filter(Q(municipality=municipality) | Q(municipality__isnull=True))
    events = events.order_by("starts_at")
    return events[:limit] if limit else events


def has_text(guide: Guide, language: str) -> bool:
    """Whether the guide is written in the language (title and text), not shown in another."""
    if language.startswith("en"):
        return bool(guide.title_en.strip() and guide.body_en.strip())
    return bool(guide.title_de.strip() and guide.body_de.strip())


def written_for(guide: Guide, audience: str, theme: str) -> bool:
    """A guide of the cell audience × theme: its theme, and the audience named among its target
    groups (a guide without target groups is a general one, for everybody)."""
    return guide.theme == theme and audience in guide.audiences


# What the overview shows in place of guides written for the cell (``Overview.fallback``).
FOR_THE_CELL, GENERAL, OTHER_AUDIENCES, NOTHING = "", "general", "other_audiences", "nothing"


def cell_guides(region: Region | None, audience: str, theme: str) -> tuple[list[Guide], str]:
    """The guides of a cell of the guided entry and how they were found: written for the
    audience and theme; else the theme's general guides (no target group); else the theme's
    guides for other target groups; else none (the page says so and shows the contacts)."""
    guides = list(published_guides(region).filter(theme=theme))
    for kind, chosen in (
        (FOR_THE_CELL, [g for g in guides if written_for(g, audience, theme)]),
        (GENERAL, [g for g in guides if not g.audiences]),
        (OTHER_AUDIENCES, guides),
    ):
        if chosen:
            return chosen, kind
    return [], NOTHING


@dataclass
class Overview:
    audience: str
    theme: str
    municipality: Municipality | None
    region: Region | None
    guides: list = field(default_factory=list)
    fallback: str = FOR_THE_CELL
    places: list = field(default_factory=list)
    properties: list = field(default_factory=list)
    # The office responsible for the cell's topic in the chosen municipality (else its
    # district); without a municipality, the responsible office of each district.
    responsible: Responsible | None = None
    district_offices: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    events: list = field(default_factory=list)
    topic: str = ""


def overview(
    audience: str, theme: str, municipality: Municipality | None, region: Region | None = None
) -> Overview:
    region = (
        region
        or (municipality.region if municipality else None)
        or Region.objects.order_by("pk").first()
    )
    result = Overview(audience, theme, municipality, region)
    result.guides, result.fallback = cell_guides(region, audience, theme)
    places = published_places().filter(region=region) if region else published_places()
    if theme:
        places = places.filter(attributes__group="field", attributes__value=theme).distinct()
    if municipality is not None:
        nearby = list(places.filter(municipality=municipality)[:6])
        result.places = nearby + list(places.exclude(municipality=municipality)[: 6 - len(nearby)])
    else:
        result.places = list(places[:6])
    wants_properties = audience in (Audience.FOUNDER, Audience.INVESTOR) or theme in (
        Theme.WORK,
        Theme.HOUSING,
    )
    if wants_properties:
        props = published_properties()
        if theme == Theme.HOUSING:
            props = props.filter(kind=Kind.VACANT_BUILDING)
        if municipality is not None:
            props = props.filter(municipality=municipality)
        elif region is not None:
            props = props.filter(municipality__district__regions=region)
        result.properties = list(props.order_by("-published_at")[:6])
    result.topic = cell_topic(audience, theme)
    if municipality is not None:
        result.responsible = responsible(region, result.topic, municipality)
        offices = [result.responsible] if result.responsible else []
    elif region is not None:
        result.district_offices = [
            office
            for district in region.districts.order_by("name")
            if (office := responsible(region, result.topic, district=district)) is not None
        ]
        offices = result.district_offices
    else:
        offices = []
    shown = {office.contact.pk for office in offices if office.contact is not None}
    candidates = contacts_for(region, municipality, topics_for(audience, theme))
    if municipality is None:
        # Without a place, the partners for the whole region (the districts' offices are above,
        # a municipality's own contacts are for those who chose it).
        with_area = _with_area(candidates)
        candidates = [c for c in candidates if c.pk not in with_area]
    further = [
        c for c in candidates if c.pk not in shown and (not c.audiences or audience in c.audiences)
    ]
    result.contacts = further[:6] or ([] if offices else contacts_for(region, municipality)[:3])
    result.events = list(upcoming_events(region, municipality, limit=5))
    return result


# --- back office -------------------------------------------------------------------------------


def editable(user, queryset):
    return policy.moderated_records(user, queryset)


def require_moderation(user, record):
    if not policy.can_moderate(user, record):
        raise PermissionDenied
