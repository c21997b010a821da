"""The property import target (properties/importing.py): suggestions from header words and
values; "publish" and the publication gate."""

import datetime

import pytest
from django.urls import reverse

from standortlotse.properties import importing
from tests.exchange.support import HAND_KEPT_MAPPING, HAND_KEPT_ROWS

pytestmark = pytest.mark.django_db  # choice labels are translated; nothing is read from the DB


def test_a_hand_kept_list_is_suggested_completely():
    headers = list(HAND_KEPT_MAPPING)
    samples = {h: [row[i] for row in HAND_KEPT_ROWS if row[i]] for i, h in enumerate(headers)}
    expected = {h: name for h, name in HAND_KEPT_MAPPING.items() if name}
    assert importing.suggest(headers, samples) == expected


def test_a_column_of_zoning_codes_is_the_zoning_not_the_kind():
    samples = {"Art": ["GE", "GI", "MI", "SO", "GE/GI"], "Bezeichnung": ["A", "B", "C"]}
    assert importing.suggest(["Bezeichnung", "Art"], samples)["Art"] == "zonings"
    # With kinds as values, "Art" stays the kind.
    kinds = {"Art": ["Halle", "Gewerbegebiet", "Brachfläche"]}
    assert importing.suggest(["Art"], kinds) == {"Art": "kind"}
    # Zoning codes under any header are the zoning, if nothing else claims it.
    assert importing.suggest(["Spalte F"], {"Spalte F": ["GE", "GI", "GE"]}) == {
        "Spalte F": "zonings"
    }


@pytest.mark.parametrize(
    "header", ["Autobahnanschlussstelle (km)", "Autobahn (km)", "Anschlussstelle in km"]
)
def test_numbers_under_a_km_header_are_a_distance_never_the_junction_name(header):
    samples = {header: ["4,5", 12, "3"]}
    assert importing.suggest([header], samples) == {header: "motorway_km"}


def test_the_junction_name_stays_a_name():
    samples = {"Anschlussstelle": ["A 14 Stendal", "A 2 Burg", "A 14 Colbitz"]}
    assert importing.suggest(["Anschlussstelle"], samples) == {
        "Anschlussstelle": "motorway_junction"
    }
    # Bare numbers never fill a name field, whatever the header says.
    assert importing.suggest(["Anschlussstelle"], {"Anschlussstelle": [4, 12, 3]}) == {
        "Anschlussstelle": "motorway_km"
    }


@pytest.mark.parametrize(
    ("total", "available"),
    [
        ("Gesamtfläche", "davon frei"),
        ("Fläche gesamt", "verfügbar"),
        ("Größe", "frei"),
        ("Gesamtfläche (ha)", "davon frei (m²)"),
    ],
)
def test_total_and_available_area_are_told_apart(total, available):
    samples = {total: ["2,5", "12.000", 3], available: ["1.000", 800, "1,2"]}
    assert importing.suggest([total, available], samples) == {
        total: "area_total_m2",
        available: "area_available_m2",
    }


def test_verfuegbar_with_dates_is_the_availability():
    samples = {"verfügbar": ["sofort", "01.03.2026", "reserviert"]}
    assert importing.suggest(["verfügbar"], samples) == {"verfügbar": "availability"}


def test_yes_no_and_dates_fit_their_fields():
    samples = {
        "teilbar": ["ja", "nein", "x"],
        "Stand": [datetime.date(2025, 3, 1), "01.03.2025"],
        "Bemerkung": ["erschlossen", "Altlasten"],
    }
    assert importing.suggest(list(samples), samples) == {
        "teilbar": "divisible",
        "Stand": "verified_on",
        "Bemerkung": "description_de",
    }


def test_looks_like_names_important_columns_only():
    assert importing.looks_like("Flächenangabe alt", ["2 ha"]) == "area_available_m2"
    assert importing.looks_like("Kaufpreis alt", ["12"]) == "price_per_m2"
    assert importing.looks_like("Gebietsart", ["GE"]) == ""
    assert importing.looks_like("Lfd. Nr.", [1, 2, 3]) == ""


# --- several zonings in one cell, and the approximate-position flag --------------------------


def _converted(world, cells: dict):
    from standortlotse.core.tabular.readers import Row

    mapping = {header: column for header, (column, _value) in cells.items()}
    ctx = importing.Context(world.editor_a, mapping, list(mapping))
    row = Row(number=2, cells={header: value for header, (_column, value) in cells.items()})
    return importing.convert(row, ctx)


def _cell_errors(converted, header="Gebietsart"):
    return [message for column, message in converted.errors if column == header]


@pytest.mark.parametrize(
    ("cell", "zonings"),
    [
        ("GE", ["GE"]),
        ("Industriegebiet", ["GI"]),
        ("GE/GI", ["GE", "GI"]),
        ("GE, GI", ["GE", "GI"]),
        ("GE und GI", ["GE", "GI"]),
        ("GE/GI/MI", ["GE", "GI", "MI"]),
        ("GI / Gewerbegebiet", ["GE", "GI"]),  # in the order of the choices
        ("GE; GE", ["GE"]),
        ("urbanes Gebiet", ["MI"]),
    ],
)
def test_one_cell_holds_one_or_several_zonings(world, cell, zonings):
    converted = _converted(world, {"Gebietsart": ("zonings", cell)})
    assert not _cell_errors(converted) and converted.values["zonings"] == zonings


