"""The property and geography API: filters, bbox, pagination, errors, GeoJSON, writes, OpenAPI."""

import json

import pytest
from django.urls import reverse

from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory
from tests.properties.support import add_photo

pytestmark = pytest.mark.django_db


def test_list_with_filters_and_pagination(client, world):
    PropertyFactory(title="Draft", municipality=world.mun_a, status=Status.DRAFT)
    data = client.get("/api/properties", {"limit": 2}).json()
    assert data["count"] == 3 and data["limit"] == 2 and len(data["items"]) == 2
    data = client.get("/api/properties", {"limit": 2, "offset": 2}).json()
    assert len(data["items"]) == 1
    data = client.get("/api/properties", {"kind": "hall"}).json()
    assert [i["title"] for i in data["items"]] == ["Halle Gardelegen"]
    item = data["items"][0]
    assert item["municipality"] == {
        "id": world.mun_b.pk,
        "name": "Gardelegen",
        "ags": "15081135",
        "district": "Altmarkkreis Salzwedel",
    }
    assert item["url"] == f"/immobilien/{world.prop_b.pk}/"
    data = client.get("/api/properties", {"region": world.region.pk, "sort": "title"}).json()
    assert [i["title"] for i in data["items"]] == ["Gewerbepark Stendal Nord", "Halle Gardelegen"]


def test_repeated_kind_parameter(client, world):
    data = client.get("/api/properties?kind=hall&kind=plot").json()
    assert data["count"] == 3


