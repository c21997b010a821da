"""How a property is shown: the key facts table, units, and schema.org JSON-LD."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from standortlotse.core.schema import geo, postal_address
from standortlotse.core.units import hectares
from standortlotse.properties.models import Availability, Property


def format_area(m2: int | None) -> str:
    """12 500 m² → '12.500 m² (1,25 ha)'; areas from one hectare also show hectares."""
    if m2 is None:
        return ""
    text = f"{intcomma(m2)} m²"
    if m2 >= 10_000:
        text += f" ({hectares(m2, 2)})"  # rounded half up, not cut (core/units.py)
    return text


def _yes_no(value):
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _num(value, unit, decimals=None):
    if value is None:
        return ""
    return f"{number_format(value, decimal_pos=decimals, use_l10n=True)} {unit}".strip()


def price_text(prop: Property) -> str:
    if prop.price_on_request:
        return _("on request")
    if prop.price_per_m2 is None:
        return ""
    return _num(prop.price_per_m2, "€/m²", 2)


def availability_text(prop: Property) -> str:
    if prop.availability == Availability.FROM_DATE and prop.available_from:
        return _("from %(date)s") % {"date": date_format(prop.available_from)}
    return prop.get_availability_display()


def fact_rows(prop: Property) -> list[tuple[str, str]]:
    """Label/value pairs for everything known about the property, in reading order."""
    f = Property._meta.get_field
    motorway = _num(prop.motorway_km, "km", 1)
    if motorway and prop.motorway_junction:
        motorway = f"{motorway} ({prop.motorway_junction})"
    electricity = " / ".join(
        x for x in (_num(prop.electricity_kv, "kV"), _num(prop.electricity_mw, "MW", 2)) if x
    )
    ratios = " / ".join(
        f"{label} {number_format(value, decimal_pos=2)}"
        for label, value in (("GRZ", prop.grz), ("GFZ", prop.gfz), ("BMZ", prop.bmz))
        if value is not None
    )
    rows = [
        (_("Kind"), prop.get_kind_display()),
        (_("Municipality"), f"{prop.municipality.name} ({prop.municipality.district.name})"),
        (
            _("Address"),
            ", ".join(x for x in (prop.street, f"{prop.postcode} {prop.locality}".strip()) if x),
        ),
        (f("area_total_m2").verbose_name, format_area(prop.area_total_m2)),
        (f("area_available_m2").verbose_name, format_area(prop.area_available_m2)),
        (f("divisible").verbose_name, _yes_no(prop.divisible)),
        (f("smallest_plot_m2").verbose_name, format_area(prop.smallest_plot_m2)),
        (f("zonings").verbose_name, prop.zonings_display()),
        (
            f("planning_status").verbose_name,
            prop.get_planning_status_display() if prop.planning_status else "",
        ),
        (
            f("marketing_type").verbose_name,
            prop.get_marketing_type_display() if prop.marketing_type else "",
        ),
        (f("price_per_m2").verbose_name, price_text(prop)),
        (f("availability").verbose_name, availability_text(prop)),
        (f("owner_type").verbose_name, prop.get_owner_type_display() if prop.owner_type else ""),
        (f("motorway_km").verbose_name, motorway),
        (f("federal_road_km").verbose_name, _num(prop.federal_road_km, "km", 1)),
        (f("rail_siding").verbose_name, prop.get_rail_siding_display() if prop.rail_siding else ""),
        (f("inland_port_km").verbose_name, _num(prop.inland_port_km, "km", 1)),
        (f("airport_km").verbose_name, _num(prop.airport_km, "km", 1)),
        (_("Electricity"), electricity),
        (f("gas").verbose_name, _yes_no(prop.gas)),
        (f("hydrogen").verbose_name, _yes_no(prop.hydrogen)),
        (f("water").verbose_name, _yes_no(prop.water)),
        (f("waste_water").verbose_name, _yes_no(prop.waste_water)),
        (f("broadband_mbits").verbose_name, _num(prop.broadband_mbits, "Mbit/s")),
        (f("mobile_coverage").verbose_name, prop.mobile_coverage),
        (f("operation_24_7").verbose_name, _yes_no(prop.operation_24_7)),
        (f("noise_limits").verbose_name, prop.noise_limits),
        (f("max_building_height_m").verbose_name, _num(prop.max_building_height_m, "m", 1)),
        (_("GRZ / GFZ / BMZ"), ratios),
        (f("funding_area").verbose_name, _yes_no(prop.funding_area)),
        (f("funding_rate").verbose_name, _num(prop.funding_rate, "%", 0)),
        (f("verified_on").verbose_name, date_format(prop.verified_on) if prop.verified_on else ""),
    ]
    return [(str(label), value) for label, value in rows if value]


def compare_rows(props: list[Property]) -> list[tuple[str, list[str]]]:
    """The facts of several properties side by side: (label, [value per property])."""
    tables = [dict(fact_rows(p)) for p in props]
    labels: list[str] = []
    for table in tables:
        for label in table:
            if label not in labels:
                labels.append(label)
    return [(label, [table.get(label, "–") for table in tables]) for label in labels]


def json_ld(prop: Property, request) -> dict:
    """schema.org RealEstateListing about a Place, with an Offer when it is marketed."""
    url = request.build_absolute_uri(prop.get_absolute_url())
    place = {
        "@type": "Place",
        "name": prop.title,
        "geo": geo(prop.lat, prop.lon),
        "address": postal_address(
            prop.street,
            prop.postcode,
            prop.locality or prop.municipality.name,
            prop.municipality.district.name,
        ),
    }
    if prop.area_available_m2:
        place["additionalProperty"] = [
            {
                "@type": "PropertyValue",
                "name": "available area",
                "value": prop.area_available_m2,
                "unitCode": "MTK",
            }
        ]
    data = {
        "@context": "https://schema.org",
        "@type": "RealEstateListing",
        "@id": url,
        "url": url,
        "name": prop.title,
        "description": prop.description_de or prop.description_en,
        "dateModified": prop.updated_at.isoformat(),
        "about": place,
    }
    if prop.published_at:
        data["datePosted"] = prop.published_at.isoformat()
    photos = [request.build_absolute_uri(p.image.url) for p in prop.photos.all()]
    if photos:
        data["image"] = photos
    if prop.marketing_type:
        offer = {
            "@type": "Offer",
            "url": url,
            "businessFunction": (
                "http://purl.org/goodrelations/v1#Sell"
                if prop.marketing_type == "sale"
                else "http://purl.org/goodrelations/v1#LeaseOut"
            ),
        }
        if prop.price_per_m2 is not None:
            offer["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": str(prop.price_per_m2),
                "priceCurrency": "EUR",
                "unitCode": "MTK",
            }
        data["offers"] = offer
    return data
