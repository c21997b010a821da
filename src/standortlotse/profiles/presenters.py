"""A location profile as pages show it: its address, JSON-LD, description, embed snippet."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from standortlotse.core.schema import geo
from standortlotse.profiles.models import Key

URL_NAMES = {
    "municipality": "profiles:municipality",
    "district": "profiles:district",
    "region": "profiles:region",
}


def profile_url(kind: str, key: str) -> str:
    return reverse(URL_NAMES[kind], args=[key])


def url_of(place) -> str:
    """The profile page of a municipality, district or region."""
    from standortlotse.geo.models import District, Municipality

    if isinstance(place, Municipality):
        return profile_url("municipality", place.ags)
    if isinstance(place, District):
        return profile_url("district", place.key)
    return profile_url("region", place.slug)


def json_ld(profile: dict, url: str) -> dict:
    """schema.org AdministrativeArea (a Place) with the figures as PropertyValues, each with
    its date and source (``measurementTechnique``), the containing area and, for a
    municipality, its centre."""
    place = profile["place"]
    data = {
        "@context": "https://schema.org",
        "@type": "AdministrativeArea",
        "@id": url,
        "url": url,
        "name": profile["name"],
        "additionalProperty": [
            {
                "@type": "PropertyValue",
                "propertyID": shown.key,
                "name": shown.label,
                "value": float(shown.value),
                "validFrom": shown.as_of.isoformat(),
                "measurementTechnique": shown.source,
                **({"unitText": "%"} if shown.key.endswith("_pct") else {}),
                **({"unitCode": "KMK"} if shown.key == Key.AREA else {}),
            }
            for shown in profile["figures"].values()
        ],
    }
    if profile["kind"] == "municipality":
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "AGS", "value": place.ags}
        data["geo"] = geo(place.lat, place.lon)
        data["containedInPlace"] = {"@type": "AdministrativeArea", "name": place.district.name}
    elif profile["kind"] == "district":
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Kreisschlüssel",
            "value": place.key,
        }
        data["containsPlace"] = [
            {"@type": "AdministrativeArea", "name": m.name} for m in profile["municipalities"]
        ]
    else:
        data["containsPlace"] = [
            {"@type": "AdministrativeArea", "name": d.name} for d in profile["districts"]
        ]
    return data


def description(profile: dict) -> str:
    population = profile["figures"].get(Key.POPULATION)
    if population:
        return _(
            "Location profile of %(name)s: %(population)s inhabitants, taxes, commuters, "
            "travel times and available properties."
        ) % {
            "name": profile["name"],
            "population": population.text,
        }
    return _(
        "Location profile of %(name)s: key figures, travel times and available properties."
    ) % {"name": profile["name"]}


def embed_code(src: str, name: str) -> str:
    title = escape(_("Location profile %(name)s") % {"name": name})
    return (
        f'<iframe src="{escape(src)}" title="{title}" width="100%" height="600" '
        'loading="lazy" style="border:0"></iframe>'
    )


def card_subtitle(kind: str, subject) -> str:
    if kind == "municipality":
        return subject.district.name
    if kind == "district":
        return _("District")
    return _("Region")