def test_bbox(client, world):
    # Stendal (11.86, 52.6) inside, Gardelegen (11.39, 52.53) and Haldensleben outside
    data = client.get("/api/properties", {"bbox": "11.6,52.5,12.0,52.7"}).json()
    assert [i["title"] for i in data["items"]] == ["Gewerbepark Stendal Nord"]


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "12,52,11,53"},
        {"limit": 0},
        {"limit": 10_000},
        {"offset": -1},
        {"area_min": "viel"},
        {"kind": "castle"},
        {"sort": "random"},
        {"rail_siding": "maybe"},
    ],
)
def test_bad_parameters_give_422_with_reason(client, world, params):
    response = client.get("/api/properties", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_detail_and_draft_hidden(client, world):
    data = client.get(f"/api/properties/{world.prop_a.pk}").json()
    assert data["title"] == world.prop_a.title and data["status"] == "published"
    assert data["photos"] == [] and data["municipality"]["ags"] == "15090535"
    assert data["location_approximate"] is False
    Property.objects.filter(pk=world.prop_a.pk).update(location_approximate=True)
    assert client.get(f"/api/properties/{world.prop_a.pk}").json()["location_approximate"] is True
    listed = client.get("/api/properties").json()["items"]
    assert {item["id"]: item["location_approximate"] for item in listed}[world.prop_a.pk] is True
    Property.objects.filter(pk=world.prop_a.pk).update(status=Status.DRAFT)
    assert client.get(f"/api/properties/{world.prop_a.pk}").status_code == 404
    assert client.get("/api/properties/999999").status_code == 404


def test_geojson_feature_collection(client, world):
    data = client.get("/api/properties.geojson", {"kind": "plot"}).json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    feature = data["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert set(feature["properties"]) >= {"title", "kind", "url", "municipality"}


def test_editor_patch_validates_like_the_form(client, world):
    client.force_login(world.editor_a)
    url = f"/api/properties/{world.prop_a.pk}"
    response = client.patch(
        url, json.dumps({"area_available_m2": 999_999}), content_type="application/json"
    )
    assert response.status_code == 422
    assert "area_available_m2" in response.json()["detail"]
    response = client.patch(url, json.dumps({"unknown_field": 1}), content_type="application/json")
    assert response.status_code == 422
    response = client.patch(
        url,
        json.dumps({"rail_siding": "yes", "broadband_mbits": 1000}),
        content_type="application/json",
    )
    assert response.status_code == 200
    world.prop_a.refresh_from_db()
    assert world.prop_a.rail_siding == "yes" and world.prop_a.title == "Gewerbepark Stendal Nord"
    assert world.prop_a.history.first().history_user == world.editor_a


def test_editor_creates_and_publishes_via_api(client, world):
    client.force_login(world.editor_a)
    payload = {
        "title": "API-Fläche",
        "kind": "plot",
        "municipality": world.mun_a.pk,
        "lat": 52.59,
        "lon": 11.85,
    }
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    # Publishing needs what the region asks for: refused, naming each missing field.
    response = client.post(f"/api/properties/{pk}/publish")
    assert response.status_code == 422
    missing = {"photos", "description_de", "area_available_m2", "contact_email"}
    assert set(response.json()["detail"]) == missing
    patch = {
        "description_de": "Ebene Fläche am Hafen.",
        "area_available_m2": 8000,
        "contact_email": "wirtschaft@example.org",
    }
    client.patch(f"/api/properties/{pk}", json.dumps(patch), content_type="application/json")
    add_photo(Property.objects.get(pk=pk))  # or POST …/photos (test_api_photos.py)
    response = client.post(f"/api/properties/{pk}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert client.post(f"/api/properties/{pk}/publish").status_code == 422


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Standortlotse API"
    paths = schema["paths"]
    assert {"/api/properties", "/api/properties/{pk}", "/api/properties.geojson"} <= set(paths)
    params = {p["name"] for p in paths["/api/properties"]["get"]["parameters"]}
    assert {"bbox", "kind", "area_min", "limit", "offset", "rail_siding"} <= params
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs


def test_geography_endpoints(client, world):
    regions = client.get("/api/geo/regions").json()
    assert regions[0]["name"] == "Altmark" and len(regions[0]["district_ids"]) == 2
    municipalities = client.get(
        "/api/geo/municipalities", {"district": world.district_stendal.pk}
    ).json()
    assert [m["name"] for m in municipalities] == ["Stendal"]
    outlines = client.get("/api/geo/districts.geojson")
    assert "max-age" in outlines["Cache-Control"]
    assert {f["properties"]["key"] for f in outlines.json()["features"]} == {
        "15090",
        "15081",
        "15083",
    }


def test_count_is_capped_and_says_so(client, world, settings, monkeypatch):
    from standortlotse.properties import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    monkeypatch.setattr(selectors.count_matches, "__defaults__", (0, 4))
    for i in range(6):
        PropertyFactory(title=f"Halle {i}", municipality=world.mun_a)
    # 9 published in all: a full first page of 2 → counted up to the cap
    data = client.get("/api/properties", {"limit": 2}).json()
    assert (data["count"], data["count_exact"]) == (4, False)
    # a deep page raises the cap to offset + limit
    data = client.get("/api/properties", {"limit": 2, "offset": 4}).json()
    assert (data["count"], data["count_exact"]) == (6, False)
    # a page that is not full knows the exact count
    data = client.get("/api/properties", {"limit": 2, "offset": 8}).json()
    assert (data["count"], data["count_exact"]) == (9, True)
    data = client.get("/api/properties", {"limit": 50}).json()
    assert (data["count"], data["count_exact"]) == (9, True)
    data = client.get("/api/properties", {"q": "Gardelegen", "limit": 1}).json()
    assert (data["count"], data["count_exact"]) == (1, True)
    page = client.get(reverse("properties:search")).content.decode()
    assert "Mehr als 4 Immobilien gefunden" in page


def test_map_clusters_group_by_zoom(client, world):
    for i in range(6):
        PropertyFactory(
            title=f"Nah {i}", municipality=world.mun_a, lat=52.6 + i * 0.0001, lon=11.86
        )
    far = client.get("/api/properties/clusters", {"zoom": 6}).json()
    counts = sorted(f["properties"].get("count", 1) for f in far["features"])
    assert sum(counts) == Property.objects.published().count() == 9
    assert max(counts) >= 7  # Stendal's six plus prop_a share a cell at zoom 6
    near = client.get(
        "/api/properties/clusters", {"zoom": 19, "bbox": "11.8,52.5,11.9,52.7"}
    ).json()
    singles = [f for f in near["features"] if "title" in f["properties"]]
    assert singles and all(f["properties"]["url"].startswith("/immobilien/") for f in singles)
    assert (
        sum(f["properties"].get("count", 1) for f in near["features"]) == 7
    )  # only inside the bbox
    filtered = client.get("/api/properties/clusters", {"zoom": 6, "kind": "hall"}).json()
    assert sum(f["properties"].get("count", 1) for f in filtered["features"]) == 1
    assert client.get("/api/properties/clusters", {"zoom": 30}).status_code == 422


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/places", {"updated_since": "2000-01-01T00:00:00-16:00"}),
        ("/api/places", {"updated_since": "0001-01-01T00:00:00+01:00"}),
        ("/api/properties", {"offset": str(2**70)}),
        ("/api/properties.geojson", {"offset": str(2**70)}),
        ("/api/ogc/collections/properties/items", {"offset": str(2**70)}),
        ("/api/properties", {"municipality": str(2**70)}),
        ("/api/properties/clusters", {"region": str(2**64)}),
        ("/api/geo/municipalities", {"district": str(2**70)}),
        ("/api/places", {"region": "\x00"}),
        ("/immobilien/", {"q": "a\x00b"}),
    ],
)
def test_values_the_database_cannot_store_are_refused_cleanly(client, world, url, params):
    response = client.get(url, params)
    assert 400 <= response.status_code < 500, (url, params, response.status_code)


def test_property_schema_names_are_unique(client):
    schema = client.get("/api/openapi.json").json()
    municipality = schema["components"]["schemas"]["PropertyMunicipality"]
    assert "id" in municipality["properties"]


def test_write_schema_is_the_editor_form_with_a_type_for_every_field(client):
    # properties/schemas.py builds PropertyWrite from PropertyForm.Meta.fields: a field added to
    # the form is writable through the API, described with its type, optional and nullable.
    write = client.get("/api/openapi.json").json()["components"]["schemas"]["PropertyWrite"]
    # …and the overrides of the computed location facts (fact → reason, properties.facts)
    assert list(write["properties"]) == [*PropertyForm.Meta.fields, "fact_overrides"]
    assert write["additionalProperties"] is False and "required" not in write
    for name, spec in write["properties"].items():
        assert spec["anyOf"][-1] == {"type": "null"}, name
        assert all("type" in option or "$ref" in option for option in spec["anyOf"][:-1]), name
    types = {name: spec["anyOf"][:-1] for name, spec in write["properties"].items()}
    assert types["title"] == [{"type": "string"}]
    assert types["kind"] == [{"$ref": "#/components/schemas/Kind"}]
    assert types["rail_siding"] == [
        {"$ref": "#/components/schemas/RailSiding"},
        {"const": "", "type": "string"},
    ]
    # a list of any text; the form answers unknown values
    assert types["zonings"] == [{"items": {"type": "string"}, "type": "array"}]
    assert types["municipality"] == [{"type": "integer"}]
    assert types["lat"] == [{"type": "number"}]
    assert types["outline"] == [{"additionalProperties": True, "type": "object"}]
    assert types["area_total_m2"] == [{"type": "integer"}]
    assert types["price_per_m2"] == [{"type": "number"}, {"type": "string"}]
    assert types["price_on_request"] == [{"type": "boolean"}]
    assert types["available_from"] == [{"format": "date", "type": "string"}]


def test_the_filters_the_search_page_reads_from_words(client, world):
    from tests.factories import PropertyFactory

    PropertyFactory(
        title="An der A14",
        municipality=world.mun_a,
        motorway_junction="AS Stendal (A14)",
        operation_24_7=True,
        hydrogen=True,
    )
    PropertyFactory(title="An der A140", municipality=world.mun_a, motorway_junction="A140")
    for query in ({"motorway": "A14"}, {"operation_24_7": "true"}, {"hydrogen": "true"}):
        data = client.get("/api/properties", query).json()
        assert [item["title"] for item in data["items"]] == ["An der A14"], query
    assert client.get("/api/properties", {"motorway": "Autobahn"}).status_code == 422


# --- the publication gate ---------------------------------------------------------------------


def test_publishing_below_the_gate_answers_422_naming_the_fields(client, world):
    from tests.properties.support import without_photo_and_description

    prop = without_photo_and_description(world.mun_a)
    client.force_login(world.editor_a)
    response = client.post(f"/api/properties/{prop.pk}/publish")
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "photos": ["Zum Veröffentlichen nötig: Foto."],
        "description_de": ["Zum Veröffentlichen nötig: Beschreibung."],
    }
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT


