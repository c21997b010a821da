"""The property search page: what it understood, active filters as chips, open sections, areas
in m² or ha, result cards, and an empty result that shows a way forward (de and en)."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from standortlotse.properties.models import Kind, Property
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    Property.objects.all().delete()
    PropertyFactory(
        title="Gewerbefläche Nord",
        municipality=world.mun_a,
        kind=Kind.PLOT,
        area_available_m2=43_990,
        motorway_km=Decimal("38"),
        motorway_junction="AS Stendal (A14)",
        rail_siding="yes",
    )
    PropertyFactory(
        title="Lagerhalle Süd",
        municipality=world.mun_b,
        kind=Kind.HALL,
        area_available_m2=4_000,
        motorway_km=Decimal("4"),
        rail_siding="no",
    )
    return world


def page(client, query, language="de"):
    with translation.override(language):
        url = reverse("properties:search")
    response = client.get(url + "?" + query)
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def chips(html, heading):
    block = re.search(rf'id="{heading}".*?</ul>', html, re.S)
    if not block:
        return []
    return [
        (unescape(label), unescape(href))
        for label, href in re.findall(
            r'<li class="chip"><span>([^<]+)</span> <a href="\?([^"]*)"', block.group(0)
        )
    ]


def test_the_page_says_what_it_understood_and_each_part_can_be_removed(client, register):
    html = page(client, "q=Halle+mit+Gleisanschluss+ab+2+ha")
    understood = chips(html, "understood-label")
    assert [label for label, _href in understood] == ["Halle", "Gleisanschluss", "ab 2 ha"]
    assert titles(html) == []
    without_rail = dict(understood)["Gleisanschluss"]
    assert without_rail == "q=Halle+mit+ab+2+ha"
    assert titles(page(client, dict(understood)["Halle"])) == ["Gewerbefläche Nord"]


def test_english_labels_for_the_understood_parts(client, register):
    html = page(client, "q=hall+with+rail+siding+from+2+ha", "en")
    assert [label for label, _h in chips(html, "understood-label")] == [
        "hall/warehouse",
        "rail siding",
        "from 2 ha",
    ]


def test_an_empty_result_shows_the_nearest_matches_as_links(client, register):
    html = page(client, "q=Gleisanschluss&motorway_km_max=10")
    assert "Kein Objekt erfüllt alle diese Kriterien." in html
    links = re.findall(r'<ul class="suggestions">(.*?)</ul>', html, re.S)[0]
    [(href, text)] = re.findall(r'<a href="\?([^"]+)">([^<]+)</a>', links)[:1]
    assert unescape(text) == "1 Objekt, wenn Sie 40 km zur Autobahn zulassen"
    assert titles(page(client, unescape(href))) == ["Gewerbefläche Nord"]
    assert 'action="/suche/benachrichtigung/"' in html  # the alert offer


def test_an_empty_result_in_english(client, register):
    html = page(client, "q=rail+siding&motorway_km_max=10", "en")
    assert "1 property if you allow 40 km to the motorway" in html
    assert 'action="/en/suche/benachrichtigung/"' in html


def test_active_filters_are_chips_that_remove_one_filter(client, register):
    html = page(client, "kind=hall&kind=plot&area_min=2+ha&rail_siding=yes")
    active = dict(chips(html, "active-label"))
    assert set(active) == {
        "Art: Gewerbe-/Industriefläche",
        "Art: Halle/Lager",
        "Fläche ab: 2 ha",
        "Gleisanschluss: vorhanden",
    }, active
    remove_rail = next(href for label, href in active.items() if label.startswith("Gleis"))
    assert "rail_siding" not in remove_rail and remove_rail.count("kind=") == 2
    remove_hall = next(href for label, href in active.items() if "Halle" in label)
    assert "kind=hall" not in remove_hall and "kind=plot" in remove_hall


def test_sections_with_an_active_filter_are_open(client, register):
    closed = page(client, "")
    assert closed.count("<details open>") == 1  # area and price, always
    html = page(client, "rail_siding=yes&motorway=A14")
    assert html.count("<details open>") == 3


@pytest.mark.parametrize(
    ("value", "expected"), [("4 ha", ["Gewerbefläche Nord"]), ("40.000 m²", ["Gewerbefläche Nord"])]
)
def test_area_in_square_metres_or_hectares(client, register, value, expected):
    assert titles(page(client, f"area_min={value}")) == expected


def test_an_invalid_area_gets_an_error_naming_the_field(client, register):
    html = page(client, "area_min=viel")
    assert "Fläche ab" in html and "in Hektar (z. B. 5 ha)" in html
    assert 'class="error-summary"' in html
    html = page(client, "motorway=Autobahn")
    assert "A und die Nummer, z. B. A14." in html


def test_result_cards_round_hectares_and_show_distances(client, register):
    html_all = page(client, "sort=area_desc")
    assert "4,4 ha" in html_all and "4,39" not in html_all
    assert re.search(r"Autobahn: 38 km", html_all)
    html = page(client, "q=Lagerhalle+" + register.mun_b.name)
    assert re.search(r"\d+ km von " + register.mun_b.name, html)
    assert 'class="result-thumb kind-icon"' in html  # no photo: a neutral kind icon
    en = page(client, "sort=area_desc", "en")
    assert "4.4 ha" in en


def test_a_word_that_finds_nothing_is_named(client, register):
    html = page(client, "q=Lagerhalle+Zauberwald")
    assert "Diese Treffer lassen „Zauberwald“ weg." in unescape(html)
    assert titles(html) == ["Lagerhalle Süd"]
