"""One invalid record through every write path: the same errors on the same fields, nothing saved.

The record rules live on the model (Property.clean, Place.clean); form, API, import, partner feed
and admin must all meet them, and name the field (or the file's column) each error belongs to.
"""

import csv
import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from standortlotse.core.validators import POINT_OUTSIDE_GERMANY
from standortlotse.exchange import services as imports
from standortlotse.exchange.models import ImportJob
from standortlotse.places import exchange as feeds
from standortlotse.places.models import Place
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import (
    AVAILABLE_EXCEEDS_TOTAL,
    NO_ZONING_WITH_OTHERS,
    PRICE_AND_ON_REQUEST,
    Property,
)

pytestmark = pytest.mark.django_db

# 5,000 m² available of 1,000 m² total, a price and "on request", latitude and longitude swapped.
INVALID = {
    "area_total_m2": 1000,
    "area_available_m2": 5000,
    "price_per_m2": "12.50",
    "price_on_request": True,
    "lat": 11.86,
    "lon": 52.6,
}


def expected_property_errors():
    return {
        "area_available_m2": [str(AVAILABLE_EXCEEDS_TOTAL)],
        "price_per_m2": [str(PRICE_AND_ON_REQUEST)],
        "lat": [str(POINT_OUTSIDE_GERMANY)],
    }


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def _form_data(prop, **overrides):
    data = model_to_dict(prop, fields=PropertyForm.Meta.fields)
    data["outline"] = ""
    data.update(overrides)
    return {k: ("" if v is None else v) for k, v in data.items()}


def _stored(prop):
    return model_to_dict(Property.objects.get(pk=prop.pk), fields=PropertyForm.Meta.fields)


def test_property_form_names_each_broken_rule(world):
    count = Property.objects.count()
    form = PropertyForm(
        _form_data(world.prop_a, title="Neu", external_id="", **INVALID), user=world.editor_a
    )
    assert not form.is_valid()
    assert {k: list(v) for k, v in form.errors.items()} == expected_property_errors()
    assert Property.objects.count() == count


def test_property_api_post_and_patch_name_each_broken_rule(client, world):
    client.force_login(world.editor_a)
    before, count = _stored(world.prop_a), Property.objects.count()
    payload = {"title": "API-Fläche", "kind": "plot", "municipality": world.mun_a.pk, **INVALID}
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"] == expected_property_errors()
    response = client.patch(
        f"/api/properties/{world.prop_a.pk}", json.dumps(INVALID), content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"] == expected_property_errors()
    assert Property.objects.count() == count and _stored(world.prop_a) == before


def _import(user, rows):
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    job = imports.start(user, SimpleUploadedFile("flaechen.csv", out.getvalue().encode()))
    imports.set_mapping(job, job.mapping)
    job.refresh_from_db()
    return job


IMPORT_HEADER = [
    "Objekt-Nr.",
    "Bezeichnung",
    "Gemeinde",
    "Breite",
    "Länge",
    "Gesamtfläche",
    "Verfügbare Fläche",
    "Preis",
    "Preis auf Anfrage",
]
IMPORT_ROW = ["1000", "5000", "12,50", "ja"]


@pytest.mark.parametrize("external_id", ["NEU-1", "existing"])
def test_property_import_names_the_files_columns(world, external_id):
    if external_id == "existing":
        world.prop_a.external_id = external_id
        world.prop_a.save()
    before, count = _stored(world.prop_a), Property.objects.count()
    job = _import(
        world.moderator,
        # A point outside Germany either way round (a swapped pair is read back the right way
        # round by the import since issue 14, tests/exchange/test_coordinates.py).
        [IMPORT_HEADER, [external_id, "Fläche", "Stendal", "48.85", "2.35", *IMPORT_ROW]],
    )
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.counts["error"] == 1
    row = job.rows.get()
    errors = {}
    for column, message in row.messages:
        if column:
            errors.setdefault(column, []).append(message)
    by_column = {"Verfügbare Fläche": "area_available_m2", "Preis": "price_per_m2", "Breite": "lat"}
    assert errors == {
        column: expected_property_errors()[name] for column, name in by_column.items()
    }
    with pytest.raises(imports.ImportStepRefused):
        imports.confirm(job, skip_errors=False, publish=False)
    assert Property.objects.count() == count and _stored(world.prop_a) == before


def _superuser_request(rf):
    request = rf.post("/admin/")
    request.user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    return request


def test_property_admin_names_each_broken_rule(rf, world):
    model_admin = admin.site._registry[Property]
    form_class = model_admin.get_form(_superuser_request(rf), None, change=False)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(world.prop_a).items()}
    data.update(INVALID, outline="null", external_id="")
    count = Property.objects.count()
    form = form_class(data)
    assert not form.is_valid()
    assert {k: list(v) for k, v in form.errors.items()} == expected_property_errors()
    assert Property.objects.count() == count


