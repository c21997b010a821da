"""The map area as a search filter (bbox: "search in this map area", a drawn area) and what the
map's GeoJSON gives the popups."""

import pytest

pytestmark = pytest.mark.django_db


def _titles(response):
    return [p.title for p in response.context["page"]]


def test_bbox_limits_the_results_and_the_map(client, world):
    # Around Stendal only (11.86 E, 52.6 N).
    response = client.get("/immobilien/", {"bbox": "11.7,52.5,12.0,52.7"})
    assert _titles(response) == [world.prop_a.title]
    body = response.content.decode()
    assert 'name="bbox" value="11.7,52.5,12.0,52.7"' in body  # kept by the filter form
    assert "bbox=11.7%2C52.5%2C12%2C52.7" in response.context["map_query"]
    assert 'data-bbox="11.7,52.5,12.0,52.7"' in body
    features = client.get("/api/properties.geojson?" + response.context["map_query"]).json()
    assert [f["properties"]["title"] for f in features["features"]] == [world.prop_a.title]


@pytest.mark.parametrize("value", ["1,2,3", "a,b,c,d", "12,53,11,52", "0,95,1,96"])
def test_a_broken_bbox_names_the_field_and_the_rest_still_applies(client, world, value):
    response = client.get("/immobilien/", {"bbox": value, "kind": "hall"})
    assert response.status_code == 200
    errors = response.context["form"].errors["bbox"]
    assert errors and ("west" in errors[0] or "West" in errors[0])
    assert "Kartenausschnitt" in response.content.decode()
    assert _titles(response) == [world.prop_b.title]  # kind=hall still filters
    assert 'data-bbox=""' in response.content.decode()


def test_geojson_gives_the_popup_photo_and_facts(client, world):
    from standortlotse.properties.models import PropertyPhoto

    PropertyPhoto.objects.create(
        property=world.prop_a, image="properties/photos/2026/luftbild.jpg", alt_text="Luftbild"
    )
    features = client.get("/api/properties.geojson").json()["features"]
    by_title = {f["properties"]["title"]: f["properties"] for f in features}
    a = by_title[world.prop_a.title]
    assert a["photo"].startswith("/media/") and a["photo_alt"] == "Luftbild"
    assert a["availability_label"] and a["kind_label"]
    assert by_title[world.prop_b.title]["photo"] is None
