"""The header search reads attribute words, leaves out a word that finds nothing (and says
which), and puts the kind of result asked for first."""

import re
from html import unescape

import pytest
from django.urls import reverse

from standortlotse.properties.models import Kind
from standortlotse.search import services
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(world):
    PropertyFactory(
        title="Gewerbefläche mit Gleis",
        municipality=world.mun_a,
        rail_siding="yes",
        area_available_m2=30_000,
    )
    PropertyFactory(
        title="Coworking-Büro am Markt",
        municipality=world.mun_a,
        kind=Kind.OFFICE,
    )
    return world


def group_keys(result):
    return [g.key for g in result.groups if g.hits]


def test_attribute_words_filter_the_properties(content):
    result = services.search("Gleisanschluss ab 2 ha")
    [props] = [g for g in result.groups if g.key == "properties"]
    assert [str(h.title) for h in props.hits] == ["Gewerbefläche mit Gleis"]
    assert [label for label, _q in result.understood] == ["Gleisanschluss", "ab 2 ha"]


def test_a_part_that_finds_nothing_is_left_out_and_named(content):
    result = services.search("Halle mit Gleisanschluss")
    assert result.dropped in ("Halle", "Gleisanschluss") and result.total


def test_coworking_shows_coworking_places_first(content):
    from django.utils import timezone

    from tests.factories import PlaceFactory

    published = {"status": "published", "published_at": timezone.now(), "region": content.region}
    # An "A" name: sorted by name alone it would come first.
    PlaceFactory(name="Atelierhaus", pitch="Ateliers, auch Coworking nach Absprache", **published)
    typed = PlaceFactory(name="Zentrum Nord", pitch="Schreibtische und Kaffee", **published)
    typed.set_values("type", ["coworking"])
    result = services.search("coworking")
    assert group_keys(result)[0] == "places"  # before the Coworking-Büro property
    [places] = [g for g in result.groups if g.key == "places"]
    assert [str(h.title) for h in places.hits] == ["Zentrum Nord", "Atelierhaus"]


def test_kind_words_put_their_group_first(content):
    assert services._first_group(["coworking"], services.search("x")) == "places"
    meaning = type("M", (), {"parts": [object()]})()
    assert services._first_group(["Halle"], meaning) == "properties"
    assert services._first_group(["Veranstaltungen"], meaning) == "events"
    nothing = type("M", (), {"parts": []})()
    assert services._first_group(["Stendal"], nothing) == ""


def test_the_page_shows_removable_understood_parts_de_and_en(client, content):
    html = client.get(reverse("search") + "?q=Gleisanschluss+ab+2+ha").content.decode()
    parts = re.findall(r'<li class="chip"><span>([^<]+)</span> <a href="\?q=([^"]*)"', html)
    assert [label for label, _q in parts] == ["Gleisanschluss", "ab 2 ha"]
    assert unescape(parts[0][1]) == "ab%202%20ha"
    en = client.get("/en/suche/?q=rail+siding+from+2+ha").content.decode()
    assert "Understood" in en and "from 2 ha" in en


def test_dropped_word_is_said_on_the_page(client, content):
    html = unescape(client.get(reverse("search") + "?q=Gleis+Zauberwald").content.decode())
    assert "Diese Treffer lassen „Zauberwald“ weg." in html
