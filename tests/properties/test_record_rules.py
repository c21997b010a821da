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
from standortlotse.properties.models import AVAILABLE_EXCEEDS_TOTAL, PRICE_AND_ON_REQUEST, Property

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
        "status": "submitted",
        "licence": "CC-BY-4.0",
        **SWAPPED,
    }
    form = form_class(data)
    assert not form.is_valid()
    assert {k: list(v) for k, v in form.errors.items()} == expected_place_errors()
