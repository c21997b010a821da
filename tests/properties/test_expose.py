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
