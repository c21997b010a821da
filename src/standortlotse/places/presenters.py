"""How a place is described to search engines (schema.org JSON-LD)."""

from django.utils.html import strip_tags
from django.utils.translation import get_language

from standortlotse.core.schema import geo, postal_address
from standortlotse.core.validators import is_web_url
from standortlotse.places.models import PlaceType

# Types that are businesses in schema.org terms; the rest are plain places.
BUSINESS_TYPES = {
    PlaceType.COWORKING,
    PlaceType.COLIVING,
    PlaceType.VILLAGE_SHOP,
    PlaceType.MAKER_SPACE,
}


def _in_language(place, name: str) -> str:
    """The English version of a text under /en/ where the place has one, else its own."""
    english = getattr(place, f"{name}_en")
    return english if english and (get_language() or "").startswith("en") else getattr(place, name)


def json_ld(place, request) -> dict:
    url = request.build_absolute_uri(place.get_absolute_url())
    is_business = bool(BUSINESS_TYPES & set(place.values_of("type")))
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness" if is_business else "Place",
        "@id": url,
        "url": url,
        "name": place.name,
        "description": _in_language(place, "pitch")
        or strip_tags(_in_language(place, "story"))[:300],
        "geo": geo(place.lat, place.lon),
        "address": postal_address(
            place.street,
            place.postcode,
            place.locality or place.municipality.name,
            place.municipality.district.name,
        ),
        "keywords": ", ".join(place.labels_of("type") + place.tag_list()),
    }
    photos = [request.build_absolute_uri(p.image.url) for p in place.photos.all()]
    if photos:
        data["image"] = photos
    # Only http(s) addresses, also for records stored before the field rules (core.validators).
    links = [link for link in [place.website, *place.social_link_list()] if is_web_url(link)]
    if links:
        data["sameAs"] = links
    if place.contact_email:
        data["email"] = place.contact_email
    if place.contact_phone:
        data["telephone"] = place.contact_phone
    if place.opening_info and is_business:
        data["openingHours"] = place.opening_info
    return data