def test_either_or_is_read_as_both_with_a_note(world):
    converted = _converted(world, {"Gebietsart": ("zonings", "GE oder GI")})
    assert converted.values["zonings"] == ["GE", "GI"]
    assert any("GE oder GI" in w for w in converted.warnings)


@pytest.mark.parametrize("cell", ["GE/XY", "Kleinsiedlungsgebiet", "GE, , Acker"])
def test_an_unknown_part_is_an_error_naming_the_cell_and_the_accepted_forms(world, cell):
    converted = _converted(world, {"Gebietsart": ("zonings", cell)})
    ((column, message),) = [(c, m) for c, m in converted.errors if c == "Gebietsart"]
    assert cell in message and "GE/GI" in message and "GE und GI" in message
    assert "zonings" not in converted.values


def test_the_column_documentation_lists_every_zoning_form_and_each_imports(world):
    forms = importing.accepted_forms("zonings")
    assert {"GE/GI", "GE, GI", "GE und GI", "GE/GI/MI", "Gewerbegebiet", "MU"} <= set(forms)
    for form in forms:
        converted = _converted(world, {"Gebietsart": ("zonings", form)})
        assert not _cell_errors(converted), (form, converted.errors)


def test_old_exports_zoning_header_maps_to_the_zonings():
    assert importing.suggest(["zoning"]) == {"zoning": "zonings"}
    assert importing.suggest(["location_approximate"]) == {
        "location_approximate": "location_approximate"
    }


@pytest.mark.parametrize(
    ("cells", "approximate"),
    [
        # Our export of a record placed at the municipality centre: the flag wins.
        ({"lat": "52.6", "lon": "11.86", "location_approximate": "ja"}, True),
        ({"lat": "52.6", "lon": "11.86", "location_approximate": "nein"}, False),
        ({"lat": "52.6", "lon": "11.86"}, False),
        # No coordinates: the centre is taken and is approximate, whatever the cell says.
        ({"location_approximate": "nein"}, True),
    ],
)
def test_the_approximate_flag_is_read_back(world, cells, approximate):
    given = {"Gemeinde": ("municipality_ags", world.mun_a.ags), "Titel": ("title", "Fläche")}
    given.update({name: (name, value) for name, value in cells.items()})
    converted = _converted(world, given)
    assert not converted.errors, converted.errors
    assert converted.values["location_approximate"] is approximate


def test_a_repeated_cell_is_read_once_per_file_with_the_same_value_notes_and_side_values(world):
    """The per-file memo of parsed cells: every row gets the value, the warnings and the values
    the cell sets besides its own, as if the cell had been read anew; a bad cell stays an error
    in every row; free text is never memoised."""
    from standortlotse.core.tabular.readers import Row

    mapping = {
        "Titel": "title",
        "Gemeinde": "municipality_ags",
        "Gebietsart": "zonings",
        "Preis": "price_per_m2",
        "Fläche": "area_available_m2",
    }
    ctx = importing.Context(world.editor_a, mapping, list(mapping))
    cells = {
        "Titel": "Halle",
        "Gemeinde": "Stendal",
        "Gebietsart": "GE oder GI",
        "Preis": "auf Anfrage",
        "Fläche": "2,5 ha",
    }
    first, second = (importing.convert(Row(number=n, cells=dict(cells)), ctx) for n in (2, 3))
    for converted in (first, second):
        assert converted.values["zonings"] == ["GE", "GI"]
        assert converted.values["price_on_request"] is True
        assert "price_per_m2" in converted.values and converted.values["price_per_m2"] is None
        assert converted.values["area_available_m2"] == 25_000
        assert any("GE oder GI" in w for w in converted.warnings)
    assert first.warnings == second.warnings and first.values == second.values
    assert first.values["zonings"] is not second.values["zonings"]  # a list of its own per row
    assert ("zonings", "GE oder GI") in ctx.memo and ("title", "Halle") not in ctx.memo
    bad = {**cells, "Fläche": "2,5 Morgen"}
    for number in (4, 5):
        converted = importing.convert(Row(number=number, cells=dict(bad)), ctx)
        assert [c for c, _m in converted.errors] == ["Fläche"]


