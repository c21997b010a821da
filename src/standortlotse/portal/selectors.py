"""Figures for the start page; the region start pages and the agencies' overview of several
regions side by side; the Wohnen overview of a municipality."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Sum

from standortlotse.cases.models import Case, Stage
from standortlotse.core.collation import sorted_by_name
from standortlotse.geo.models import Municipality, Region, State
from standortlotse.guides import services as guide_services
from standortlotse.inquiries.models import Inquiry
from standortlotse.inquiries.models import Status as InquiryStatus
from standortlotse.inquiries.routing import MunicipalityContact, municipality_contact
from standortlotse.places import selectors as place_selectors
from standortlotse.places.models import Offer, Place
from standortlotse.properties import presenters
from standortlotse.properties import selectors as property_selectors
from standortlotse.properties.models import Property

M2_PER_HECTARE = 10_000


@dataclass(frozen=True)
class KeyFigures:
    hectares: int  # available area of the published properties, rounded to whole hectares
    properties: int  # published properties
    places: int  # published creative places


def key_figures(region: Region | None = None) -> KeyFigures:
    """What the platform (or one region) offers now: only published records count (drafts,
    archived and submitted ones do not); a property without an available area adds nothing to
    the area."""
    # The commercial register (the start page speaks of land to invest in; housing has the
    # Wohnen overview).
    published = Property.objects.published().commercial()
    places = Place.objects.published()
    if region is not None:
        published = published.filter(municipality__district__in=region.districts.all())
        places = places.filter(region=region)
    totals = published.aggregate(area=Sum("area_available_m2"))
    area = totals["area"] or 0
    return KeyFigures(
        hectares=round(area / M2_PER_HECTARE),
        properties=published.count(),
        places=places.count(),
    )


# --- several regions ------------------------------------------------------------------------


def states_of(region: Region) -> list[State]:
    """The federal states the region's districts lie in (a region may cross a state border)."""
    return sorted_by_name(
        State.objects.filter(districts__regions=region).distinct(), lambda s: s.name
    )


def regions_by_state() -> list[tuple[State | None, list[tuple[Region, KeyFigures]]]]:
    """Every region with its figures, grouped by state (a cross-state region under each of its
    states; a region without districts under None, at the end), in German dictionary order."""
    groups: dict[State | None, list[tuple[Region, KeyFigures]]] = {}
    for region in sorted_by_name(Region.objects.prefetch_related("districts"), lambda r: r.name):
        figures = key_figures(region)
        for state in states_of(region) or [None]:
            groups.setdefault(state, []).append((region, figures))
    named = sorted_by_name([s for s in groups if s is not None], lambda s: s.name)
    return [(state, groups[state]) for state in named] + (
        [(None, groups[None])] if None in groups else []
    )


def region_page(region: Region, language: str) -> dict:
    """What a region's start page shows: its figures and newest properties, its creative
    places, guides, upcoming events and contacts."""
    properties = (
        property_selectors.published_properties()
        .filter(municipality__district__in=region.districts.all())
        .prefetch_related("photos")
        .order_by("-published_at", "-pk")
    )
    places = place_selectors.search({"region": region})
    return {
        "figures": key_figures(region),
        "states": states_of(region),
        "latest": list(properties[:6]),
        "places": list(places[:6]),
        "guides": [
            g
            for g in guide_services.published_guides(region).order_by("title_de", "pk")
            if guide_services.has_text(g, language)
        ][:8],
        "events": list(guide_services.upcoming_events(region, limit=4)),
        "contacts": guide_services.contacts_for(region)[:6],
        "municipality_count": region.municipalities().count(),
    }


@dataclass(frozen=True)
class RegionCounts:
    properties: int = 0  # published (commercial register and housing)
    places: int = 0  # published creative places
    inquiries: int = 0  # open inquiries (new or in progress)
    cases: int = 0  # open investor cases (not settled or lost) of the region's organisations

    def __add__(self, other: "RegionCounts") -> "RegionCounts":
        return RegionCounts(
            self.properties + other.properties,
            self.places + other.places,
            self.inquiries + other.inquiries,
            self.cases + other.cases,
        )


