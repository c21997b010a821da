"""OGC API – Features: required members of every response (Part 1 Core + GeoJSON)."""

import pytest

from standortlotse.properties.models import Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

BASE = "/api/ogc"


def _link_rels(doc):
    return {link["rel"] for link in doc["links"]}


def _check_links(doc):
    for link in doc["links"]:
        assert link["href"].startswith("http") and link["rel"]


def test_landing_page_and_conformance(client):
    landing = client.get(f"{BASE}/").json()
    assert {"self", "service-desc", "conformance", "data"} <= _link_rels(landing)
    _check_links(landing)
    conformance = client.get(f"{BASE}/conformance").json()
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance["conformsTo"]
    )
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
        in conformance["conformsTo"]
    )
    # the service description the landing page points to exists and documents the OGC paths
    desc = next(link["href"] for link in landing["links"] if link["rel"] == "service-desc")
    schema = client.get(desc.replace("http://testserver", "")).json()
    assert "/api/ogc/collections/{name}/items" in schema["paths"]


def test_collections(client, world):
    data = client.get(f"{BASE}/collections").json()
    assert {c["id"] for c in data["collections"]} == {"properties", "places"}
    for collection in data["collections"]:
        assert {"self", "items"} <= _link_rels(collection)
        west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
        assert west <= east and south <= north
    one = client.get(f"{BASE}/collections/properties").json()
    assert one["id"] == "properties" and one["itemType"] == "feature"
    assert client.get(f"{BASE}/collections/nothing").status_code == 404


def _check_feature(feature):
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert isinstance(feature["properties"], dict) and "id" in feature


def test_items_paging_bbox_and_item(client, world):
    PropertyFactory(title="Entwurf", municipality=world.mun_a, status=Status.DRAFT)
    response = client.get(f"{BASE}/collections/properties/items", {"limit": 2})
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    page = response.json()
    assert (
        page["type"] == "FeatureCollection" and page["numberReturned"] == 2 and "timeStamp" in page
    )
    assert page["numberMatched"] == 3  # drafts are not published
    assert {"self", "next"} <= _link_rels(page)
    for feature in page["features"]:
        _check_feature(feature)
    nxt = next(link["href"] for link in page["links"] if link["rel"] == "next")
    second = client.get(nxt.replace("http://testserver", "")).json()
    assert second["numberReturned"] == 1 and "prev" in _link_rels(second)
    titles = {f["properties"]["title"] for f in page["features"] + second["features"]}
    assert titles == {world.prop_a.title, world.prop_b.title, world.prop_c.title}
    # bbox around Gardelegen (11.39, 52.53) only
    near = client.get(
        f"{BASE}/collections/properties/items", {"bbox": "11.3,52.4,11.5,52.6"}
    ).json()
    assert [f["properties"]["title"] for f in near["features"]] == [world.prop_b.title]
    item = client.get(f"{BASE}/collections/properties/items/{world.prop_b.pk}")
    assert item["Content-Type"] == "application/geo+json"
    _check_feature(item.json())
    assert client.get(f"{BASE}/collections/properties/items/999999").status_code == 404
    assert client.get(f"{BASE}/collections/properties/items/abc").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "10,50,5,40"},
        {"limit": 0},
        {"limit": 5000},
        {"offset": -1},
    ],
)
def test_bad_parameters_get_400(client, world, query):
    response = client.get(f"{BASE}/collections/properties/items", query)
    assert response.status_code in (400, 422) and "detail" in response.json()


def test_places_collection(client, db):
    from django.core.management import call_command

    call_command("load_demo", "--count", "2", "--allow-production")
    page = client.get(f"{BASE}/collections/places/items", {"limit": 5}).json()
    assert page["numberReturned"] == 5
    feature = page["features"][0]
    _check_feature(feature)
    one = client.get(f"{BASE}/collections/places/items/{feature['id']}").json()
    assert one["id"] == feature["id"] and one["properties"]["name"]


def test_items_carry_the_zonings_as_a_list_and_the_first_as_zoning(client, world):
    world.prop_a.zonings = ["GE", "GI"]
    world.prop_a.save()
    item = client.get(f"{BASE}/collections/properties/items/{world.prop_a.pk}").json()
    assert item["properties"]["zonings"] == ["GE", "GI"] and item["properties"]["zoning"] == "GE"
