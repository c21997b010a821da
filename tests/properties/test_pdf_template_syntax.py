"""Every PDF the platform makes, read back with pypdf: no template syntax may reach the reader.

The compare PDF once printed a raw "{{ … %}" in its "verified on" row. This test renders each kind
of PDF (exposé and comparison in German and English, the consent letters) with records that fill
every optional row, and a second test makes sure no new PDF producer escapes it."""

import ast
import io
import pathlib
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from standortlotse.properties import consent
from standortlotse.properties.models import Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

TEMPLATE_SYNTAX = ("{%", "%}", "{{", "}}", "{#", "#}")
SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "standortlotse"
# The functions that turn HTML into a PDF (callers of expose.html_pdf), each rendered below, or
# with its own records by the test named (which calls ``assert_clean`` on the text).
COVERED = {
    "property_pdf",
    "comparison_pdf",
    "letters_pdf",
    "profile_pdf",  # tests/profiles/test_views.py::test_pdf_has_the_figures_and_sources
    "offer_pdf",  # tests/cases/test_offers.py::test_offer_pdf_reads_back
}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_clean(text: str, *expected: str):
    found = [mark for mark in TEMPLATE_SYNTAX if mark in text]
    assert not found, f"template syntax {found} in the PDF text"
    for value in expected:
        assert value in text, value


@pytest.fixture
def full(world):
    """Properties with every optional fact filled, verified on a known day."""
    props = []
    for n, prop in enumerate((world.prop_a, world.prop_b)):
        prop.verified_on = date(2026, 3, 14 + n)
        prop.planning_status, prop.marketing_type = "bplan", "hereditary_lease"
        prop.grz, prop.gfz, prop.bmz = Decimal("0.8"), Decimal("2.4"), Decimal("10")
        prop.funding_area, prop.funding_rate = True, Decimal("30") + n
        prop.motorway_km, prop.broadband_mbits = Decimal("3.5") + n, 1000 - n * 500
        prop.contact_name, prop.contact_email = "Erika Muster", "erika@stendal.example"
        prop.description_de, prop.description_en = "Beschreibung {x}", "Description"
        prop.save()
        props.append(prop)
    return props


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_expose_pdf_has_no_template_syntax(client, full, prefix):
    response = client.get(prefix + reverse("properties:expose", args=[full[0].pk]))
    assert response.status_code == 200
    assert_clean(pdf_text(response.content), full[0].title, "Erika Muster")


@pytest.mark.parametrize(("prefix", "day"), [("", "14.03.2026"), ("/en", "14 Mar 2026")])
def test_compare_pdf_has_no_template_syntax(client, full, prefix, day):
    ids = ",".join(str(p.pk) for p in full)
    response = client.get(prefix + reverse("properties:compare_pdf") + f"?ids={ids}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert_clean(text, full[0].title, full[1].title)
    # the "verified on" row shows the dates themselves
    compact = text.replace("\n", " ")
    assert day in compact or day.replace("/", ".") in compact, compact[:2000]


def test_consent_letters_pdf_has_no_template_syntax(client, world):
    plot = PropertyFactory(
        title="Acker Müller",
        municipality=world.mun_a,
        owner_type="private",
        status=Status.DRAFT,
        published_at=None,
    )
    consent.save_owner(world.editor_a, plot, "Karl Schmidt", "", "Feldweg 9\n39576 Stendal")
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:consent_list"), {"ids": [plot.pk], "channel": "letter"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert_clean(pdf_text(response.content), "Karl Schmidt", "Acker Müller")


def test_every_pdf_producer_is_covered():
    """A new function that renders a PDF must be added to this module's tests."""
    producers = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name != "html_pdf":
                for call in ast.walk(node):
                    if isinstance(call, ast.Call):
                        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                        if name in ("html_pdf", "write_pdf"):
                            producers.add(node.name)
    assert producers == COVERED