def agency_overview() -> dict:
    """The agencies' view across regions and states: per state its regions with their counts
    and the state's sum; the platform's total. An investor case belongs to the region of its
    owning organisation (its region, or that of its district or municipality); cases of
    organisations without one (the state agency) are counted apart, as "no region"."""
    open_inquiries = Inquiry.objects.filter(
        status__in=[InquiryStatus.NEW, InquiryStatus.IN_PROGRESS]
    )
    open_cases = Case.objects.exclude(stage__in=[Stage.SETTLED, Stage.LOST])
    rows = []
    for region in sorted_by_name(Region.objects.all(), lambda r: r.name):
        districts = region.districts.all()
        counts = RegionCounts(
            properties=Property.objects.published()
            .filter(municipality__district__in=districts)
            .count(),
            places=Place.objects.published().filter(region=region).count(),
            inquiries=open_inquiries.filter(region=region).count(),
            cases=open_cases.filter(
                Q(owner__region=region)
                | Q(owner__district__in=districts)
                | Q(owner__municipality__district__in=districts)
            )
            .distinct()
            .count(),
        )
        rows.append((region, counts))
    states = []
    for state in sorted_by_name(
        State.objects.filter(districts__regions__isnull=False).distinct(), lambda s: s.name
    ):
        in_state = [
            (region, counts)
            for region, counts in rows
            if region.districts.filter(state=state).exists()
        ]
        total = sum((counts for _region, counts in in_state), RegionCounts())
        states.append({"state": state, "regions": in_state, "total": total})
    regionless_cases = (
        open_cases.filter(
            owner__region__isnull=True,
            owner__district__regions__isnull=True,
            owner__municipality__district__regions__isnull=True,
        )
        .distinct()
        .count()
    )
    return {
        "states": states,
        "total": sum((counts for _region, counts in rows), RegionCounts()),
        "regionless_cases": regionless_cases,
        "regionless_inquiries": open_inquiries.filter(region__isnull=True).count(),
    }


# --- the Wohnen overview --------------------------------------------------------------------


@dataclass
class HousingOverview:
    """What a municipality offers people looking for a home: the register's houses, building
    plots and vacant buildings for reuse (each with the facts families ask), the places
    offering trial living, the municipality's own vacancy platform and who answers."""

    municipality: Municipality
    groups: dict[str, list[dict]] = field(default_factory=dict)  # key → [{prop, facts}]
    trial_living: list[Place] = field(default_factory=list)
    contact: MunicipalityContact | None = None

    @property
    def empty(self) -> bool:
        return not any(self.groups.values()) and not self.trial_living


def housing_overview(municipality: Municipality) -> HousingOverview:
    groups = {
        key: [{"prop": prop, "facts": presenters.family_facts(prop)} for prop in records]
        for key, records in property_selectors.housing_in(municipality).items()
    }
    trial = list(
        place_selectors.search({"municipality": municipality, "offer": [Offer.TRIAL_LIVING]})
    )
    return HousingOverview(municipality, groups, trial, municipality_contact(municipality))


def housing_municipalities() -> list[Municipality]:
    """The chooser's municipalities: the site region's (all of every region when it has none),
    in German dictionary order."""
    region = Region.objects.filter(slug=settings.SITE_REGION).first()
    found = (
        region.municipalities()
        if region is not None
        else Municipality.objects.filter(district__regions__isnull=False).distinct()
    )
    return sorted_by_name(found.only("pk", "name", "slug", "ags"), lambda m: m.name)


def municipality_by_slug(slug: str) -> Municipality | None:
    """The municipality of a Wohnen address: by its slug, or by its AGS (rows without one)."""
    found = Municipality.objects.select_related("district").filter(slug=slug).first()
    if found is None and slug.isdigit():
        found = Municipality.objects.select_related("district").filter(ags=slug).first()
    return found
