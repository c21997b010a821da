"""How a place is described to search engines (schema.org JSON-LD)."""

from django.utils.html import strip_tags

from standortlotse.places.models import PlaceType

# Types that are businesses in schema.org terms; the rest are plain places.
BUSINESS_TYPES = {PlaceType.COWORKING, PlaceType.COLIVING, PlaceType.VILLAGE_SHOP, PlaceType.MAKER_SPACE}


def json_ld(place, request) -> dict:
    url = request.build_absolute_uri(place.get_absolute_url())
    is_business = bool(BUSINESS_TYPES & set(place.values_of("type")))
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness" if is_business else "Place",
        "@id": url,
        "url": url,
        "name": place.name,
        "description": place.pitch or strip_tags(place.story)[:300],
        "geo": {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon},
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place.street,
            "postalCode": place.postcode,
            "addressLocality": place.locality or place.municipality.name,
            "addressRegion": place.municipality.district.name,
            "addressCountry": "DE",
        },
        "keywords": ", ".join(place.labels_of("type") + place.tag_list()),
    }
    photos = [request.build_absolute_uri(p.image.url) for p in place.photos.all()]
    if photos:
        data["image"] = photos
    links = ([place.website] if place.website else []) + place.social_link_list()
    if links:
        data["sameAs"] = links
    if place.contact_email:
        data["email"] = place.contact_email
    if place.contact_phone:
        data["telephone"] = place.contact_phone
    if place.opening_info and is_business:
        data["openingHours"] = place.opening_info
    return data
