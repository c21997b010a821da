"""New rows are written from the records the preview built (``ImportRow.staged``): nothing is
converted twice, and what changed between preview and import still counts — a record with the
row's ID, a municipality the editor lost, the publication gate of the region as it is now."""

import pytest
from django.utils import timezone

from standortlotse.accounts.models import Membership
from standortlotse.exchange import services
from standortlotse.exchange.models import ImportJob, ImportRow
from standortlotse.properties import importing, readiness
from standortlotse.properties.models import Property, Status
from tests.exchange.support import (
    csv_bytes,
    run,
    tasks_at_once,  # noqa: F401 - a fixture
)
from tests.factories import PropertyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_at_once")]

HEADER = ["external_id", "title", "municipality_ags", "lat", "lon", "area_available_m2", "zonings"]


def _rows(n=3, prefix="S"):
    return [HEADER] + [
        [f"{prefix}-{i}", f"Fläche {i}", "15090535", "52,61", f"11,8{i}", "1.000", "GE/GI"]
        for i in range(n)
    ]


def test_new_rows_are_written_as_the_preview_built_them_without_a_second_conversion(
    world, monkeypatch
):
    job = run(world.editor_a, "s.csv", csv_bytes(_rows()), confirm=False)
    assert job.state == ImportJob.State.PREVIEW
    assert all(job.rows.values_list("staged", flat=True))  # each new row has its record
    converted = []
    original = importing.convert
    monkeypatch.setattr(
        importing, "convert", lambda row, ctx: converted.append(row.number) or original(row, ctx)
    )
    before = timezone.now()
    services.confirm(job, skip_errors=False, publish=False)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    assert converted == []  # no row was read and checked again
    records = Property.objects.filter(external_id__startswith="S-").order_by("external_id")
    assert [r.title for r in records] == ["Fläche 0", "Fläche 1", "Fläche 2"]
    first = records[0]
    assert first.zonings == ["GE", "GI"] and first.area_available_m2 == 1000
    assert first.municipality == world.mun_a and first.status == Status.DRAFT
    assert first.readiness_level == readiness.level_of(first)  # the record rules of save()
    assert first.search_text == first.build_search_text()
    assert first.created_at >= before and first.updated_at >= before  # the time of writing
    assert first.history.get().history_change_reason.startswith("Import")
    assert set(job.rows.values_list("result", flat=True)) == {ImportRow.Result.CREATED}
    assert sorted(job.rows.values_list("record_id", flat=True)) == sorted(r.pk for r in records)
    assert set(job.rows.values_list("staged", flat=True)) == {""}  # not kept after the import


def test_a_record_with_the_rows_id_created_meanwhile_stops_the_import(world):
    job = run(world.editor_a, "s.csv", csv_bytes(_rows()), confirm=False)
    PropertyFactory(municipality=world.mun_a, external_id="S-1", title="Inzwischen angelegt")
    services.confirm(job, skip_errors=False, publish=False)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "Zeile 3" in job.message and "Vorschau" in job.message
    assert not Property.objects.filter(external_id__in=["S-0", "S-2"]).exists()


def test_an_editor_who_lost_the_municipality_meanwhile_writes_nothing(world):
    job = run(world.editor_a, "s.csv", csv_bytes(_rows()), confirm=False)
    Membership.objects.filter(user=world.editor_a).delete()
    services.confirm(job, skip_errors=False, publish=False)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "Zeile 2" in job.message
    assert not Property.objects.filter(external_id__startswith="S-").exists()


def test_the_gate_of_the_region_as_it_is_when_the_import_runs_decides_what_is_published(world):
    world.region.publish_requirements = ["description"]
    world.region.save()
    rows = _rows(2, prefix="G")
    rows[0].append("description_de")
    rows[1].append("Voll erschlossen.")
    rows[2].append("")
    job = run(world.editor_a, "g.csv", csv_bytes(rows), confirm=False)
    world.region.publish_requirements = ["description", "zoning"]
    world.region.save()
    services.confirm(job, skip_errors=False, publish=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    described = Property.objects.get(external_id="G-0")
    assert described.status == Status.PUBLISHED and described.published_at is not None
    assert Property.objects.get(external_id="G-1").status == Status.DRAFT  # no description
    assert job.counts["written_held"] == 1
    world.region.publish_requirements = ["description", "exact_location"]
    world.region.save()
    rows = _rows(1, prefix="H")
    rows[0].append("description_de")
    rows[1][1] = "Bauland am Ortsrand"
    rows[1][3:5] = ["", ""]  # no point: the municipality's centre, approximate
    rows[1].append("Am Ortsrand.")
    job = run(world.editor_a, "h.csv", csv_bytes(rows), publish=True)
    assert job.state == ImportJob.State.DONE, job.message
    assert Property.objects.get(external_id="H-0").status == Status.DRAFT