def test_a_moderator_overrides_the_gate_through_the_api_with_a_reason(client, world):
    from tests.properties.support import without_photo_and_description

    prop = without_photo_and_description(world.mun_a)
    url = f"/api/properties/{prop.pk}/publish"
    body = json.dumps({"override_reason": "Fotos folgen im Mai"})
    client.force_login(world.editor_a)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 403  # a municipal editor may not
    client.force_login(world.moderator)
    response = client.post(url, json.dumps({"override_reason": 5}), content_type="application/json")
    assert response.status_code == 422 and "override_reason" in response.json()["detail"]
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    reason = Property.objects.get(pk=prop.pk).history.first().history_change_reason
    assert reason == "publish override [photo,description]: Fotos folgen im Mai"


def test_a_patch_may_not_take_what_a_published_record_needs(client, world):
    from tests.properties.support import make_complete

    make_complete(world.prop_a)
    client.force_login(world.editor_a)
    response = client.patch(
        f"/api/properties/{world.prop_a.pk}",
        json.dumps({"description_de": ""}),
        content_type="application/json",
    )
    assert response.status_code == 422 and list(response.json()["detail"]) == ["description_de"]
    # a record published before the gate keeps its gaps on an edit of something else
    client.force_login(world.editor_b)
    response = client.patch(
        f"/api/properties/{world.prop_b.pk}",
        json.dumps({"title": "Halle Gardelegen Ost"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and world.prop_b.publication_gaps()
