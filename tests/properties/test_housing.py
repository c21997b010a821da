"""Housing in the register (docs/housing.md): building plots and houses with the facts families
ask, their record rules and publication gate on every write path, and their segment: shown to
people, kept out of the investors' search, API listing, OGC features and statistics."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from standortlotse.properties import publication, selectors, services
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import Kind, Property, Segment, Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


def house(municipality, **fields):
    values = {
        "title": "Einfamilienhaus am Stadtrand",
        "kind": Kind.HOUSE,
        "municipality": municipality,
        "area_total_m2": 540,
        "area_available_m2": None,
        "living_area_m2": 118,
        "purchase_price": Decimal("139000"),
        "marketing_type": "sale",
        "zonings": ["none"],
        "kita_km": Decimal("0.6"),
        "school_km": Decimal("0.9"),
        **fields,
    }
    return PropertyFactory(**values)


def plot(municipality, **fields):
    values = {
        "title": "Bauplatz 3 im Wohngebiet „Am Lindenberg“",
        "kind": Kind.BUILDING_PLOT,
        "municipality": municipality,
        "area_total_m2": 720,
        "area_available_m2": None,
        "price_per_m2": Decimal("38"),
        "zonings": ["WA"],
        **fields,
    }
    return PropertyFactory(**values)


# --- segment ----------------------------------------------------------------------------------


def test_the_segment_follows_the_kind(world):
    assert house(world.mun_a).segment == Segment.HOUSING
    assert plot(world.mun_a).is_housing
    assert world.prop_b.segment == Segment.COMMERCIAL and not world.prop_b.is_housing
    assert set(Property.objects.housing().values_list("kind", flat=True)) == {
        "house",
        "building_plot",
    }
    assert world.prop_a in Property.objects.commercial()


# --- record rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (Kind.HALL, {"living_area_m2": 100}, "living_area_m2"),
        (Kind.BUILDING_PLOT, {"living_area_m2": 100}, "living_area_m2"),
        (Kind.OFFICE, {"monthly_rent": Decimal("500")}, "monthly_rent"),
        (Kind.HOUSE, {"monthly_rent": Decimal("500"), "marketing_type": "sale"}, "monthly_rent"),
        (Kind.PLOT, {"purchase_price": Decimal("90000")}, "purchase_price"),
        (Kind.HOUSE, {"purchase_price": Decimal("9"), "marketing_type": "lease"}, "purchase_price"),
        (Kind.HOUSE, {"purchase_price": Decimal("9"), "price_on_request": True}, "purchase_price"),
        (Kind.PLOT, {"zonings": ["WA"]}, "zonings"),
        (Kind.BUILDING_PLOT, {"zonings": ["GI"]}, "zonings"),
    ],
)
def test_the_housing_rules(world, kind, fields, field):
    prop = Property(title="x", kind=kind, municipality=world.mun_a, lat=52.6, lon=11.86, **fields)
    assert field in prop.record_errors()


def test_a_house_and_a_plot_as_families_see_them_break_no_rule(world):
    assert house(world.mun_a).record_errors() == {}
    assert plot(world.mun_a).record_errors() == {}
    rented = house(world.mun_a, purchase_price=None, monthly_rent=Decimal("780"))
    rented.marketing_type = "lease"
    assert rented.record_errors() == {}


def _form_data(prop, **changes):
    from django.forms.models import model_to_dict

    data = model_to_dict(prop, fields=PropertyForm.Meta.fields)
    data.update(changes)
    data["outline"] = ""
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_editor_form_and_the_api_meet_the_rules(world, client):
    hall = world.prop_b
    form = PropertyForm(_form_data(hall, living_area_m2=90), instance=hall, user=world.editor_b)
    assert not form.is_valid() and "living_area_m2" in form.errors
    client.force_login(world.editor_b)
    response = client.patch(
        f"/api/properties/{hall.pk}",
        {"monthly_rent": "400"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "monthly_rent" in response.json()["detail"]
    # the housing fields are writable: a house becomes one
    response = client.patch(
        f"/api/properties/{hall.pk}",
        {"kind": "house", "living_area_m2": 96, "area_available_m2": None, "kita_km": "0.5"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["segment"] == "housing" and body["living_area_m2"] == 96
    assert body["kita_km"] == "0.5"


def test_the_admin_form_meets_the_rules(world):
    from django.contrib.admin.sites import site

    admin = site._registry[Property]
    request = type("R", (), {"user": world.state_admin})()
    form_class = admin.get_form(request, world.prop_b)
    data = _form_data(world.prop_b, purchase_price="90000", status="published")
    data.update({"fact_overrides": "{}", "owner_type": "", "history_change_reason": ""})
    form = form_class(data, instance=world.prop_b)
    assert not form.is_valid() and "purchase_price" in form.errors


# --- the publication gate -------------------------------------------------------------------------


def test_the_gate_asks_a_plot_its_size_and_a_house_its_living_area(world):
    draft = plot(world.mun_a, status=Status.DRAFT, area_total_m2=None, complete=True)
    assert draft.publication_gaps() == ["plot_size"]
    assert publication.refusal(draft.publication_gaps()) == (
        "Nicht veröffentlicht – es fehlt: Grundstücksgröße."
    )
    draft.area_total_m2 = 720
    assert draft.publication_gaps() == []
    home = house(world.mun_a, status=Status.DRAFT, living_area_m2=None, complete=True)
    assert home.publication_gaps() == ["living_area"]
    # no "available area" for a house: it is sold whole
    home.living_area_m2 = 118
    assert home.area_available_m2 is None and home.publication_gaps() == []


def test_publishing_a_house_below_the_gate_is_refused_by_the_field(world):
    home = house(world.mun_a, status=Status.DRAFT, living_area_m2=None, complete=True)
    with pytest.raises(ValidationError) as refused:
        services.change_status(world.editor_a, home, "publish")
    assert "living_area_m2" in refused.value.message_dict
    home.living_area_m2 = 118
    home.save()
    services.change_status(world.editor_a, home, "publish")
    assert Property.objects.get(pk=home.pk).status == Status.PUBLISHED


def test_a_region_asking_a_price_takes_the_purchase_price_or_the_rent(world):
    world.region.publish_requirements = ["price_or_request"]
    world.region.save()
    home = house(world.mun_a, status=Status.DRAFT, purchase_price=None)
    assert home.publication_gaps() == ["price_or_request"]
    home.monthly_rent = Decimal("700")
    assert home.publication_gaps() == []


# --- kept out of the investors' search ------------------------------------------------------------


def test_housing_is_absent_from_the_search_page_the_api_listing_and_the_ogc_features(world, client):
    home, site = house(world.mun_a), plot(world.mun_a)
    page = client.get("/immobilien/").content.decode()
    assert world.prop_a.title in page and home.title not in page and "Bauplatz 3" not in page
    assert 'value="house"' not in page and 'value="WA"' not in page  # not offered as filters
    listed = client.get("/api/properties", {"limit": 200}).json()
    ids = {item["id"] for item in listed["items"]}
    assert world.prop_a.pk in ids and not {home.pk, site.pk} & ids
    assert listed["count"] == 3
    assert not client.get("/api/properties", {"kind": "house"}).json()["items"]
    features = client.get("/api/properties.geojson").json()["features"]
    assert home.pk not in {f["id"] for f in features}
    ogc = client.get("/api/ogc/collections/properties/items", {"limit": 100}).json()
    assert home.pk not in {f["id"] for f in ogc["features"]}
    assert ogc["numberReturned"] == 3
    # the record itself is public: its page and the API's detail, with its segment
    assert client.get(f"/immobilien/{home.pk}/").status_code == 200
    detail = client.get(f"/api/properties/{home.pk}").json()
    assert detail["segment"] == "housing" and detail["purchase_price"] == "139000.00"


def test_housing_is_absent_from_comparison_exports_and_statistics(world, client):
    from standortlotse.properties import statistics

    home = house(world.mun_a)
    assert selectors.compare([home.pk, world.prop_a.pk]) == [world.prop_a]
    csv = client.get("/immobilien/export.csv").content.decode("utf-8-sig")
    assert world.prop_a.title in csv and home.title not in csv
    assert statistics.compute()["totals"]["count"] == 3


def test_the_change_feed_carries_housing_with_its_segment(world):
    from standortlotse.exchange import changes

    home = house(world.mun_a)
    page = changes.changes("properties", None, None, 100)
    records = {c["id"]: c["record"] for c in page["changes"] if c["action"] == "upsert"}
    assert records[str(home.pk)]["segment"] == "housing"
    assert records[str(world.prop_a.pk)]["segment"] == "commercial"
    assert records[str(home.pk)]["living_area_m2"] == 118


def test_the_detail_page_shows_what_families_ask_and_no_compare_button(world, client):
    home = house(world.mun_a, rail_siding="yes", funding_area=True)
    page = client.get(f"/immobilien/{home.pk}/").content.decode()
    assert "Wohnen hier" in page and "Wohnfläche" in page and "139.000 €" in page
    assert "Entfernung zur Kita" in page and "0,6 km" in page
    assert "Grundstücksgröße" in page
    assert 'data-fact="rail_siding"' not in page and 'data-fact="funding_area"' not in page
    assert "compare-toggle" not in page
    assert f"/lotse/wohnen/{world.mun_a.slug}/" in page
    # the commercial page keeps its comparison
    assert "compare-toggle" in client.get(f"/immobilien/{world.prop_a.pk}/").content.decode()


def test_similar_records_come_from_the_same_segment(world):
    home, other = house(world.mun_a), house(world.mun_a, title="Bauernhaus")
    assert selectors.similar(home) == [other]
    assert home not in selectors.similar(world.prop_a)


def test_the_one_search_finds_a_building_plot_by_its_words(world, client):
    site = plot(world.mun_a, title="Bauplatz Lindenberg")
    page = client.get("/suche/", {"q": "Lindenberg"}).content.decode()
    assert site.get_absolute_url() in page


# --- import -----------------------------------------------------------------------------------------


def test_housing_rows_import_through_the_property_import(world, monkeypatch):
    from django.db import transaction

    from tests.exchange.support import csv_bytes, run

    # the import's tasks at once (the test transaction never commits)
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())

    rows = [
        [
            "Bezeichnung",
            "Art",
            "Gemeinde",
            "Grundstücksgröße",
            "Wohnfläche",
            "Gesamtpreis",
            "Kita",
            "Schule",
            "Gebietsart",
            "Breite",
            "Länge",
        ],  # fmt: skip
        [
            "Bauernhaus mit Scheune",
            "Wohnhaus",
            "Stendal",
            "2.400 m²",
            "160",
            "89.000 €",
            "1,6",
            "1,8",
            "",
            "52,60",
            "11,86",
        ],  # fmt: skip
        [
            "Bauplatz 2 Hinter den Gärten",
            "Bauplatz",
            "Stendal",
            "780",
            "",
            "19.500 €",
            "0,6",
            "0,8",
            "Wohngebiet",
            "52,61",
            "11,87",
        ],  # fmt: skip
        ["Halle mit Wohnung", "Halle", "Stendal", "900", "80", "", "", "", "", "52,6", "11,86"],
    ]
    job = run(world.editor_a, "wohnen.csv", csv_bytes(rows), skip_errors=True)
    assert job.mapping["Wohnfläche"] == "living_area_m2"
    assert job.mapping["Gesamtpreis"] == "purchase_price"
    assert job.mapping["Kita"] == "kita_km" and job.mapping["Schule"] == "school_km"
    farm = Property.objects.get(title="Bauernhaus mit Scheune")
    assert farm.kind == Kind.HOUSE and farm.living_area_m2 == 160
    assert farm.purchase_price == Decimal("89000") and farm.kita_km == Decimal("1.6")
    assert farm.area_total_m2 == 2400
    building_plot = Property.objects.get(title="Bauplatz 2 Hinter den Gärten")
    assert building_plot.kind == Kind.BUILDING_PLOT and building_plot.zonings == ["WA"]
    # the record rule names the column: a hall has no living area
    assert not Property.objects.filter(title="Halle mit Wohnung").exists()
    errors = [row for row in job.rows.all() if row.outcome == "error"]
    assert len(errors) == 1 and "Wohnfläche" in str(errors[0].messages)


# --- Kita and school: computed where a data set has them, entered otherwise -----------------------

MINI = "tests/geo/fixtures/mini-infrastructure.geojson"


def _with_kitas(path=MINI) -> dict:
    import json

    data = json.loads(open(path, encoding="utf-8").read())
    data["metadata"]["key"] = "test-family"
    data["features"] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [11.86, 52.61]},
            "properties": {
                "kind": "kita",
                "name": "Kita Sonnenschein",
                "source": "test",
                "verified": True,
            },  # fmt: skip
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [11.87, 52.6]},
            "properties": {
                "kind": "school",
                "name": "Grundschule Nord",
                "source": "test",
                "verified": True,
            },  # fmt: skip
        },
    ]
    return data


def test_kita_and_school_are_entered_while_no_data_set_has_them(world, client):
    from standortlotse.geo import infrastructure
    from standortlotse.properties import facts

    infrastructure.load_file(MINI)  # transport only, as the shipped Altmark data
    home = house(world.mun_a, kita_km=Decimal("0.6"))
    home.save()
    home.refresh_from_db()
    assert home.kita_km == Decimal("0.6") and facts.provenance(home, "kita").state == "entered"
    form = PropertyForm(instance=home, user=world.editor_a)
    assert "override_kita" not in form.fields and "override_station" in form.fields


def test_kita_and_school_are_computed_from_a_data_set_that_has_them(world):
    from standortlotse.geo import infrastructure
    from standortlotse.properties import facts

    infrastructure.load_dataset(_with_kitas())
    home = house(world.mun_a, lat=52.61, lon=11.86, kita_km=Decimal("5"))
    home.save()
    home.refresh_from_db()
    assert home.kita_km == Decimal("0.0") and home.school_km == Decimal("1.3")
    assert facts.provenance(home, "school").computed["name"] == "Grundschule Nord"
    with pytest.raises(infrastructure.DatasetError, match="a kita needs a Point"):
        bad = _with_kitas()
        bad["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[11, 52], [12, 52]]}
        infrastructure.check_dataset(bad)


# --- demo data --------------------------------------------------------------------------------------


def test_the_demo_housing_is_consistent_and_marked(db):
    from standortlotse.geo.services import load_shipped_infrastructure, load_shipped_regions
    from standortlotse.properties import facts
    from standortlotse.properties.demo import DEMO_HOUSING, create_demo_housing

    load_shipped_regions()
    load_shipped_infrastructure()
    assert create_demo_housing() == len(DEMO_HOUSING)
    assert create_demo_housing() == 0  # idempotent
    demo = Property.objects.housing().filter(is_demo=True).select_related("municipality")
    assert demo.count() == len(DEMO_HOUSING) and {p.kind for p in demo} == {
        "house",
        "building_plot",
    }
    for prop in demo:
        assert prop.record_errors(granted=True) == {}, prop.title
        assert prop.publication_gaps() == [], prop.title
        assert prop.postcode in prop.municipality.postcodes, prop.title
        assert "(Demo-Datensatz)" in prop.description_de and prop.photos.exists()
        computed = facts.compute(prop.lat, prop.lon, prop.municipality)
        assert prop.station_km == facts.field_values("station", computed["station"])["station_km"]
        assert facts.provenance(prop, "kita").state == "entered"  # no Kitas in the shipped data
        if prop.kind == "building_plot":
            assert prop.zonings == ["WA"] and "Bauplatz" in prop.title
        assert prop.living_area_m2 is None or prop.kind == "house"
