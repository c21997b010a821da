"""Values as people write them (issue 14), through the web UI: upload a municipal list as it is
kept (an XLSX with a merged title row, a Windows-1252 semicolon CSV), assign the columns, read
the preview, confirm, and find the records as the cells meant them.

The parsers alone are tested in tests/core/test_tabular_values.py."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.core.tabular.readers import Row
from standortlotse.exchange.models import ImportJob
from standortlotse.properties import importing
from standortlotse.properties.models import Availability, PlanningStatus, Property, RailSiding
from tests.exchange.support import (
    csv_bytes,
    tasks_at_once,  # noqa: F401 - a fixture
    upload,
    xlsx_bytes,
)

# The test transaction never commits: on_commit callbacks (the task enqueueing) run at once.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_at_once")]


HEADER = [
    "Objekt-Nr.",
    "Bezeichnung",
    "Gemeinde",
    "Größe gesamt",
    "davon frei",
    "Teilbar",
    "Planungsrecht",
    "Kaufpreis",
    "Verfügbarkeit",
    "Gleisanschluss",
    "Erdgas",
    "Wasser",
]
MAPPING = dict(
    zip(
        HEADER,
        [
            "external_id",
            "title",
            "municipality_ags",
            "area_total_m2",
            "area_available_m2",
            "divisible",
            "planning_status",
            "price_per_m2",
            "availability",
            "rail_siding",
            "gas",
            "water",
        ],
        strict=True,
    )
)


def walk(client, name, content):
    """Upload → assign the columns → the preview page (HTML, unescaped)."""
    response = client.post(reverse("exchange:start"), {"file": upload(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.filter(filename=name).latest("created_at")
    form = {f"col_{i}": MAPPING.get(h, "") for i, h in enumerate(job.headers)}
    assert client.post(reverse("exchange:mapping", args=[job.pk]), form).status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    return job, html.unescape(page)


def confirm(client, job):
    client.post(reverse("exchange:confirm", args=[job.pk]), {"skip_errors": "on"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message


def record(external_id):
    return Property.objects.get(external_id=external_id)


def test_hand_kept_xlsx_with_german_value_forms(client, world):
    rows = [
        HEADER,
        # fmt: off
        [
            "W-1",
            "Gewerbegebiet Am Hafen",
            "Stendal",
            "2,5 ha brutto",
            "12.500 qm",
            "ja",
            "rechtskräftiger B-Plan Nr. 12",
            "ab 12 €/m²",
            "ab 01.03.2025",
            "möglich",
            "x",
            "-",
        ],
        [
            "W-2",
            "Halle Nord",
            "Stendal",
            "ca. 2 ha",
            "12500m²",
            "X",
            "B-Plan in Aufstellung",
            "auf Anfrage",
            "sofort",
            "nein",
            "vorhanden",
            "nicht vorhanden",
        ],
        [
            "W-3",
            "Fläche Süd",
            "Stendal",
            "1,2 Hektar",
            "",
            "nein",
            "§ 34 BauGB",
            "VB",
            "Q3/2026",
            "-",
            "",
            "",
        ],
        [
            "W-4",
            "Fläche West",
            "15090535",
            "",
            "",
            "-",
            "Innenbereich",
            "12–15 €/m²",
            2026,
            "x",
            "",
            "",
        ],
        [
            "W-5",
            "Fläche Ost",
            "Stendal",
            "",
            "",
            "",
            "nur FNP",
            "9,- €",
            "reserviert",
            "ja",
            "",
            "",
        ],
        [
            "W-6",
            "Alte Molkerei",
            "Stendal",
            "",
            "",
            "",
            "Außenbereich § 35",
            "€ 14,50",
            "verkauft",
            "",
            "",
            "",
        ],
        [
            "W-7",
            "Kaputt",
            "Stendal",
            "viel",
            "",
            "vielleicht",
            "irgendwie",
            "teuer",
            "irgendwann",
            "",
            "",
            "",
        ],
        # fmt: on
    ]
    content = xlsx_bytes(rows, title_rows=[["Gewerbeflächen Stendal – Stand März 2025"], []])
    client.force_login(world.editor_a)
    job, page = walk(client, "flaechen.xlsx", content)
    assert job.counts["new"] == 6 and job.counts["error"] == 1

    # The preview says what was read into a cell beyond what it says.
    notes = {r.number: " ".join(m for c, m in r.messages if not c) for r in job.rows.all()}
    assert "„2,5 ha brutto“ als 25.000 m² gelesen" in notes[4]
    assert "„rechtskräftiger B-Plan Nr. 12“ als „rechtskräftiger B-Plan“ gelesen" in notes[4]
    assert "Plannummer 12" in notes[4] and "Mindestpreis 12" in notes[4]
    assert "„möglich“" not in notes[4]  # möglich is a choice of the siding column, no note
    assert "Quartal" in notes[6] and "01.07.2026" in notes[6]
    assert "Spanne „12–15 €/m²“" in notes[7] and "01.01.2026" in notes[7]
    assert "Außenbereich" in notes[9]
    assert "Spalte „Kaufpreis“" in notes[7]  # each note names its column
    assert "Spanne „12–15 €/m²“" in page and "Plannummer 12" in page

    # Anything not read is an error naming the cell, quoting the value, listing the forms.
    errors = {c: m for c, m in job.rows.get(number=10).messages if c}
    assert set(errors) == {"Größe gesamt", "Teilbar", "Planungsrecht", "Kaufpreis", "Verfügbarkeit"}
    assert "„teuer“ ist kein Preis" in errors["Kaufpreis"]
    assert "auf Anfrage" in errors["Kaufpreis"] and "12–15 €/m²" in errors["Kaufpreis"]
    assert "„irgendwann“" in errors["Verfügbarkeit"] and "Q3/2026" in errors["Verfügbarkeit"]
    assert "„irgendwie“" in errors["Planungsrecht"] and "§ 34 BauGB" in errors["Planungsrecht"]
    assert "„vielleicht“" in errors["Teilbar"] and "vorhanden" in errors["Teilbar"]
    assert "„viel“" in errors["Größe gesamt"] and "2,5 ha brutto" in errors["Größe gesamt"]
    assert "„Kaufpreis“" in page and "„teuer“ ist kein Preis" in page
    assert Property.objects.filter(external_id__startswith="W-").count() == 0

    confirm(client, job)
    harbour = record("W-1")
    assert (harbour.area_total_m2, harbour.area_available_m2, harbour.divisible) == (
        25000,
        12500,
        True,
    )
    assert harbour.planning_status == PlanningStatus.BPLAN
    assert (harbour.price_per_m2, harbour.price_on_request) == (Decimal("12.00"), False)
    assert (harbour.availability, harbour.available_from) == (
        Availability.FROM_DATE,
        date(2025, 3, 1),
    )
    assert (harbour.rail_siding, harbour.gas, harbour.water) == (RailSiding.POSSIBLE, True, False)
    hall = record("W-2")
    assert (hall.area_total_m2, hall.area_available_m2, hall.divisible) == (20000, 12500, True)
    assert hall.planning_status == PlanningStatus.IN_PREPARATION
    assert (hall.price_per_m2, hall.price_on_request) == (None, True)
    assert hall.availability == Availability.IMMEDIATELY and hall.available_from is None
    assert (hall.rail_siding, hall.gas, hall.water) == (RailSiding.NO, True, False)
    south = record("W-3")
    assert (south.area_total_m2, south.divisible) == (12000, False)
    assert south.planning_status == PlanningStatus.SECTION_34
    assert (south.price_per_m2, south.price_on_request) == (None, True)  # VB alone
    assert (south.availability, south.available_from) == (Availability.FROM_DATE, date(2026, 7, 1))
    assert south.rail_siding == RailSiding.NO and south.gas is None  # empty stays unknown
    west = record("W-4")
    assert west.planning_status == PlanningStatus.SECTION_34 and west.divisible is False
    assert west.price_per_m2 == Decimal("12.00") and west.available_from == date(2026, 1, 1)
    assert west.rail_siding == RailSiding.YES
    east = record("W-5")
    assert east.planning_status == PlanningStatus.FNP_ONLY
    assert east.price_per_m2 == Decimal("9.00") and east.availability == Availability.RESERVED
    dairy = record("W-6")
    assert dairy.planning_status == "" and dairy.availability == Availability.SOLD
    assert dairy.price_per_m2 == Decimal("14.50")
    assert not Property.objects.filter(external_id="W-7").exists()


def test_windows_1252_semicolon_csv_with_price_and_planning_words(client, world):
    rows = [
        HEADER,
        [
            "C-1",
            "Gewerbehof",
            "Stendal",
            "3.000 m² netto",
            "",
            "ja",
            "B-Plan",
            "a. A.",
            "ab sofort",
            "vorhanden",
            "ja",
            "ja",
        ],  # fmt: skip
        [
            "C-2",
            "Logistikfläche",
            "Stendal",
            "12.500 qm",
            "",
            "nein",
            "Bebauungsplan Nr. 4/2019",
            "14,50 EUR/m² VHB",
            "01.03.2025",
            "nein",
            "nein",
            "-",
        ],  # fmt: skip
        [
            "C-3",
            "Mischfläche",
            "Stendal",
            "",
            "",
            "",
            "kein B-Plan",
            "12-15 €",
            "Q5/2026",
            "",
            "",
            "",
        ],  # fmt: skip
    ]
    client.force_login(world.editor_a)
    job, page = walk(client, "liste.csv", csv_bytes(rows, encoding="cp1252"))
    assert job.counts["new"] == 2 and job.counts["error"] == 1
    errors = {c: m for c, m in job.rows.get(number=4).messages if c}
    assert set(errors) == {"Planungsrecht", "Verfügbarkeit"}  # "kein B-Plan" is not a B-Plan
    assert "„kein B-Plan“" in errors["Planungsrecht"] and "„Q5/2026“" in errors["Verfügbarkeit"]
    notes = " ".join(m for c, m in job.rows.get(number=3).messages if not c)
    assert "verhandelbar" in notes and "Plannummer 4/2019" in notes
    confirm(client, job)
    yard, logistics = record("C-1"), record("C-2")
    assert (yard.area_total_m2, yard.price_per_m2, yard.price_on_request) == (3000, None, True)
    assert yard.availability == Availability.IMMEDIATELY and yard.rail_siding == RailSiding.YES
    assert (logistics.price_per_m2, logistics.price_on_request) == (Decimal("14.50"), False)
    assert logistics.planning_status == PlanningStatus.BPLAN and logistics.water is False
    assert logistics.available_from == date(2025, 3, 1)


def test_a_price_on_request_column_wins_over_the_price_cell(client, world):
    header = ["Bezeichnung", "Gemeinde", "Preis", "Preis auf Anfrage"]
    rows = [header, ["Fläche mit VB", "Stendal", "VB", "nein"]]
    content = csv_bytes(rows)
    client.force_login(world.editor_a)
    response = client.post(reverse("exchange:start"), {"file": upload("vb.csv", content)})
    assert response.status_code == 302
    job = ImportJob.objects.get(filename="vb.csv")
    form = {
        "col_0": "title",
        "col_1": "municipality_ags",
        "col_2": "price_per_m2",
        "col_3": "price_on_request",
    }
    client.post(reverse("exchange:mapping", args=[job.pk]), form)
    confirm(client, job)
    prop = Property.objects.get(title="Fläche mit VB")
    assert (prop.price_per_m2, prop.price_on_request) == (None, False)


def test_column_documentation_lists_every_form_the_parser_reads(client, world):
    client.force_login(world.editor_a)
    page = html.unescape(client.get(reverse("exchange:columns")).content.decode())
    for name in ("price_per_m2", "availability", "planning_status", "area_total_m2", "gas"):
        for form in importing.accepted_forms(name):
            assert form in page, (name, form)
    for form in ("auf Anfrage", "Verhandlungsbasis", "12–15 €/m²", "Q3/2026", "ab sofort"):
        assert form in page
    for form in ("§ 34 BauGB", "nur FNP", "2,5 ha brutto", "nicht vorhanden", "verkauft"):
        assert form in page


@pytest.mark.parametrize("name", ["price_per_m2", "availability", "planning_status", "divisible"])
def test_every_documented_form_of_a_column_imports(world, name):
    """The documentation cannot promise a form the import refuses."""
    ctx = importing.Context(world.editor_a, {"Spalte": name}, ["Spalte"])
    for form in importing.accepted_forms(name):
        row = Row(number=2, cells={"Spalte": form})
        converted = importing.convert(row, ctx)
        assert not [e for e in converted.errors if e[0] == "Spalte"], (form, converted.errors)
