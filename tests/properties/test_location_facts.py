"""Location facts computed, not typed (properties/facts.py): the record rule on every write path,
the editors' overrides with a reason, the labels of the public page, the postcode check and the
demo data."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from standortlotse.geo import infrastructure
from standortlotse.properties import facts, importing
from standortlotse.properties.models import Property
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[1] / "geo" / "fixtures" / "mini-infrastructure.geojson"
GRW = {
    "area": True,
    "category": "C",
    "rates": {"small": 35, "medium": 25, "large": 15},
    "map": "Fördergebietskarte 2022–2027 (Regionalbeihilfekarte)",
    "valid_from": "2022-01-01",
    "valid_until": "2027-12-31",
}


@pytest.fixture
def data(world):
    """The small test data set around Stendal; Stendal (mun_a) with postcodes and GRW data."""
    infrastructure.load_file(FIXTURE)
    world.mun_a.postcodes = ["39576", "39596", "39599"]
    world.mun_a.funding = GRW
    world.mun_a.save()
    return world


def form_data(world, **values):
    base = {
        "title": "Neue Halle Stendal",
        "kind": "hall",
        "municipality": world.mun_a.pk,
        "lat": "52.594723",
        "lon": "11.854412",
        "availability": "immediately",
    }
    base.update(values)
    return base


# --- the rule ----------------------------------------------------------------------------------


def test_a_point_at_a_junction_is_zero_km_from_it_and_every_fact_is_filled_in(data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    assert prop.motorway_km == Decimal("0.0") and prop.motorway_junction == "AS Testdorf (A14)"
    station = infrastructure.point_km(52.5, 11.8, 52.594723, 11.854412)
    assert prop.long_distance_station_km == facts.km(station)
    assert prop.station_km == facts.km(station)  # Stendal Hbf is nearer than Gardelegen
    assert prop.federal_road_km == facts.km(infrastructure.point_km(52.5, 11.8, 52.6, 11.8))
    assert prop.airport_km > 100  # BER: the airfield without scheduled flights does not count
    assert prop.inland_port_km is not None and prop.rail_network_km is not None
    assert prop.funding_area is True and prop.funding_rate == Decimal("35.00")
    computed = prop.location_facts["computed"]
    assert computed["motorway"]["road_km"] == 0 and computed["airport"]["name"] == "BER"
    assert prop.location_facts["datasets"] == [
        {"key": "test-mini", "name": "Test: a few features around Stendal", "as_of": "2025-01-31"}
    ]


def test_a_planned_junction_does_not_count(data):
    # right at the planned junction, yet the distance is to the open one
    prop = PropertyFactory(municipality=data.mun_a, lat=52.61, lon=11.86)
    assert prop.motorway_junction == "AS Testdorf (A14)" and prop.motorway_km > 10


def test_typed_values_give_way_to_the_computation_when_the_point_is_covered(data):
    prop = PropertyFactory(
        municipality=data.mun_a, lat=52.5, lon=11.8, motorway_km=Decimal("27.6"), airport_km=1
    )
    assert prop.motorway_km == 0 and prop.airport_km > 100
    # outside the data's coverage, and without GRW data for the municipality, values are typed
    other = PropertyFactory(municipality=data.mun_c, lat=48.1, lon=11.6, motorway_km=3)
    assert other.motorway_km == 3 and other.location_facts is None


def test_without_reference_data_nothing_changes(world):
    prop = PropertyFactory(municipality=world.mun_a, motorway_km=Decimal("4.5"), funding_area=False)
    assert prop.motorway_km == Decimal("4.5") and prop.funding_area is False
    assert prop.location_facts is None


def test_moving_the_point_recomputes_and_a_save_of_other_fields_leaves_the_facts(data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    prop.lat, prop.lon = 52.594723, 11.854412
    prop.save()
    assert prop.long_distance_station_km == 0 and prop.motorway_km > 10
    prop.refresh_from_db()
    assert prop.location_facts["point"] == [52.594723, 11.854412]
    prop.title = "Umbenannt"
    prop.save(update_fields=["title"])
    assert Property.objects.get(pk=prop.pk).long_distance_station_km == 0


def test_leaving_the_coverage_clears_what_was_computed(data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    prop.lat, prop.lon = 48.1, 11.6  # Munich: no data
    prop.save()
    assert prop.motorway_km is None and prop.motorway_junction == "" and prop.airport_km is None
    assert prop.funding_area is True  # still the municipality's
    assert set(prop.location_facts["computed"]) == {"funding"}


def test_loading_the_data_recomputes_existing_records(world):
    prop = PropertyFactory(municipality=world.mun_a, lat=52.5, lon=11.8, motorway_km=40)
    from django.core.management import call_command

    call_command("load_infrastructure", str(FIXTURE), stdout=open("/dev/null", "w"))
    prop.refresh_from_db()
    assert prop.motorway_km == 0
    assert prop.history.first().history_change_reason.startswith("location facts recomputed")


# --- the editor form ---------------------------------------------------------------------------------


def test_editor_sets_a_point_and_finds_the_distances_filled_in(client, data):
    client.force_login(data.editor_a)
    response = client.post(reverse("properties:editor_create"), form_data(data))
    assert response.status_code == 302
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert prop.long_distance_station_km == 0 and prop.motorway_junction == "AS Testdorf (A14)"
    assert prop.fact_overrides == {}
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    assert "Aus dem Punkt berechnet" in page and "Luftlinie" in page and "Schätzung" in page


def test_a_changed_computed_value_needs_a_reason(client, data):
    client.force_login(data.editor_a)
    response = client.post(reverse("properties:editor_create"), form_data(data, motorway_km="3"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "motorway_km" in errors and "berechnet" in errors["motorway_km"][0]
    assert not Property.objects.filter(title="Neue Halle Stendal").exists()


def test_an_override_with_reason_survives_a_move_only_for_its_own_value(client, data):
    client.force_login(data.editor_a)
    client.post(
        reverse("properties:editor_create"),
        form_data(data, motorway_km="14", override_motorway="Straßenentfernung laut Stadt"),
    )
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert prop.motorway_km == 14 and prop.fact_overrides == {
        "motorway": "Straßenentfernung laut Stadt"
    }
    assert prop.location_facts["computed"]["motorway"]["km"] > 10  # the computed value is kept
    # the point moves to Gardelegen station: the other facts follow, the override stays
    edit = reverse("properties:editor_edit", args=[prop.pk])
    values = client.get(edit).context["form"].initial
    values.update(
        lat="52.518376", lon="11.404536", override_motorway="Straßenentfernung laut Stadt"
    )
    posted = {k: ("" if v is None else v) for k, v in values.items() if k != "zonings"}
    response = client.post(edit, posted, follow=True)
    prop.refresh_from_db()
    assert prop.motorway_km == 14 and prop.station_km == 0
    assert prop.long_distance_station_km == facts.km(
        infrastructure.point_km(52.518376, 11.404536, 52.594723, 11.854412)
    )
    assert "Werte mit Begründung wurden beibehalten" in response.content.decode()
    # clearing the reason returns the fact to the computation
    values = client.get(edit).context["form"].initial
    posted = {k: ("" if v is None else v) for k, v in values.items() if k != "zonings"}
    posted.update(override_motorway="", lat="52.5", lon="11.8")
    response = client.post(edit, posted)
    assert response.status_code == 302, response.context["form"].errors
    prop.refresh_from_db()
    assert prop.motorway_km == 0 and prop.fact_overrides == {}


def test_the_form_warns_of_a_postcode_of_another_municipality(client, data):
    client.force_login(data.editor_a)
    response = client.post(
        reverse("properties:editor_create"), form_data(data, postcode="29410"), follow=True
    )
    page = response.content.decode()
    assert "Die Postleitzahl 29410 gehört nicht zu Stendal" in page  # saved, with the warning
    assert Property.objects.filter(title="Neue Halle Stendal", postcode="29410").exists()
    prop = Property.objects.get(title="Neue Halle Stendal")
    prop.postcode = "39576"
    prop.save()
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    assert "gehört nicht zu" not in page


# --- the public page ------------------------------------------------------------------------------


def test_the_public_page_says_which_values_are_computed_and_which_entered(client, data):
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    page = client.get(prop.get_absolute_url()).content.decode()
    assert "0,0 km, AS Testdorf (A14)" in page
    assert "berechnet: Luftlinie; Straße ca. 0,0 km (Schätzung)" in page
    assert "berechnet aus der Gemeinde (Fördergebietskarte 2022–2027)" in page
    # an overridden fact: entered by the editors, the computation named
    prop.fact_overrides = {"airport": "Sonderflughafen"}
    prop.airport_km = Decimal("60")
    prop.save()
    page = client.get(prop.get_absolute_url()).content.decode()
    assert "angegeben von der Redaktion (berechnet:" in page and "Sonderflughafen" not in page
    # outside the data: entered
    other = PropertyFactory(municipality=data.mun_c, lat=48.1, lon=11.6, motorway_km=3)
    page = client.get(other.get_absolute_url()).content.decode()
    assert '<span class="fact-source">angegeben</span>' in page


# --- API, admin, import ---------------------------------------------------------------------------


def test_api_overrides_with_a_reason_and_refuses_an_unknown_fact(client, data):
    client.force_login(data.editor_a)
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    url = f"/api/properties/{prop.pk}"
    response = client.patch(url, json.dumps({"airport_km": 50}), content_type="application/json")
    assert response.status_code == 422 and "airport_km" in response.json()["detail"]
    response = client.patch(
        url,
        json.dumps({"airport_km": 50, "fact_overrides": {"airport": "Flugplatz mit Linienflug"}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert Decimal(body["airport_km"]) == 50 and body["fact_overrides"] == {
        "airport": "Flugplatz mit Linienflug"
    }
    assert body["location_facts"]["computed"]["airport"]["name"] == "BER"
    # a later PATCH of another field keeps the override
    client.patch(url, json.dumps({"title": "Neu"}), content_type="application/json")
    prop.refresh_from_db()
    assert prop.airport_km == 50 and prop.fact_overrides == {"airport": "Flugplatz mit Linienflug"}
    response = client.patch(
        url, json.dumps({"fact_overrides": {"teleport": "x"}}), content_type="application/json"
    )
    assert response.status_code == 422 and "teleport" in str(response.json())


def test_admin_refuses_a_changed_computed_value_without_an_override(client, data):
    client.force_login(data.state_admin)
    prop = PropertyFactory(municipality=data.mun_a, lat=52.5, lon=11.8)
    from django.contrib import admin

    from standortlotse.properties.admin import PropertyAdminForm
    from standortlotse.properties.models import Property as Model

    form_class = admin.site._registry[Model].get_form(request=None, obj=prop, change=True)
    assert issubclass(form_class, PropertyAdminForm)
    values = {f: getattr(prop, f) for f in ("lat", "lon")}
    form = form_class(instance=prop)
    initial = {name: form[name].value() for name in form.fields}
    initial.update(values, motorway_km="9", municipality=prop.municipality_id)
    initial["fact_overrides"] = "{}"
    initial = {k: ("" if v is None else v) for k, v in initial.items()}
    bound = form_class(initial, instance=prop)
    assert not bound.is_valid() and "motorway_km" in bound.errors
    initial["fact_overrides"] = json.dumps({"motorway": "laut Landkreis"})
    bound = form_class(initial, instance=prop)
    assert "motorway_km" not in bound.errors


def _import(world, cells):
    from standortlotse.core.tabular.readers import Row

    mapping = {header: column for header, (column, _value) in cells.items()}
    ctx = importing.Context(world.editor_a, mapping, list(mapping))
    row = importing.convert(Row(number=2, cells={h: v for h, (_c, v) in cells.items()}), ctx)
    outcomes = importing.plan([row], ctx)
    return row, outcomes, importing.write(outcomes, world.editor_a, False, "import")


def test_import_computes_the_facts_and_notes_a_differing_file_value_and_postcode(data):
    row, outcomes, result = _import(
        data,
        {
            "Bezeichnung": ("title", "Import-Halle"),
            "AGS": ("municipality_ags", data.mun_a.ags),
            "PLZ": ("postcode", "29410"),
            "Breite": ("lat", "52,5"),
            "Länge": ("lon", "11,8"),
            "Autobahn (km)": ("motorway_km", "27,6"),
        },
    )
    assert outcomes[0][0] == "new"
    prop = Property.objects.get(title="Import-Halle")
    assert prop.motorway_km == 0 and prop.motorway_junction == "AS Testdorf (A14)"
    assert prop.location_facts["computed"]["motorway"]["km"] == 0
    assert prop.funding_rate == 35
    notes = " ".join(row.warnings)
    assert "Autobahn (km)" in notes and "nicht aus der Datei" in notes
    assert "Die Postleitzahl 29410 gehört nicht zu Stendal" in notes


# --- the demo data --------------------------------------------------------------------------------


def test_demo_data_is_consistent_with_the_computation_and_the_postcodes(db, settings):
    from shapely.geometry import Point, shape

    from standortlotse.geo.models import Municipality
    from standortlotse.geo.services import load_shipped_infrastructure, load_shipped_regions
    from standortlotse.properties.demo import (
        DEMO_PRIGNITZ,
        create_demo_data,
        create_demo_prignitz,
    )

    load_shipped_regions()
    load_shipped_infrastructure()
    create_demo_data(count=40)
    create_demo_prignitz()
    index = infrastructure.current_index()
    open_junctions = {
        facts.junction_label(f.name, f.refs)
        for f in index.features["junction"]
        if f.properties["status"] == "open"
    }
    demo = Property.objects.filter(is_demo=True).select_related("municipality")
    assert demo.count() == 40 + len(DEMO_PRIGNITZ)
    # the Prignitz's (Brandenburg) records are checked alike: distances computed from the
    # shipped data, postcodes of their town, inside their municipality
    prignitz = demo.filter(municipality__district__key="12070")
    assert {p.municipality.name for p in prignitz} == {
        "Perleberg",
        "Wittenberge",
        "Pritzwalk",
        "Karstädt",
    }
    for prop in prignitz:
        assert prop.motorway_km is not None and prop.station_km is not None, prop.title
        assert shape(prop.municipality.outline.geometry).contains(Point(prop.lon, prop.lat))
    # a site "an der A 24" lies at the A 24 (the shipped Prignitz data), one "an der A 14" at it
    falkenhagen = prignitz.get(title__contains="an der A 24")
    assert falkenhagen.motorway_junction == "AS Pritzwalk (A24)" and falkenhagen.motorway_km < 3
    karstaedt = prignitz.get(title__contains="an der A 14")
    assert karstaedt.motorway_junction == "AS Karstädt (A14)" and karstaedt.motorway_km < 3
    for prop in demo:
        results = facts.compute(prop.lat, prop.lon, prop.municipality, index=index)
        for fact, result in results.items():
            for name, value in facts.field_values(fact, result).items():
                assert getattr(prop, name) == value, (prop.title, name)
        assert prop.motorway_junction in open_junctions, prop.title
        assert prop.postcode in prop.municipality.postcodes, prop.title
        # no village "0.5 km" from a motorway that is not there; Gardelegen is not near the A14
        if prop.municipality.name == "Gardelegen":
            assert prop.motorway_km > 15 and "Osterburg" not in prop.motorway_junction
        if "an der B" in prop.title:
            number = prop.title.split("an der B")[1].split()[0]
            assert results["federal_road"]["refs"] == [f"B{number}"], prop.title
        # the zoning fits the name: no "Industrie- und Gewerbepark" or "Produktionshalle" in MI
        if any(word in prop.title for word in ("Gewerbe", "Industrie", "Produktionshalle")):
            assert set(prop.zonings) <= {"GE", "GI", "SO"} and "MI" not in prop.zonings, (
                prop.title,
                prop.zonings,
            )
            if prop.kind != "brownfield":
                assert "SO" not in prop.zonings, (prop.title, prop.zonings)
    # every shipped municipality has postcodes and the GRW classification
    assert not Municipality.objects.filter(postcodes=[]).exists()
    assert not Municipality.objects.filter(funding=None).exists()
    stendal = Municipality.objects.get(name="Stendal")
    outline = shape(stendal.outline.geometry)
    assert outline.contains(Point(stendal.lon, stendal.lat))


CELLS = {
    "Bezeichnung": ("title", "Import-Halle"),
    "AGS": ("municipality_ags", None),
    "Breite": ("lat", "52,5"),
    "Länge": ("lon", "11,8"),
    "Autobahn (km)": ("motorway_km", "27,6"),
}


def _written(world, previewed: bool, publish: bool = False):
    """The record and row a new row gives when planned as the check plans it, or as the apply
    step does for a row the preview found new (``ctx.previewed``)."""
    from standortlotse.core.tabular.readers import Row

    cells = {h: (c, world.mun_a.ags if v is None else v) for h, (c, v) in CELLS.items()}
    mapping = {header: column for header, (column, _value) in cells.items()}
    ctx = importing.Context(world.editor_a, mapping, list(mapping))
    if previewed:
        ctx.previewed, ctx.publish = {2: "new"}, publish
    row = importing.convert(Row(number=2, cells={h: v for h, (_c, v) in cells.items()}), ctx)
    outcomes = importing.plan([row], ctx)
    importing.write(outcomes, world.editor_a, publish, "import")
    prop = Property.objects.get(title="Import-Halle")
    fields = [f.attname for f in Property._meta.concrete_fields]
    values = {
        name: getattr(prop, name)
        for name in fields
        if name not in ("id", "created_at", "updated_at", "published_at")
    }
    prop.delete()
    return outcomes[0][0], row, values


def test_the_apply_step_writes_what_the_checked_row_writes_without_its_notes(data):
    checked_outcome, checked_row, checked = _written(data, previewed=False)
    applied_outcome, applied_row, applied = _written(data, previewed=True)
    assert checked_outcome == applied_outcome == "new"
    assert applied == checked  # the computed distance, not the file's 27.6 km
    assert checked["motorway_km"] == 0 and checked["motorway_junction"] == "AS Testdorf (A14)"
    assert checked_row.warnings and not applied_row.warnings  # the preview showed the notes


def test_the_record_staged_at_the_preview_is_the_record_the_write_step_writes(data):
    """``importing.stage`` (at the preview) and ``write_staged`` (the apply step) give the record
    ``write`` gives for the same row: computed facts, readiness, search text, every column."""
    from standortlotse.core.tabular.readers import Row

    _outcome, _row, written = _written(data, previewed=False)
    cells = {h: (c, data.mun_a.ags if v is None else v) for h, (c, v) in CELLS.items()}
    mapping = {header: column for header, (column, _value) in cells.items()}
    ctx = importing.Context(data.editor_a, mapping, list(mapping))
    row = importing.convert(Row(number=2, cells={h: v for h, (_c, v) in cells.items()}), ctx)
    staged = importing.stage(importing.plan([row], ctx), ctx)
    result = importing.write_staged(staged, data.editor_a, False, "import", ctx)
    assert result["new"] == 1 and result["rows"][2][0] == "new"
    prop = Property.objects.get(pk=result["rows"][2][1])
    assert prop.location_facts and prop.motorway_junction == "AS Testdorf (A14)"
    fields = [f.attname for f in Property._meta.concrete_fields]
    assert {
        name: getattr(prop, name)
        for name in fields
        if name not in ("id", "created_at", "updated_at", "published_at")
    } == written


def test_the_apply_step_checks_the_gate_only_when_the_import_publishes(data):
    _outcome, quiet, _values = _written(data, previewed=True, publish=False)
    assert quiet.gaps == []
    _outcome, publishing, values = _written(data, previewed=True, publish=True)
    assert "photo" in publishing.gaps and values["status"] == "draft"  # held back, as checked


def test_a_row_previewed_new_whose_id_is_now_in_the_register_is_planned_again(data):
    from standortlotse.core.tabular.readers import Row

    PropertyFactory(municipality=data.mun_a, external_id="X-1", title="Schon da")
    mapping = {"ID": "external_id", "Bezeichnung": "title", "AGS": "municipality_ags"}
    ctx = importing.Context(data.editor_a, mapping, list(mapping))
    ctx.previewed = {2: "new"}
    cells = {"ID": "X-1", "Bezeichnung": "Neu", "AGS": data.mun_a.ags}
    row = importing.convert(Row(number=2, cells=cells), ctx)
    assert importing.plan([row], ctx)[0][0] == "update"  # differs from the preview: apply stops


def test_tenth_rounds_as_the_decimal_km():
    import random

    rnd = random.Random(7)
    values = [rnd.random() * 90 for _ in range(20_000)] + [n / 100 for n in range(10_000)]
    assert all(facts.tenth(v) == float(facts.km(v)) for v in values)