# --- several zonings (issue 14): one record with GE and GI through every write path -------------

TWO_ZONINGS = ["GE", "GI"]


def _zoning_errors(errors) -> list[str]:
    return [str(m) for m in errors.get("zonings", [])]


def test_two_zonings_through_the_editor_form(client, world):
    client.force_login(world.editor_a)
    data = _form_data(world.prop_a, zonings=TWO_ZONINGS)
    response = client.post(reverse("properties:editor_edit", args=[world.prop_a.pk]), data)
    assert response.status_code == 302
    world.prop_a.refresh_from_db()
    assert world.prop_a.zonings == TWO_ZONINGS
    assert world.prop_a.history.first().zonings == TWO_ZONINGS  # the history keeps the list


def test_an_unknown_zoning_is_named_by_the_editor_form(world):
    form = PropertyForm(_form_data(world.prop_a, zonings=["GE", "XY"]), user=world.editor_a)
    assert not form.is_valid()
    assert list(form.errors) == ["zonings"]
    assert (
        "XY" in form.errors["zonings"][0]
        and "GE, GI, MI, SO, WA, none" in form.errors["zonings"][0]
    )


def test_none_and_a_zoning_together_are_refused(world):
    form = PropertyForm(_form_data(world.prop_a, zonings=["none", "GE"]), user=world.editor_a)
    assert not form.is_valid()
    assert _zoning_errors(form.errors) == [str(NO_ZONING_WITH_OTHERS)]


def test_two_zonings_through_the_api(client, world):
    client.force_login(world.editor_a)
    payload = {
        "title": "API-Fläche GE/GI",
        "kind": "plot",
        "municipality": world.mun_a.pk,
        "lat": 52.59,
        "lon": 11.85,
        "zonings": TWO_ZONINGS,
    }
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["zonings"] == TWO_ZONINGS and body["zoning"] == "GE"
    assert Property.objects.get(pk=body["id"]).zonings == TWO_ZONINGS
    # PATCH without the zonings keeps them; with them replaces them.
    url = f"/api/properties/{body['id']}"
    response = client.patch(url, json.dumps({"title": "Neu"}), content_type="application/json")
    assert response.json()["zonings"] == TWO_ZONINGS
    response = client.patch(url, json.dumps({"zonings": ["MI"]}), content_type="application/json")
    assert response.json()["zonings"] == ["MI"] and response.json()["zoning"] == "MI"


@pytest.mark.parametrize("zonings", [["GE", "XY"], "GE"])
def test_an_unknown_zoning_is_a_422_naming_the_field(client, world, zonings):
    client.force_login(world.editor_a)
    before = _stored(world.prop_a)
    response = client.patch(
        f"/api/properties/{world.prop_a.pk}",
        json.dumps({"zonings": zonings}),
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = json.dumps(response.json()["detail"])
    assert "zonings" in detail
    if isinstance(zonings, list):  # answered by the form: the value and what is accepted
        assert "XY" in response.json()["detail"]["zonings"][0]
        assert "GE, GI, MI, SO, WA, none" in response.json()["detail"]["zonings"][0]
    assert _stored(world.prop_a) == before


def test_two_zonings_through_the_admin(rf, world):
    model_admin = admin.site._registry[Property]
    form_class = model_admin.get_form(_superuser_request(rf), world.prop_a, change=True)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(world.prop_a).items()}
    data.update(outline="null", zonings=TWO_ZONINGS)
    form = form_class(data, instance=world.prop_a)
    assert form.is_valid(), form.errors
    form.save()
    world.prop_a.refresh_from_db()
    assert world.prop_a.zonings == TWO_ZONINGS
    data.update(zonings=["GE", "XY"])
    form = form_class(data, instance=world.prop_a)
    assert not form.is_valid() and "XY" in form.errors["zonings"][0]


