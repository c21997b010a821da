"""Site readiness through every write path (editor form, JSON API, import and export, admin)
and every reader (public page de/en, search page and API filter, item documents)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standortlotse.properties import readiness
from standortlotse.properties.models import Property
from tests.exchange.support import tasks_at_once  # noqa: F401 (a fixture)
from tests.properties.support import valid_pdf
from tests.properties.test_admin import _admin_post
from tests.security.test_upload_safety import DOCUMENT_POLYGLOTS

pytestmark = pytest.mark.django_db


def set_checklist(prop, default="clear", **statuses):
    for item in readiness.ITEMS:
        setattr(prop, item.status_field, statuses.get(item.key, default))
    return prop


def ready_to_build(prop):
    set_checklist(prop)
    prop.readiness_grid_kva = 630
    prop.readiness_grid_operator = "Avacon Netz GmbH"
    prop.readiness_water_m3_day = 120
    prop.readiness_soil_note = "Baugrundgutachten 2023"
    prop.save()
    return prop


def form_values(prop):
    """The editor form as posted for a stored record: its values and the given changes."""
    from django.forms.models import model_to_dict

    from standortlotse.properties.forms import PropertyForm

    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(prop, fields=PropertyForm.Meta.fields).items()
    }
    data["municipality"] = prop.municipality_id
    data["zonings"] = prop.zonings or []
    data["outline"] = ""
    for name in ("divisible", "gas", "hydrogen", "water", "waste_water", "operation_24_7"):
        data[name] = "unknown" if data.get(name) == "" else str(data[name]).lower()
    data["funding_area"] = "unknown"
    data["readiness_willing_to_sell"] = "unknown"
    return {k: v for k, v in data.items() if v is not False}


# --- editor form -------------------------------------------------------------------------------


def test_editor_form_saves_the_checklist_and_shows_what_is_missing(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    page = client.get(url).content.decode()
    assert "<legend>Baureife</legend>" in page
    assert "Noch nicht geklärt" in page and "Netzanschluss" in page  # all unknown at first
    data = form_values(world.prop_a)
    data.update({item.status_field: "clear" for item in readiness.ITEMS})
    data.update(
        readiness_soil_status="open",
        readiness_grid_kva="630",
        readiness_grid_upgrade_kva="2000",
        readiness_grid_upgrade_date="2027-06-30",
        readiness_willing_to_sell="true",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    prop = Property.objects.get(pk=world.prop_a.pk)
    assert prop.readiness_level == "mostly"
    assert (prop.readiness_grid_kva, prop.readiness_grid_upgrade_kva) == (630, 2000)
    assert prop.readiness_willing_to_sell is True
    page = client.get(url).content.decode()
    summary = page.split('id="readiness-summary"')[1].split("</div>")[0]
    assert "weitgehend geklärt" in summary
    assert "<li>Baugrund</li>" in summary and "Netzanschluss" not in summary


# --- one invalid record through every write path: the error names the field -------------------

INVALID = {"readiness_grid_upgrade_date": "2027-06-30"}  # an upgrade date without its capacity


def test_invalid_record_in_the_form_names_the_field(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    response = client.post(url, {**form_values(world.prop_a), **INVALID})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["readiness_grid_upgrade_date"]
    assert "Anschlussleistung nach dem geplanten Ausbau" in errors["readiness_grid_upgrade_date"][0]
    assert "Netzausbau geplant zum" in response.content.decode()  # the summary names the field


def test_invalid_record_in_the_api_names_the_field(client, world):
    client.force_login(world.editor_a)
    url = f"/api/properties/{world.prop_a.pk}"
    response = client.patch(url, json.dumps(INVALID), content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["readiness_grid_upgrade_date"]
    response = client.patch(
        url, json.dumps({"readiness_grid_status": "maybe"}), content_type="application/json"
    )
    assert response.status_code == 422 and "readiness_grid_status" in json.dumps(response.json())
    response = client.patch(
        url, json.dumps({"readiness_grid_kva": -5}), content_type="application/json"
    )
    assert response.status_code == 422 and "readiness_grid_kva" in response.json()["detail"]
    world.prop_a.refresh_from_db()
    assert world.prop_a.readiness_grid_upgrade_date is None


def test_invalid_record_in_the_admin_names_the_field(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:properties_property_change", args=[world.prop_a.pk])
    data = _admin_post(world.prop_a, **INVALID)
    data["readiness_willing_to_sell"] = "unknown"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "readiness_grid_upgrade_date" in errors
    data["readiness_grid_upgrade_kva"] = "2000"
    assert client.post(url, data).status_code == 302
    world.prop_a.refresh_from_db()
    assert world.prop_a.readiness_grid_upgrade_kva == 2000


# --- JSON API ----------------------------------------------------------------------------------


def test_api_writes_and_reads_the_checklist(client, world):
    client.force_login(world.editor_a)
    url = f"/api/properties/{world.prop_a.pk}"
    payload = {item.status_field: "clear" for item in readiness.ITEMS}
    payload |= {"readiness_grid_kva": 4000, "readiness_grid_operator": "Avacon Netz GmbH"}
    response = client.patch(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200, response.json()
    data = client.get(url).json()
    assert data["readiness_level"] == "ready"
    grid = next(entry for entry in data["readiness"] if entry["item"] == "grid")
    assert grid["status"] == "clear"
    assert grid["values"]["readiness_grid_kva"] == 4000
    assert grid["values"]["readiness_grid_operator"] == "Avacon Netz GmbH"


def test_api_list_filters_by_readiness(client, world):
    ready_to_build(world.prop_a)
    set_checklist(world.prop_b, soil="open").save()

    def titles(level):
        items = client.get("/api/properties", {"readiness": level}).json()["items"]
        return {item["title"] for item in items}

    assert titles("ready") == {"Gewerbepark Stendal Nord"}
    assert titles("mostly") == {"Gewerbepark Stendal Nord", "Halle Gardelegen"}
    assert "Fläche Haldensleben" in titles("clarifying")
    assert "Gewerbepark Stendal Nord" not in titles("clarifying")
    assert client.get("/api/properties", {"readiness": "soon"}).status_code == 422


# --- public search page ------------------------------------------------------------------------


def test_search_page_filters_ready_to_build_only(client, world):
    ready_to_build(world.prop_a)
    page = client.get(reverse("properties:search")).content.decode()
    assert "nur baureife Flächen" in page
    page = client.get(reverse("properties:search"), {"readiness": "ready"}).content.decode()
    assert "Gewerbepark Stendal Nord" in page
    assert "Halle Gardelegen" not in page and "Fläche Haldensleben" not in page
    assert "Baureife: nur baureife Flächen" in page  # the filter chip


# --- public property page ----------------------------------------------------------------------


def test_public_page_shows_the_section_in_german_and_english(client, world):
    prop = ready_to_build(world.prop_a)
    page = client.get(prop.get_absolute_url()).content.decode()
    section = page.split('id="readiness"')[1].split("</section>")[0]
    assert ">Baureife</h2>" in section and "readiness-ready" in section and ">baureif<" in section
    assert "Netzanschluss" in section and "630\u00a0kVA" in section and "120 m³/Tag" in section
    assert section.count('class="readiness-item"') == len(readiness.ITEMS)
    with_en = client.get("/en" + prop.get_absolute_url()).content.decode()
    section = with_en.split('id="readiness"')[1].split("</section>")[0]
    assert ">Site readiness</h2>" in section and ">ready to build<" in section
    assert "Grid connection" in section and "Avacon Netz GmbH" in section


def test_public_page_has_no_empty_readiness_heading(client, world):
    page = client.get(world.prop_b.get_absolute_url()).content.decode()
    assert 'id="readiness"' not in page and "Baureife" not in page


def test_item_document_is_shown_with_its_item_and_polyglots_are_refused(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_document_add", args=[world.prop_a.pk])
    name, content = next(iter(DOCUMENT_POLYGLOTS.values()))
    refused = client.post(
        url,
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "title": "Gutachten",
            "readiness_item": "soil",
        },
    )
    assert refused.status_code == 422 and not world.prop_a.documents.exists()
    pdf = SimpleUploadedFile("baugrund.pdf", valid_pdf(), content_type="application/pdf")
    response = client.post(
        url, {"file": pdf, "title": "Baugrundgutachten 2023", "readiness_item": "soil"}
    )
    assert response.status_code == 302
    world.prop_a.readiness_soil_status = "clear"
    world.prop_a.save()
    page = client.get(world.prop_a.get_absolute_url()).content.decode()
    soil = page.split('data-item="soil"')[1].split("</li>\n")[0]
    assert "Baugrundgutachten 2023 (PDF)" in soil
    api = client.get(f"/api/properties/{world.prop_a.pk}").json()["readiness"]
    assert len(next(entry for entry in api if entry["item"] == "soil")["documents"]) == 1


# --- import and export -------------------------------------------------------------------------

HEADERS = [
    "Objekt-Nr.",
    "Bezeichnung",
    "Gemeinde",
    "Fläche (ha)",
    "Breite",
    "Länge",
    "readiness_building_rights_status",
    "readiness_grid_status",
    "readiness_grid_kva",
    "readiness_grid_operator",
    "readiness_grid_upgrade_kva",
    "readiness_grid_upgrade_date",
    "readiness_water_status",
    "readiness_water_m3_day",
    "readiness_flood_status",
    "readiness_flood_note",
    "readiness_ownership_status",
    "readiness_willing_to_sell",
]
ROW = [
    "ST-31",
    "Industriegebiet Stendal Süd, Baufeld 3",
    "Stendal",
    "4,2",
    "52,5821",
    "11,8810",
    "geklärt",
    "offen",
    "630 kVA",
    "Avacon Netz GmbH",
    "2.000",
    "30.06.2027",
    "geklärt",
    "120",
    "Hindernis",
    "Südrand im HQ100-Gebiet",
    "geklärt",
    "ja",
]


@pytest.mark.usefixtures("tasks_at_once")
def test_import_reads_german_readiness_values(world):
    from standortlotse.exchange.models import ImportJob
    from tests.exchange.support import csv_bytes, run

    job = run(world.editor_a, "flaechen.csv", csv_bytes([HEADERS, ROW]))
    assert job.mapping["readiness_grid_kva"] == "readiness_grid_kva"
    assert job.state == ImportJob.State.DONE, list(job.rows.values_list("messages", flat=True))
    prop = Property.objects.get(external_id="ST-31")
    assert prop.readiness_building_rights_status == "clear"
    assert prop.readiness_grid_status == "open" and prop.readiness_flood_status == "issue"
    assert (prop.readiness_grid_kva, prop.readiness_grid_upgrade_kva) == (630, 2000)
    assert prop.readiness_grid_upgrade_date.isoformat() == "2027-06-30"
    assert prop.readiness_willing_to_sell is True and prop.readiness_water_m3_day == 120
    assert prop.readiness_level == "clarifying"  # the obstacle


@pytest.mark.usefixtures("tasks_at_once")
def test_invalid_record_in_the_import_names_the_column(world):
    from tests.exchange.support import csv_bytes, run

    row = list(ROW)
    row[HEADERS.index("readiness_grid_upgrade_kva")] = ""  # the date without the capacity
    job = run(world.editor_a, "flaechen.csv", csv_bytes([HEADERS, row]), confirm=False)
    messages = [m for r in job.rows.all() for m in r.messages]
    assert messages == [
        [
            "readiness_grid_upgrade_date",  # the file's header of the column
            "Geben Sie mit dem Datum die Anschlussleistung nach dem geplanten Ausbau (kVA) an.",
        ]
    ]
    bad = list(ROW)
    bad[HEADERS.index("readiness_grid_status")] = "vielleicht"
    job = run(world.editor_a, "flaechen.csv", csv_bytes([HEADERS, bad]), confirm=False)
    messages = [m for r in job.rows.all() for m in r.messages]
    assert any(column == "readiness_grid_status" and "geklärt" in text for column, text in messages)
    assert not Property.objects.filter(external_id="ST-31").exists()


@pytest.mark.usefixtures("tasks_at_once")
def test_csv_export_and_import_round_trip(world):
    from standortlotse.exchange.models import ImportJob
    from standortlotse.properties.exports import COLUMNS, to_csv
    from tests.exchange.support import run

    prop = ready_to_build(world.prop_a)
    prop.readiness_grid_status = "open"
    prop.readiness_grid_upgrade_kva = 2500
    prop.readiness_grid_upgrade_date = "2027-06-30"
    prop.readiness_willing_to_sell = True
    prop.readiness_flood_note = "außerhalb HQ100"
    prop.save()
    assert set(readiness.FIELDS) <= set(COLUMNS)
    before = {name: getattr(Property.objects.get(pk=prop.pk), name) for name in readiness.FIELDS}
    content = to_csv(Property.objects.filter(pk=prop.pk))
    assert ";readiness_grid_kva;" in content.splitlines()[0] or "readiness_grid_kva" in content
    Property.objects.filter(pk=prop.pk).delete()
    job = run(world.state_admin, "export.csv", content.encode(), publish=True)
    assert job.state == ImportJob.State.DONE, list(job.rows.values_list("messages", flat=True))
    new = Property.objects.get(external_id=f"standortlotse-{prop.pk}")
    assert {name: getattr(new, name) for name in readiness.FIELDS} == before
    assert new.readiness_level == "mostly"
