"""The Wohnen overview's data for the browser tests: a house and a building plot of
municipality A (Stendal) with photos, a trial-living place and the vacancy platform link."""

from decimal import Decimal

from standortlotse.properties.models import Kind
from tests.browser.places_support import make_place
from tests.factories import PropertyFactory


def housing_world(w):
    w.house = PropertyFactory(
        title="Reihenendhaus zur Miete mit Garten und Terrasse",
        kind=Kind.HOUSE,
        municipality=w.mun_a,
        area_total_m2=310,
        area_available_m2=None,
        living_area_m2=96,
        monthly_rent=Decimal("780"),
        marketing_type="lease",
        zonings=["WA"],
        kita_km=Decimal("0.5"),
        school_km=Decimal("0.7"),
        photo=True,
    )
    PropertyFactory(
        title="Bauplatz 3 im Wohngebiet „Am Lindenberg“",
        kind=Kind.BUILDING_PLOT,
        municipality=w.mun_a,
        area_total_m2=720,
        area_available_m2=None,
        price_per_m2=Decimal("38"),
        zonings=["WA"],
        photo=True,
    )
    make_place(w, "Probewohnen im Fachwerkhaus", fields=("housing",), types=("coliving",),
               offers=("trial_living",))  # fmt: skip
    w.mun_a.vacancy_platform_name = "Luxus der Leere"
    w.mun_a.vacancy_platform_url = "https://altmark.kip-sachsen-anhalt.de/"
    w.mun_a.save()
    return f"/lotse/wohnen/{w.mun_a.slug}/"


def house_page(w):
    housing_world(w)
    return f"/immobilien/{w.house.pk}/"
