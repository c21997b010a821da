"""Bulk import of properties: German values, mapping, preview, confirm, rollback, hostile files.

The value parser alone is tested in tests/core/test_tabular_values.py."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from standortlotse.core.tabular import readers
from standortlotse.exchange import services
from standortlotse.exchange.models import ColumnMemory, ImportJob
from standortlotse.geo.models import Municipality
from standortlotse.properties.exports import COLUMNS, to_csv, to_geojson, to_gpkg, to_xlsx
from standortlotse.properties.models import Property, Status
from tests.exchange.support import (
    csv_bytes,
    run,
    tasks_at_once,  # noqa: F401 - a fixture
    upload,
    xlsx_bytes,
)

# The test transaction never commits: on_commit callbacks (the task enqueueing) run at once.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_at_once")]


MESSY_HEADER = [
    "Objekt-Nr.",
    "Bezeichnung",
    "Gemeinde",
    "Fläche (ha)",
    "Gesamtfläche",
    "Verfügbar ab",
    "Gebietsart",
    "Preis €/m²",
    "Gleisanschluss",
    "GRW-Fördergebiet",
    "Stand",
]


def messy_rows(world):
    return [
        MESSY_HEADER,
        [
            "A-1",
            "Gewerbegebiet Süd",
            "Stendal",
            "3,5",
            "42.500 m²",
            "sofort",
            "GE",
            "18,50 €",
            "möglich",
            "ja",
            "01.03.2025",
        ],
        [
            "A-2",
            "Halle Nord",
            "15081135",
            "0,48",
            "ca. 2 ha",
            "01.03.2026",
            "GE/GI",
            "",
            "ja",
            "nein",
            "2025-02-01",
        ],
        ["A-3", "Kaputt", "Atlantis", "viel", "", "irgendwann", "XY", "teuer", "", "", ""],
    ]


# --- end to end through the services ----------------------------------------------------------------


def test_messy_xlsx_is_read_with_german_values(world):
    world.region.publish_requirements = []  # publishing here is not held by the gate (a file
    world.region.save()  # brings no photo): tests/properties/test_publication.py has that
    content = xlsx_bytes(
        messy_rows(world), title_rows=[["Gewerbeflächen der Altmark – Stand März 2025"], []]
    )
    job = run(world.moderator, "flaechen.xlsx", content, confirm=False)
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.counts["new"] == 2 and job.counts["error"] == 1
    rows = {r.number: r for r in job.rows.all()}
    assert rows[4].outcome == "new" and rows[5].outcome == "new"
    errors = {c: m for c, m in rows[6].messages if c}
    assert set(errors) >= {"Gemeinde", "Fläche (ha)", "Verfügbar ab", "Gebietsart", "Preis €/m²"}
    assert "Atlantis" in errors["Gemeinde"]
    assert not any("GE/GI" in m for c, m in rows[5].messages)  # GE/GI: both kept, no note
    assert (
        Property.objects.filter(title="Gewerbegebiet Süd").count() == 0
    )  # nothing written before confirming
    services.confirm(job, skip_errors=True, publish=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    south = Property.objects.get(external_id="A-1")
    assert (south.area_available_m2, south.area_total_m2, south.availability) == (
        35000,
        42500,
        "immediately",
    )
    assert (
        south.price_per_m2 == Decimal("18.50")
        and south.rail_siding == "possible"
        and south.funding_area is True
    )
    assert str(south.verified_on) == "2025-03-01" and south.status == Status.PUBLISHED
    assert (south.lat, south.lon) == (world.mun_a.lat, world.mun_a.lon)  # centre taken, with a note
    north = Property.objects.get(external_id="A-2")
    assert (
        north.municipality == world.mun_b
        and north.area_total_m2 == 20000
        and north.zonings == ["GE", "GI"]
    )
    assert north.availability == "from_date" and str(north.available_from) == "2026-03-01"
    assert north.history.first().history_change_reason.lower().startswith("import")


def test_errors_block_the_import_unless_skipped(world):
    job = run(world.moderator, "f.csv", csv_bytes(messy_rows(world)))
    assert job.state == ImportJob.State.PREVIEW
    with pytest.raises(services.ImportStepRefused):
        services.confirm(job, skip_errors=False, publish=False)
    assert not Property.objects.filter(external_id__startswith="A-").exists()


def test_update_unchanged_and_permissions(world):
    rows = [
        ["external_id", "title", "municipality_ags", "lat", "lon", "area_available_m2"],
        ["X-1", "Fläche eins", "15090535", "52,61", "11,85", "1000"],
        ["X-2", "Fläche zwei", "15090535", "52.62", "11.86", "2000"],
    ]
    job = run(world.editor_a, "a.csv", csv_bytes(rows))
    assert job.state == ImportJob.State.DONE and job.counts["new"] == 2
    assert Property.objects.get(external_id="X-1").status == Status.DRAFT
    rows[1][5] = "1.500"
    rows.append(["X-3", "Fremd", "15081135", "52,5", "11,4", ""])  # Gardelegen: not editor A's
    job = run(world.editor_a, "a.csv", csv_bytes(rows), skip_errors=True)
    outcomes = dict(job.rows.values_list("number", "outcome"))
    assert outcomes == {2: "update", 3: "unchanged", 4: "error"}
    # The refusal says only that the municipality is outside the editor's scope, never which one.
    assert job.rows.get(number=4).messages[0][1] == "Nicht in Ihren Gemeinden."
    assert "Gardelegen" not in str(job.rows.get(number=4).messages)
    assert Property.objects.get(external_id="X-1").area_available_m2 == 1500
    assert not Property.objects.filter(external_id="X-3").exists()
    # editor B cannot update A's record through its external ID
    job = run(
        world.editor_b,
        "b.csv",
        csv_bytes([rows[0], ["X-1", "Übernahme", "15081135", "52,5", "11,4", ""]]),
    )
    assert job.rows.get().outcome == "error"
    messages = str(job.rows.get().messages)
    assert (
        "Der Datensatz mit dieser ID ist nicht in Ihren Gemeinden." in messages
        and "Stendal" not in messages
    )
    assert Property.objects.get(external_id="X-1").title == "Fläche eins"


def test_the_whole_import_rolls_back_when_a_row_fails_on_writing(world, monkeypatch):
    rows = [["external_id", "title", "municipality_ags", "lat", "lon"]] + [
        [f"R-{i}", f"Fläche {i}", "15090535", "52,6", "11,8"] for i in range(2500)
    ]
    job = run(world.moderator, "r.csv", csv_bytes(rows), confirm=False)
    from standortlotse.properties import importing

    # New rows are written from the records the preview built (write_staged).
    original = importing.write_staged
    calls = []

    def failing(staged, *args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(staged, *args)

    monkeypatch.setattr(importing, "write_staged", failing)
    services.confirm(job, skip_errors=False, publish=False)
    job.refresh_from_db()
    assert (
        job.state == ImportJob.State.FAILED
        and "nothing was written" in job.message.lower()
        or "nichts" in job.message.lower()
    )
    assert not Property.objects.filter(external_id__startswith="R-").exists()


def test_mapping_is_suggested_validated_and_remembered(world):
    rows = [["Kennung", "Objektname", "Kommune", "Sonstiges"], ["K-1", "Fläche", "Stendal", "egal"]]
    job = services.start(world.editor_a, upload("m.csv", csv_bytes(rows)))
    assert job.mapping["Kennung"] == "external_id" and job.mapping["Kommune"] == "municipality_ags"
    assert job.mapping["Objektname"] == "" and job.mapping["Sonstiges"] == ""
    with pytest.raises(services.ImportStepRefused, match="title|Titel"):
        services.set_mapping(job, job.mapping)  # title not assigned
    with pytest.raises(services.ImportStepRefused):
        services.set_mapping(job, {**job.mapping, "Objektname": "title", "Sonstiges": "title"})
    services.set_mapping(job, {**job.mapping, "Objektname": "title"})
    assert ColumnMemory.objects.filter(header="Objektname", column="title").exists()
    again = services.start(world.editor_a, upload("m2.csv", csv_bytes(rows)))
    assert again.mapping["Objektname"] == "title"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg"])
def test_exports_reimport_losslessly(world, fmt):
    source = world.prop_a
    source.area_available_m2, source.price_per_m2, source.description_de = (
        4200,
        Decimal("12.5"),
        "=SUMME(A1) Text; mit Semikolon",
    )
    source.outline = {
        "type": "Polygon",
        "coordinates": [[[11.8, 52.6], [11.81, 52.6], [11.81, 52.61], [11.8, 52.6]]],
    }
    source.save()
    queryset = Property.objects.filter(pk__in=[world.prop_a.pk, world.prop_b.pk])
    exported = {
        "csv": lambda: to_csv(queryset).encode(),
        "xlsx": lambda: to_xlsx(queryset),
        "geojson": lambda: to_geojson(queryset).encode(),
        "gpkg": lambda: to_gpkg(queryset),
    }[fmt]()
    before = {p.pk: p for p in queryset}
    Property.objects.filter(pk__in=before).delete()
    job = run(world.state_admin, f"export.{fmt}", exported, publish=True)
    assert job.state == ImportJob.State.DONE, (
        job.message,
        list(job.rows.values_list("messages", flat=True)),
    )
    for old in before.values():
        new = Property.objects.get(external_id=f"standortlotse-{old.pk}")
        for column in COLUMNS:
            if column in ("external_id", "municipality_ags"):
                continue
            assert getattr(new, column) == getattr(old, column), column
        assert new.municipality_id == old.municipality_id


# --- hostile files -----------------------------------------------------------------------------


def refused(user, name, content):
    with pytest.raises(readers.Refused) as error:
        services.start(user, upload(name, content))
    return str(error.value)


def test_hostile_files_are_refused_with_a_reason(world):
    user = world.moderator
    assert "XLSX" in refused(user, "liste.xlsx", b"name;flaeche\nx;1\n") or "Excel" in refused(
        user, "liste.xlsx", b"name;flaeche\nx;1\n"
    )
    assert refused(user, "liste.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    assert refused(user, "bild.png", b"\x89PNG")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"0" * (50 * 1024 * 1024))
        archive.writestr("[Content_Types].xml", b"<x/>")
    assert "zip" in refused(user, "bombe.xlsx", bomb.getvalue()).lower()
    # A formula or an oversized cell among the first rows: refused at upload, the cell named.
    huge = csv_bytes([["title", "municipality_ags"], ["x" * 20_000, "Stendal"]])
    assert "10000" in refused(user, "gross.csv", huge).replace(".", "")
    formula = csv_bytes([["title", "municipality_ags"], ['=HYPERLINK("http://evil")', "Stendal"]])
    message = refused(user, "formel.csv", formula)
    assert "Formel" in message and "Zeile 2" in message
    # ... further down the file: the check stops with the cell named, nothing is written.
    late = [["title", "municipality_ags"], *[[f"Fläche {n}", "Stendal"] for n in range(300)]]
    late.append(['=HYPERLINK("http://evil")', "Stendal"])
    job = services.start(user, upload("spaet.csv", csv_bytes(late)))
    services.set_mapping(job, job.mapping)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "Formel" in job.message
    assert "Zeile 302" in job.message
    assert not ImportJob.objects.filter(
        filename__in=["bild.png", "gross.csv", "formel.csv"]
    ).exists()


def test_windows_1252_and_comma_csv(world):
    content = "title,municipality_ags,locality\nFläche Süd,Stendal,Groß Möringen\n".encode("cp1252")
    job = run(world.moderator, "w.csv", content)
    assert job.state == ImportJob.State.DONE
    assert Property.objects.get(title="Fläche Süd").locality == "Groß Möringen"


# --- GIS formats -------------------------------------------------------------------------------


def _gis_file(tmp_path, driver, suffix, epsg):
    import numpy as np
    import pyogrio
    from pyproj import Transformer
    from shapely import to_wkb
    from shapely.geometry import Point, Polygon

    to_utm = Transformer.from_crs(4326, epsg, always_xy=True).transform
    x, y = to_utm(11.85, 52.61)
    second = (
        Polygon([(x, y), (x + 100, y), (x + 100, y + 100), (x, y + 100)])
        if driver == "GPKG"
        else Point(x + 100, y)
    )
    geometries = np.array([to_wkb(Point(x, y)), to_wkb(second)], dtype=object)
    fields = ["titel", "gemeinde", "flaeche"]
    data = [
        np.array(["Punkt", "Umriss"], dtype=object),
        np.array(["Stendal", "Stendal"], dtype=object),
        np.array(["1.000", "2 ha"], dtype=object),
    ]
    path = tmp_path / f"flaechen{suffix}"
    pyogrio.raw.write(
        str(path),
        geometries,
        data,
        fields,
        crs=f"EPSG:{epsg}",
        driver=driver,
        geometry_type="Unknown" if driver == "GPKG" else "Point",
    )
    return path


def test_geopackage_in_utm_is_reprojected(world, tmp_path):
    path = _gis_file(tmp_path, "GPKG", ".gpkg", 25832)
    job = run(
        world.moderator,
        "flaechen.gpkg",
        path.read_bytes(),
        mapping={"titel": "title", "gemeinde": "municipality_ags", "flaeche": "area_available_m2"},
    )
    assert job.state == ImportJob.State.DONE, job.message
    point = Property.objects.get(title="Punkt")
    assert abs(point.lat - 52.61) < 1e-5 and abs(point.lon - 11.85) < 1e-5
    outline = Property.objects.get(title="Umriss")
    assert outline.outline["type"] == "Polygon" and outline.area_available_m2 == 20000


def test_zipped_shapefile(world, tmp_path):
    _gis_file(tmp_path, "ESRI Shapefile", ".shp", 25833)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("flaechen.*"):
            z.write(part, part.name)
    job = run(
        world.moderator,
        "flaechen.zip",
        archive.getvalue(),
        mapping={"titel": "title", "gemeinde": "municipality_ags", "flaeche": "area_available_m2"},
        skip_errors=True,
    )
    assert job.state == ImportJob.State.DONE, job.message
    point = Property.objects.get(title="Punkt")
    assert abs(point.lat - 52.61) < 1e-5


# --- pages -------------------------------------------------------------------------------------


def test_import_pages_walk_through(client, world):
    client.force_login(world.editor_a)
    assert client.get(reverse("exchange:start")).status_code == 200
    assert client.get(reverse("exchange:columns")).status_code == 200
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("exchange:template", args=[fmt]))
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
    response = client.post(reverse("exchange:start"), {"file": upload("bild.csv", b"\x00\x01\x02")})
    assert response.status_code == 400 and "CSV" in response.content.decode()
    content = csv_bytes(
        [
            ["Titel", "Gemeinde", "Fläche"],
            ["Neue Fläche", "Stendal", "2,5 ha"],
            ["Falsch", "Stendal", "groß"],
        ]
    )
    response = client.post(reverse("exchange:start"), {"file": upload("neu.csv", content)})
    job = ImportJob.objects.get(filename="neu.csv")
    assert response.status_code == 302
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Spalten zuordnen" in page or "Assign the columns" in page
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    assert form == {"col_0": "title", "col_1": "municipality_ags", "col_2": "area_available_m2"}
    client.post(reverse("exchange:mapping", args=[job.pk]), form)
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "„Fläche“" in page and "groß" in page
    response = client.post(reverse("exchange:confirm", args=[job.pk]), {})
    assert Property.objects.filter(title="Neue Fläche").count() == 0
    client.post(reverse("exchange:confirm", args=[job.pk]), {"skip_errors": "on"})
    assert Property.objects.get(title="Neue Fläche").area_available_m2 == 25000
    report = client.get(reverse("exchange:report", args=[job.pk])).content.decode("utf-8-sig")
    assert "groß" in report and "übersprungen" in report.lower() or "skipped" in report.lower()
    # another editor sees nothing of it
    client.force_login(world.editor_b)
    assert client.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:report", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("exchange:start")).status_code == 302


def test_duplicate_ids_in_a_file_are_errors(world):
    rows = [
        ["external_id", "title", "municipality_ags"],
        ["D-1", "Erste", "Stendal"],
        ["D-1", "Zweite", "Stendal"],
        ["D-2", "Dritte", "Stendal"],
    ]
    job = run(world.moderator, "d.csv", csv_bytes(rows), skip_errors=True)
    outcomes = dict(job.rows.values_list("number", "outcome"))
    assert outcomes == {2: "new", 3: "error", 4: "new"}
    assert "2" in job.rows.get(number=3).messages[0][1]
    assert job.counts["error"] == 1 and job.counts["new"] == 2
    assert list(Property.objects.filter(external_id="D-1").values_list("title", flat=True)) == [
        "Erste"
    ]
    created = Property.objects.get(external_id="D-2")
    entry = created.history.get()
    assert (
        entry.history_type == "+"
        and entry.history_user == world.moderator
        and entry.title == "Dritte"
    )


# --- possible duplicates -----------------------------------------------------------------------


def test_an_identical_row_is_skipped_by_default_and_an_area_only_match_is_none(world):
    rows = [
        ["Titel", "Gemeinde", "Fläche", "Gesamtfläche"],
        ["Neue Fläche Ost", "Stendal", "2,5 ha", ""],
        ["Neue Fläche Ost", "Stendal", "25.000 m²", ""],  # the same after parsing
        ["Ganz anders", "Stendal", "1,5 ha", ""],  # only the area of prop_a (15,000 m²)
    ]
    before = Property.objects.count()
    job = run(world.editor_a, "zweimal.csv", csv_bytes(rows))
    assert job.state == ImportJob.State.DONE, job.message
    decided = dict(job.rows.values_list("number", "decision"))
    assert decided == {2: "", 3: "skip", 4: ""}
    assert job.rows.get(number=4).duplicate_of_record is None  # round areas coincide often
    assert Property.objects.count() == before + 2
    assert Property.objects.filter(title="Neue Fläche Ost").count() == 1
    report = list(services.report_rows(job))
    assert "identisch mit Zeile 2" in report[1][7] and report[1][8] == "überspringen"
    assert f"#{world.prop_a.pk}" not in report[2][7]
    # what the import did: created (with the new record), skipped, created
    assert [line[1] for line in report] == ["angelegt", "übersprungen", "angelegt"]
    created = Property.objects.get(title="Neue Fläche Ost")
    assert report[0][2] == created.pk and report[1][2] == ""


def test_identical_rows_of_earlier_batches_are_found_in_sql(world, monkeypatch):
    """The identical-row check keeps no fingerprint per row in memory: rows of earlier batches
    are found by ImportRow.fingerprint."""
    monkeypatch.setattr(services, "BATCH", 2)
    rows = [
        ["Titel", "Gemeinde", "Fläche"],
        ["Neue Fläche Ost", "Stendal", "2,5 ha"],
        ["Etwas anderes", "Stendal", "1 ha"],
        ["Drittes Objekt", "Stendal", "3 ha"],
        ["Neue Fläche Ost", "Stendal", "25.000 m²"],  # the same as row 2, two batches later
        ["Neue Fläche Ost", "Stendal", "2,5 ha"],  # and again: still the first one, row 2
    ]
    job = run(world.editor_a, "batches.csv", csv_bytes(rows), confirm=False)
    found = {
        r.number: (r.duplicate_of_row, r.duplicate_identical, r.decision) for r in job.rows.all()
    }
    assert found[5] == (2, True, "skip") and found[6] == (2, True, "skip")
    assert found[3] == (None, False, "") and found[4] == (None, False, "")
    prints = dict(job.rows.values_list("number", "fingerprint"))
    assert prints[2] == prints[5] == prints[6] and prints[2] is not None
    assert len({prints[2], prints[3], prints[4]}) == 3


def test_two_rows_may_not_update_the_same_record(world):
    rows = [
        ["Titel", "Gemeinde"],
        ["Gewerbepark Stendal-Nord", "Stendal"],
        ["GEWERBEPARK STENDAL NORD", "Stendal"],
    ]
    job = run(world.editor_a, "doppelt.csv", csv_bytes(rows), confirm=False)
    assert [r.duplicate_of_record for r in job.rows.all()] == [world.prop_a.pk] * 2
    with pytest.raises(services.ImportStepRefused, match=r"2 Zeilen .* \(Zeilen 2, 3\)"):
        services.confirm(job, False, False)
    with pytest.raises(services.ImportStepRefused, match=f"#{world.prop_a.pk}"):
        services.confirm(job, False, False, decisions={2: "update", 3: "update"})
    assert job.state == ImportJob.State.PREVIEW
    services.confirm(job, False, False, decisions={3: "skip"})  # row 2 keeps its "update"
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.counts["written_update"] == 1
    world.prop_a.refresh_from_db()
    assert world.prop_a.title == "Gewerbepark Stendal-Nord"


def test_the_job_keeps_the_language_it_was_started_in(world):
    from django.utils import translation

    content = csv_bytes([["title", "municipality_ags"], ["Halle", "15090535"]])
    assert services.start(world.editor_a, upload("a.csv", content), language="en").language == "en"
    assert services.start(world.editor_a, upload("b.csv", content), language="fr").language == "de"
    with translation.override("en"):
        assert services.start(world.editor_a, upload("c.csv", content)).language == "en"


def test_the_remembered_mapping_and_coordinate_system_are_read_in_one_query(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [["Kennung", "Objektname", "Kommune"], ["K-1", "Fläche", "Stendal"]]
    first = services.start(world.editor_a, upload("m.csv", csv_bytes(rows)))
    services.set_mapping(first, {**first.mapping, "Objektname": "title"}, "utm33")
    with CaptureQueriesContext(connection) as queries:
        again = services.start(world.editor_a, upload("m2.csv", csv_bytes(rows)))
    by_shape = [
        q["sql"]
        for q in queries.captured_queries
        if "exchange_columnmemory" in q["sql"] and "shape" in q["sql"] and "SELECT" in q["sql"]
    ]
    assert len(by_shape) == 1, by_shape  # the mapping and the coordinate system together
    assert again.mapping["Objektname"] == "title" and again.crs == "utm33"
    assert services.remembered_crs(again) == "utm33"
    services.set_mapping(again, {**again.mapping, "Kennung": ""})  # remembered anew
    assert services.remembered_mapping(again)["Kennung"] == ""


def test_identical_rows_are_marked_in_one_statement_per_chunk(world):
    """_mark_identical_chunk writes UPDATE … FROM (VALUES …), not a CASE per row (bulk_update)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [["Titel", "Gemeinde", "Fläche"]] + [
        [f"Fläche {n % 3}", "Stendal", f"{n % 3 + 1} ha"] for n in range(9)
    ]
    job = services.start(world.editor_a, upload("neun.csv", csv_bytes(rows)))
    with CaptureQueriesContext(connection) as queries:
        services.set_mapping(job, job.mapping)
    marks = [q["sql"] for q in queries.captured_queries if "duplicate_identical" in q["sql"]]
    updates = [sql for sql in marks if sql.startswith("UPDATE")]
    assert len(updates) == 1 and "FROM (VALUES" in updates[0] and "CASE" not in updates[0]
    found = {
        r.number: (r.duplicate_of_row, r.duplicate_identical, r.decision) for r in job.rows.all()
    }
    assert found[2] == (None, False, "") and found[5] == (2, True, "skip")
    assert found[8] == (2, True, "skip") and found[9] == (3, True, "skip")
    assert found[10] == (4, True, "skip")