def test_two_zonings_through_the_import_and_an_unknown_part_named_by_cell(world):
    header = ["Objekt-Nr.", "Bezeichnung", "Gemeinde", "Gebietsart"]
    job = _import(
        world.moderator,
        [
            header,
            ["Z-1", "Fläche GE/GI", "Stendal", "GE/GI"],
            ["Z-2", "Fläche kaputt", "Stendal", "GE/XY"],
            ["Z-3", "Fläche keine", "Stendal", "keine, GE"],
        ],
    )
    assert job.state == ImportJob.State.PREVIEW, job.message
    rows = {r.number: r for r in job.rows.all()}
    assert rows[2].outcome == "new"
    errors = [(c, m) for c, m in rows[3].messages if c]
    assert len(errors) == 1 and errors[0][0] == "Gebietsart"
    assert "XY" in errors[0][1] and "GE/GI" in errors[0][1] and "Gewerbegebiet" in errors[0][1]
    assert [(c, m) for c, m in rows[4].messages if c] == [
        ("Gebietsart", str(NO_ZONING_WITH_OTHERS))
    ]
    imports.confirm(job, skip_errors=True, publish=False)
    assert Property.objects.get(external_id="Z-1").zonings == TWO_ZONINGS
    assert not Property.objects.filter(external_id__in=["Z-2", "Z-3"]).exists()


# --- places ----------------------------------------------------------------------------------------

SWAPPED = {"lat": 11.86, "lon": 52.6}


def expected_place_errors():
    return {"lat": [str(POINT_OUTSIDE_GERMANY)]}


def test_place_submission_names_the_broken_rule(client, world):
    data = {
        "name": "Coworking Alte Schule",
        "pitch": "Schreibtische im Dorf",
        "place_fields": ["work"],
        "types": ["coworking"],
        "municipality": world.mun_a.pk,
        "owner_name": "Erika Muster",
        "owner_email": "erika@example.org",
        "consent": "on",
        **SWAPPED,
    }
    response = client.post(reverse("places:submit", args=["altmark"]), data)
    assert response.status_code == 200
    assert {
        k: list(v) for k, v in response.context["form"].errors.items()
    } == expected_place_errors()
    assert not Place.objects.exists()


def test_place_feed_import_names_the_broken_rule(world):
    record = {
        "id": "p-1",
        "name": "Kreativhof",
        "pitch": "Werkstatt",
        "municipality_ags": world.mun_a.ags,
        "fields": ["work"],
        **SWAPPED,
    }
    rows = feeds.plan([record], "partner", world.region)
    label = Place._meta.get_field("lat").verbose_name
    assert rows[0].action == "error"
    assert rows[0].errors == [f"{label}: {message}" for message in expected_place_errors()["lat"]]
    assert (
        rows[0].data["name"] == "Kreativhof" and rows[0].data["lat"] == 11.86
    )  # the row's data is kept
    feeds.apply(rows, "partner", world.region, world.moderator)
    assert not Place.objects.exists()


def test_place_admin_names_the_broken_rule(rf, world):
    model_admin = admin.site._registry[Place]
    form_class = model_admin.get_form(_superuser_request(rf), None, change=False)
    data = {
        "name": "Kreativhof",
        "pitch": "Werkstatt",
        "region": world.region.pk,
        "municipality": world.mun_a.pk,
        "owner_name": "Erika",
        "owner_email": "erika@example.org",
        "owner_language": "de",
        "status": "submitted",
        "licence": "CC-BY-4.0",
        **SWAPPED,
    }
    form = form_class(data)
    assert not form.is_valid()
    assert {k: list(v) for k, v in form.errors.items()} == expected_place_errors()


def test_an_implausible_area_is_named_on_every_path(client, world):
    """A 23-digit area (a slip of the keyboard or of the unit) is refused with the plausible
    maximum, not with the database's integer limit, by form, API and import."""
    from standortlotse.properties.models import AREA_MAX_M2

    message = "Höchstens 100.000.000 m² (100 km²)"
    form = PropertyForm(
        _form_data(world.prop_a, title="Neu", external_id="", area_total_m2=AREA_MAX_M2 + 1),
        user=world.editor_a,
    )
    assert not form.is_valid() and message in form.errors["area_total_m2"][0]
    assert PropertyForm(
        _form_data(world.prop_a, title="Neu", external_id="", area_total_m2=AREA_MAX_M2),
        user=world.editor_a,
    ).is_valid()
    client.force_login(world.editor_a)
    payload = {"title": "Riesig", "kind": "plot", "municipality": world.mun_a.pk}
    response = client.post(
        "/api/properties",
        json.dumps({**payload, "area_total_m2": AREA_MAX_M2 + 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]["area_total_m2"][0]
    job = _import(
        world.moderator,
        [["Bezeichnung", "Gemeinde", "Gesamtfläche"], ["Riesig", "Stendal", "1" * 23]],
    )
    (column, text), *_rest = job.rows.get().messages
    assert column == "Gesamtfläche" and message in text and "9223372036854775807" not in text
