"""Reading and writing guides, the contacts directory and events.

* ``contacts_for``: who helps with a topic in a municipality (the directory, used by the guided
  entry, guide pages and the inquiry routing).
* ``overview``: the personal overview of the guided entry ("Ich komme zurück" + topic +
  municipality): guide sections, places, properties, contacts and events that fit.
* back-office writes check ``policy.can_moderate`` (regional moderators, state admins).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from standortlotse.accounts import policy
from standortlotse.geo.models import Municipality, Region
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


def serves(municipality: Municipality | None) -> Q:
    """Contacts whose area includes the municipality (no area given = the whole region)."""
    if municipality is None:
        return Q()
    whole_region = Q(districts__isnull=True, municipalities__isnull=True)
    return whole_region | Q(districts=municipality.district_id) | Q(municipalities=municipality)


def contacts_for(
    region: Region | None, municipality: Municipality | None = None, topics: list[str] | None = None
):
    contacts = Contact.objects.published().select_related("organisation")
    if municipality is not None:
        contacts = contacts.filter(region__districts=municipality.district_id)
    elif region is not None:
        contacts = contacts.filter(region=region)
    contacts = contacts.filter(serves(municipality)).distinct()
    result = list(contacts)
    if topics:
        result = [c for c in result if set(c.topics) & set(topics)]
    # Contacts for a named municipality before those for a district or the whole region.
    if municipality is not None:
        local = set(
            Contact.objects.filter(
                pk__in=[c.pk for c in result], municipalities=municipality
            ).values_list("pk", flat=True)
        )
        result.sort(key=lambda c: (c.pk not in local, c.organisation.name, c.person))
    return result


def routing_contact(region, municipality, topic) -> Contact | None:
    """The directory's answer for the inquiry routing: a contact for this topic and place."""
    if region is None or not topic:
        return None
    candidates = contacts_for(region, municipality, [topic])
    return candidates[0] if candidates else None


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


@dataclass
class Overview:
    audience: str
    theme: str
    municipality: Municipality | None
    region: Region | None
    guides: list = field(default_factory=list)
    places: list = field(default_factory=list)
    properties: list = field(default_factory=list)
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
    guides = published_guides(region)
    if theme:
        guides = guides.filter(theme=theme)
    result.guides = [
        g for g in guides if not audience or audience in g.audiences or not g.audiences
    ]
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
    topics = topics_for(audience, theme)
    result.topic = topics[0] if topics else "other"
    result.contacts = (
        contacts_for(region, municipality, topics)[:6] or contacts_for(region, municipality)[:3]
    )
    result.events = list(upcoming_events(region, municipality, limit=5))
    return result


# --- back office -------------------------------------------------------------------------------


def editable(user, queryset):
    return policy.moderated_records(user, queryset)


def require_moderation(user, record):
    if not policy.can_moderate(user, record):
        raise PermissionDenied