def test_near_identical_rows_of_earlier_batches_are_found_after_the_last(world, monkeypatch):
    """The near-identical check keeps no index of the file's rows while the batches are read: it
    runs over the stored rows (ImportRow.near_group …) after the last batch."""
    monkeypatch.setattr(services, "BATCH", 2)
    rows = [
        ["Titel", "Gemeinde", "Fläche"],
        ["Halle am Kanal", "Stendal", "2 ha"],
        ["Etwas anderes", "Stendal", "1 ha"],
        ["Drittes Objekt", "Stendal", "3 ha"],
        ["HALLE AM KANAL", "Stendal", "20.500 m²"],  # near row 2 (2.5 %), two batches later
        ["Halle am Kanal", "Stendal", "2 ha"],  # identical to row 2: identical wins
        ["Halle am Kanal", "Stendal", "9 ha"],  # another area: none
    ]
    job = run(world.editor_a, "nah.csv", csv_bytes(rows), confirm=False)
    found = {
        r.number: (r.duplicate_of_row, r.duplicate_identical, r.decision) for r in job.rows.all()
    }
    assert found[5] == (2, False, "ask")
    assert found[6] == (2, True, "skip")
    assert found[7] == (None, False, "") and found[3] == (None, False, "")
    assert job.counts["duplicate"] == 2
    stored = job.rows.get(number=5)
    assert stored.near_group == Municipality.objects.get(ags="15090535").pk
    assert stored.near_a == 20_500
