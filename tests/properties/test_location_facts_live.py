"""The editor form's live location facts (views/backoffice.editor_location_facts): computed for
the point and municipality as the form holds them, before saving, as a save computes them;
values given with a reason stay; who may ask; coordinates that are no point; the rate limit."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.geo import infrastructure
from standortlotse.properties.models import Property
from tests.factories import PropertyFactory, UserFactory
from tests.properties.test_location_facts import FIXTURE, GRW, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    """As in test_location_facts: the small data set around Stendal, Stendal's GRW data."""
    infrastructure.load_file(FIXTURE)
    world.mun_a.postcodes = ["39576", "39596", "39599"]
    world.mun_a.funding = GRW
    world.mun_a.save()
    return world


NEW = "properties:editor_location_facts_new"
EDIT = "properties:editor_location_facts"
STENDAL_HBF = {"lat": "52.594723", "lon": "11.854412"}
TESTDORF = {"lat": "52.5", "lon": "11.8"}  # the junction AS Testdorf (A14)


def ask(client, url, **values):
    return client.post(url, values, HTTP_HX_REQUEST="true")


def oob_field(page: str, name: str) -> str:
    """The out-of-band field block of ``name`` in a fragment."""
    match = re.search(
        rf'<div class="field[^"]*" id="id_{name}_field" hx-swap-oob="true">(.*?)\n</div>',
        page,
        re.S,
    )
    assert match, f"no out-of-band field {name}"
    return match.group(1)


def input_value(block: str) -> str | None:
    match = re.search(r'<input [^>]*value="([^"]*)"', block)
    return match.group(1) if match else None


def test_a_new_record_gets_its_distances_and_funding_before_saving(client, data):
    client.force_login(data.editor_a)
    response = ask(client, reverse(NEW), municipality=data.mun_a.pk, **TESTDORF)
    assert response.status_code == 200
    page = response.content.decode()
    # the summary beside the map
    assert "Standortfakten" in page and "0,0 km, AS Testdorf (A14)" in page
    assert "Schätzung" in page and "Test: a few features around Stendal" in page
    assert "GRW-Fördergebiet, bis 35 %" in page
    # the computed fields, swapped into the form
    assert input_value(oob_field(page, "motorway_km")) == "0.0"
    assert input_value(oob_field(page, "motorway_junction")) == "AS Testdorf (A14)"
    assert input_value(oob_field(page, "funding_rate")) == "35.00"
    assert '<option value="true" selected>' in oob_field(page, "funding_area")
    assert "Aus dem Punkt berechnet" in oob_field(page, "station_km")
    # what it filled in goes back with the next preview
    shown = re.search(r'name="facts_shown" value="([^"]*)"', page).group(1)
    assert json.loads(shown.replace("&quot;", '"'))["motorway_km"] == "0.0"
    assert not Property.objects.filter(lat=52.5).exclude(pk=data.prop_a.pk).exists()


def test_the_values_of_the_preview_save_without_a_reason(client, data):
    client.force_login(data.editor_a)
    page = ask(client, reverse(NEW), municipality=data.mun_a.pk, **TESTDORF).content.decode()
    fields = ("motorway_junction", "motorway_km", "station_km", "airport_km", "funding_rate")
    values = {name: input_value(oob_field(page, name)) for name in fields}
    values["funding_area"] = "true"
    response = client.post(
        reverse("properties:editor_create"), form_data(data, **TESTDORF, **values)
    )
    assert response.status_code == 302, response.context["form"].errors
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert prop.motorway_km == 0 and prop.fact_overrides == {}
    assert prop.funding_rate == Decimal("35.00")