def test_a_new_record_is_checked_by_the_same_record_rules_as_property_would_be(world):
    """The record rules of a new row run on a copy of one blank record per file."""
    from standortlotse.core.tabular.readers import Row

    mapping = {"Titel": "title", "Gemeinde": "municipality_ags", "Fläche": "area_available_m2"}
    mapping["Gesamtfläche"] = "area_total_m2"
    ctx = importing.Context(world.editor_a, mapping, list(mapping))
    rows = [
        Row(
            number=2,
            cells={"Titel": "A", "Gemeinde": "Stendal", "Fläche": "3 ha", "Gesamtfläche": "2 ha"},
        ),
        Row(
            number=3,
            cells={"Titel": "B", "Gemeinde": "Stendal", "Fläche": "1 ha", "Gesamtfläche": "2 ha"},
        ),
    ]
    planned = importing.plan([importing.convert(r, ctx) for r in rows], ctx)
    assert [p[0] for p in planned] == ["error", "new"]
    assert [c for c, _m in planned[0][1].errors] == ["Fläche"]
    from standortlotse.properties.models import Property

    blank, constructed = importing.blank_record(), Property()
    assert {k: v for k, v in vars(blank).items() if k != "_state"} == {
        k: v for k, v in vars(constructed).items() if k != "_state"
    }
    assert blank._state.adding and blank._state is not importing.blank_record()._state


# --- "publish" and the publication gate (importing.write, _note_gate) ---------------------------

GATE_MAPPING = {
    "Bezeichnung": "title",
    "Gemeinde": "municipality_ags",
    "frei (m²)": "area_available_m2",
    "Beschreibung": "description_de",
    "E-Mail": "contact_email",
    "Breite": "lat",
    "Länge": "lon",
}
GATE_ROWS = [
    list(GATE_MAPPING),
    ["Vollständige Fläche", "15090535", "8000", "Ebene Fläche.", "a@example.org", "52.6", "11.86"],
    ["Fläche ohne Text", "15090535", "6000", "", "b@example.org", "52.61", "11.87"],
]


@pytest.fixture
def _tasks_at_once(monkeypatch):
    # The test transaction never commits: run on_commit callbacks (the task enqueueing) at once.
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def _gate_import(client, world, publish=True):
    from standortlotse.exchange.models import ImportJob
    from tests.exchange.support import csv_bytes, run

    job = run(world.editor_a, "liste.csv", csv_bytes(GATE_ROWS), GATE_MAPPING, publish=publish)
    assert job.state == ImportJob.State.DONE, job.message
    return job


@pytest.mark.usefixtures("_tasks_at_once")
def test_import_with_publish_leaves_rows_below_the_gate_as_drafts_with_a_note(client, world):
    """The default gate asks for a photo, which no file brings: everything is imported, as
    drafts, and each row says why."""
    from standortlotse.properties.models import Property, Status
    from tests.exchange.support import csv_bytes, run

    preview = run(world.editor_a, "liste.csv", csv_bytes(GATE_ROWS), GATE_MAPPING, confirm=False)
    assert preview.counts["new"] == 2 and preview.counts["warning"] == 2  # noted in the preview
    assert all("es fehlt: Foto" in row.messages[0][1] for row in preview.rows.all())
    job = _gate_import(client, world)
    assert set(
        Property.objects.values_list("status", flat=True).filter(pk__gt=world.prop_c.pk)
    ) == {Status.DRAFT}
    notes = {row.title: [m for _c, m in row.messages] for row in job.rows.all()}
    assert notes["Vollständige Fläche"] == [
        (
            "Zum Veröffentlichen unvollständig (es fehlt: Foto): wird als Entwurf angelegt, auch "
            "mit „veröffentlichen“."
        )
    ]
    assert "es fehlt: Foto, Beschreibung" in notes["Fläche ohne Text"][0]
    assert job.counts["written_new"] == 2 and job.counts["written_held"] == 2
    client.force_login(world.editor_a)
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "2 neue Datensätze bleiben Entwürfe" in page
    assert "es fehlt: Foto, Beschreibung" in page  # the row's note in the result
    report = client.get(reverse("exchange:report", args=[job.pk]))
    assert "es fehlt: Foto, Beschreibung" in report.content.decode("utf-8-sig")


@pytest.mark.usefixtures("_tasks_at_once")
def test_import_with_publish_publishes_the_rows_that_meet_the_regions_gate(client, world):
    from standortlotse.properties.models import Property, Status

    world.region.publish_requirements = ["description", "area_available", "contact"]
    world.region.save()
    job = _gate_import(client, world)
    assert Property.objects.get(title="Vollständige Fläche").status == Status.PUBLISHED
    held = Property.objects.get(title="Fläche ohne Text")
    assert held.status == Status.DRAFT and held.published_at is None
    rows = {row.title: row for row in job.rows.all()}
    assert rows["Vollständige Fläche"].messages == []
    assert "es fehlt: Beschreibung" in rows["Fläche ohne Text"].messages[0][1]
    assert rows["Fläche ohne Text"].get_result_display() == "angelegt"  # imported, not failed
    assert job.counts["written_held"] == 1


def test_records_made_from_the_blank_record_get_their_own_list_and_dict_defaults(world):
    first, second = importing.blank_record(), importing.blank_record(values={"title": "B"})
    first.zonings.append("GE")
    first.fact_overrides["motorway"] = {"reason": "x"}
    assert second.zonings == [] and second.fact_overrides == {} and second.title == "B"
    made = importing.blank_record(values={"municipality": world.mun_a})
    assert made.municipality_id == world.mun_a.pk and made._state.adding
