"""PDF exposé and comparison PDF: real PDFs, their text, no external resources."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from standortlotse.properties import expose
from standortlotse.properties.models import Status

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def prop(world):
    prop = world.prop_a
    prop.area_available_m2, prop.contact_name, prop.contact_email = (
        25_000,
        "Erika Muster",
        "wirtschaft@stendal.example",
    )
    prop.description_de, prop.description_en = (
        "Voll erschlossen, nahe A14.",
        "Fully serviced, close to the A14.",
    )
    prop.outline = {
        "type": "Polygon",
        "coordinates": [[[11.85, 52.59], [11.87, 52.59], [11.87, 52.61], [11.85, 52.59]]],
    }
    prop.save()
    return prop


def test_german_expose(client, prop):
    response = client.get(reverse("properties:expose", args=[prop.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        prop.title,
        "Erika Muster",
        "wirtschaft@stendal.example",
        "Voll erschlossen",
        "25.000 m²",
        "Stendal",
    ):
        assert expected in text, expected
    assert f"/immobilien/{prop.pk}/" in text  # the page URL (the QR code carries it too)
    reader = PdfReader(io.BytesIO(response.content))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) >= 1  # the map (the QR code is vector)


def test_english_expose(client, prop):
    response = client.get(f"/en/immobilien/{prop.pk}/expose.pdf")
    text = pdf_text(response.content)
    assert "Fully serviced" in text and "Key facts" in text and "/en/immobilien/" in text


def test_drafts_have_no_public_expose(client, prop, world):
    prop.status = Status.DRAFT
    prop.save()
    assert client.get(reverse("properties:expose", args=[prop.pk])).status_code == 404
    client.force_login(world.editor_a)  # the editor may preview it
    assert client.get(reverse("properties:expose", args=[prop.pk])).status_code == 200


def test_comparison_pdf(client, prop, world):
    response = client.get(reverse("properties:compare_pdf"), {"ids": [prop.pk, world.prop_b.pk]})
    text = pdf_text(response.content)
    assert prop.title in text and world.prop_b.title in text
    assert client.get(reverse("properties:compare_pdf")).status_code == 404


def test_map_image_and_no_external_fetch(prop):
    png = expose.map_png(prop)
    assert png.startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="disallowed protocol"):
        expose.embedded_only_fetcher().fetch("https://tiles.example.org/1/2/3.png")


def test_the_expose_names_both_zonings(client, prop):
    prop.zonings = ["GE", "GI"]
    prop.save()
    text = pdf_text(client.get(reverse("properties:expose", args=[prop.pk])).content)
    assert "GE – Gewerbegebiet, GI – Industriegebiet" in " ".join(text.split())


def _checklist(prop):
    prop.readiness_building_rights_status = "clear"
    prop.readiness_grid_status = "open"
    prop.readiness_grid_kva = 630
    prop.readiness_grid_upgrade_kva = 2500
    prop.readiness_grid_upgrade_date = "2027-06-30"
    prop.readiness_grid_operator = "Avacon Netz"
    prop.readiness_contamination_status = "clear"
    prop.readiness_contamination_note = "Gutachten 2021 ohne Befund"
    prop.save()
    return prop


def test_the_expose_carries_the_readiness_checklist(client, prop):
    _checklist(prop)
    text = " ".join(
        pdf_text(client.get(reverse("properties:expose", args=[prop.pk])).content).split()
    )
    assert "Baureife" in text and "in Klärung" in text  # the level (six items unknown)
    assert "Netzanschluss" in text and "verfügbare Netzanschlussleistung: 630 kVA" in text
    assert "Netzbetreiber: Avacon Netz" in text and "30.06.2027" in text
    assert "Gutachten 2021 ohne Befund" in text
    english = client.get(f"/en/immobilien/{prop.pk}/expose.pdf")
    text = " ".join(pdf_text(english.content).split())
    assert "Site readiness" in text and "Grid connection" in text and "630 kVA" in text


def test_a_property_without_checklist_has_no_readiness_rows(client, prop):
    text = pdf_text(client.get(reverse("properties:expose", args=[prop.pk])).content)
    assert "Baureife" not in text and "Netzanschluss" not in text


def test_the_comparison_puts_the_checklists_side_by_side(client, prop, world):
    _checklist(prop)
    ids = {"ids": [prop.pk, world.prop_b.pk]}
    page = client.get(reverse("properties:compare"), ids).content.decode()
    assert 'data-row="readiness_level"' in page and 'data-row="readiness_grid_status"' in page
    row = page[page.index('data-row="readiness_grid_status"') :]
    row = row[: row.index("</tr>")]
    assert "offen" in row and "630" in row and "–" in row  # prop_b has no checklist
    text = " ".join(pdf_text(client.get(reverse("properties:compare_pdf"), ids).content).split())
    assert "Baureife" in text and "verfügbare Netzanschlussleistung: 630 kVA" in text
