"""Figures for the start page; the Wohnen overview of a municipality."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum

from standortlotse.core.collation import sorted_by_name
from standortlotse.geo.models import Municipality, Region
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


def key_figures() -> KeyFigures:
    """What the region offers now: only published records count (drafts, archived and
    submitted ones do not); a property without an available area adds nothing to the area."""
    # The commercial register (the start page speaks of land to invest in; housing has the
    # Wohnen overview).
    published = Property.objects.published().commercial()
    totals = published.aggregate(area=Sum("area_available_m2"))
    area = totals["area"] or 0
    return KeyFigures(
        hectares=round(area / M2_PER_HECTARE),
        properties=published.count(),
        places=Place.objects.published().count(),
    )


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