def test_a_value_given_with_a_reason_stays_and_shows_as_entered(client, data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    client.force_login(data.editor_a)
    response = ask(
        client,
        reverse(EDIT, args=[prop.pk]),
        municipality=data.mun_a.pk,
        motorway_km="14",
        override_motorway="Straßenentfernung laut Stadt",
        **STENDAL_HBF,
    )
    page = response.content.decode()
    assert input_value(oob_field(page, "motorway_km")) == "14"
    assert "statt berechnet, Begründung: Straßenentfernung laut Stadt" in page
    assert re.search(r"berechnet: \d+,\d km, AS Testdorf", page)  # the computed one beside it
    assert input_value(oob_field(page, "station_km")) == "0.0"  # the others follow the point
    prop.refresh_from_db()
    assert prop.lat == 52.5 and prop.station_km != 0  # nothing saved


def test_a_value_the_preview_computed_goes_when_the_point_leaves_the_data(client, data):
    client.force_login(data.editor_a)
    url = reverse(NEW)
    first = ask(client, url, municipality=data.mun_a.pk, **TESTDORF).content.decode()
    shown = re.search(r'name="facts_shown" value="([^"]*)"', first).group(1)
    shown = shown.replace("&quot;", '"')
    outside = {"lat": "48.1", "lon": "11.6"}  # Munich: the data does not cover it
    page = ask(
        client,
        url,
        municipality=data.mun_a.pk,
        motorway_km="0.0",
        airport_km="7",  # typed by the editor: stays
        facts_shown=shown,
        **outside,
    ).content.decode()
    assert input_value(oob_field(page, "motorway_km")) is None
    assert input_value(oob_field(page, "airport_km")) == "7"
    assert "hier nicht berechenbar: bitte von Hand eintragen" in page


def test_without_a_point_the_funding_follows_the_municipality(client, data):
    client.force_login(data.editor_a)
    page = ask(client, reverse(NEW), municipality=data.mun_a.pk).content.decode()
    assert "Setzen Sie den Punkt auf der Karte" in page
    assert "GRW-Fördergebiet, bis 35 %" in page
    # No point yet: the distances wait for it (not "not computable here: enter it by hand").
    assert "berechnet, sobald der Punkt gesetzt ist" in page
    assert "hier nicht berechenbar" not in page


def test_the_postcode_check_comes_along(client, data):
    client.force_login(data.editor_a)
    page = ask(
        client, reverse(NEW), municipality=data.mun_a.pk, postcode="29410", **TESTDORF
    ).content.decode()
    assert '<div id="postcode-check" class="postcode-check" hx-swap-oob="true">' in page
    assert "Die Postleitzahl 29410 gehört nicht zu Stendal" in page


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"lat": "abc", "lon": "11.8"}, "Breitengrad", "Zahl"),
        ({"lat": "152.5", "lon": "11.8"}, "Breitengrad", "kleiner oder gleich 90"),
        ({"lat": "52.5", "lon": "-200"}, "Längengrad", "größer oder gleich -180"),
        ({"lat": "11.8", "lon": "52.5"}, "Breitengrad", "außerhalb Deutschlands"),
    ],
)
def test_coordinates_that_are_no_point_get_an_error_naming_the_field(
    client, data, values, field, message
):
    client.force_login(data.editor_a)
    response = ask(client, reverse(NEW), municipality=data.mun_a.pk, **values)
    assert response.status_code == 422
    page = response.content.decode()
    error = re.search(r'<li><a href="#id_(lat|lon)">([^<]+)</a>: ([^<]+)</li>', page)
    assert error and error.group(2) == field and message in error.group(3), page
    assert "hx-swap-oob" not in page  # the form's fields stay as they are


# --- who may ask -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, data):
    for url in (reverse(NEW), reverse(EDIT, args=[data.prop_a.pk])):
        response = ask(client, url, **TESTDORF)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_a_logged_in_user_without_a_role_is_refused(client, data):
    client.force_login(UserFactory())
    assert ask(client, reverse(NEW), **TESTDORF).status_code == 403


def test_another_organisations_editor_gets_nothing_of_the_record(client, data):
    client.force_login(data.editor_b)  # Gardelegen
    response = ask(client, reverse(EDIT, args=[data.prop_a.pk]), **TESTDORF)
    assert response.status_code == 404
    assert data.prop_a.title not in response.content.decode()
    # a new record in a municipality not theirs: refused like the form's choice
    response = ask(client, reverse(NEW), municipality=data.mun_a.pk, **TESTDORF)
    assert response.status_code == 422
    assert re.search(r'<a href="#id_municipality">Gemeinde</a>:', response.content.decode())


def test_the_own_editor_and_the_regional_moderator_may_ask(client, data):
    for user in (data.editor_a, data.moderator, data.state_admin):
        client.force_login(user)
        response = ask(client, reverse(EDIT, args=[data.prop_a.pk]), **TESTDORF)
        assert response.status_code == 200, user
        assert "AS Testdorf (A14)" in response.content.decode()


def test_only_post(client, data):
    client.force_login(data.editor_a)
    assert client.get(reverse(NEW), TESTDORF).status_code == 405


def test_previews_are_rate_limited(client, data, settings):
    settings.LOCATION_FACTS_PER_HOUR = 2
    client.force_login(data.editor_a)
    for _ in range(2):
        assert ask(client, reverse(NEW), **TESTDORF).status_code == 200
    response = ask(client, reverse(NEW), **TESTDORF)
    assert response.status_code == 429
    assert "berechnet, wenn Sie speichern" in response.content.decode()


# --- the form's page ----------------------------------------------------------------------------


def test_the_form_shows_the_saved_facts_and_asks_for_new_ones_when_the_point_moves(client, data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    client.force_login(data.editor_a)
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    panel = re.search(r'<div id="location-facts"[^>]*>', page).group(0)
    assert f'hx-post="{reverse(EDIT, args=[prop.pk])}"' in panel
    assert "point-moved from:body" in panel and 'hx-include="closest form"' in panel
    assert "0,0 km, AS Testdorf (A14)" in page
    assert 'id="id_motorway_km_field"' in page
    new = client.get(reverse("properties:editor_create")).content.decode()
    assert f'hx-post="{reverse(NEW)}"' in new


def test_without_reference_data_the_panel_says_so_and_fills_in_nothing(client, world):
    client.force_login(world.editor_a)
    response = ask(client, reverse(NEW), municipality=world.mun_a.pk, **TESTDORF)
    assert response.status_code == 200
    page = response.content.decode()
    assert "keine Referenzdaten" in page and "Luftlinie" not in page
    assert input_value(oob_field(page, "motorway_km")) is None
