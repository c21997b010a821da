"""``{% transparency_figures municipality %}`` (or a district, or a region): the five figures of the latest
transparency snapshot for a profile page, with a link to the ranking and its explanation."""

from django import template

from standortlotse.geo.models import District, Region
from standortlotse.transparency import index, presenters

register = template.Library()


@register.inclusion_tag("transparency/_figures.html")
def transparency_figures(place, heading_level: int = 2):
    snap = index.latest()
    if isinstance(place, Region):
        kind = "regions"
    elif isinstance(place, District):
        kind = "districts"
    else:
        kind = "municipalities"
    row = index.figures_of(snap.data, kind, place.pk) if place is not None else None
    return {
        "row": presenters.displayed(row) if row else None,
        "name": getattr(place, "name", ""),
        "computed_at": presenters.computed_at(snap.data) or snap.created_at,
        "min_inquiries": snap.data.get("min_inquiries", index.MIN_INQUIRIES),
        "heading_tag": f"h{min(max(int(heading_level), 2), 6)}",
    }
