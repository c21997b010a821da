"""Figures for the start page."""

from dataclasses import dataclass

from django.db.models import Sum

from standortlotse.places.models import Place
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
    published = Property.objects.published()
    totals = published.aggregate(area=Sum("area_available_m2"))
    area = totals["area"] or 0
    return KeyFigures(
        hectares=round(area / M2_PER_HECTARE),
        properties=published.count(),
        places=Place.objects.published().count(),
    )
