"""The import pages as an editor uses them: possible duplicates in the preview and their choices."""

import pytest
from django.urls import reverse

from standortlotse.exchange.models import ImportJob, ImportRow
from standortlotse.properties.models import Property
from tests.exchange.support import duplicate_list_bytes, known_record, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_after_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def preview(client, world, existing):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("exchange:start"), {"file": upload("flaechen.csv", duplicate_list_bytes())}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(filename="flaechen.csv")
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    assert form["col_1"] == "title" and form["col_4"] == "lat" and form["col_5"] == "lon"
    client.post(reverse("exchange:mapping", args=[job.pk]), form)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    return job


@pytest.fixture
def existing(world):
    return known_record(world.mun_a)


def test_preview_shows_duplicates_and_the_choices(client, world, existing):
    job = preview(client, world, existing)
    assert (job.counts["new"], job.counts["duplicate"]) == (4, 2)
    rows = {r.number: r for r in job.rows.all()}
    assert (rows[3].duplicate_of_row, rows[3].duplicate_identical, rows[3].decision) == (
        2,
        True,
        "skip",
    )
    assert (rows[4].duplicate_of_record, rows[4].decision) == (existing.pk, "ask")
    assert rows[4].duplicate_reasons == ["position", "title", "area"]
    assert rows[2].decision == rows[5].decision == ""
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Identisch mit Zeile 2." in page
    link = reverse("properties:editor_edit", args=[existing.pk])
    assert f'<a href="{link}">#{existing.pk} (Gewerbegebiet Stendal-Nord, Parzelle 4)</a>' in page
    assert 'name="decision-3" form="confirm-form"' in page
    assert 'name="decision-4" form="confirm-form"' in page
    assert "decision-2" not in page and "decision-5" not in page
    choices = {n: page.split(f'name="decision-{n}"')[1].split("</select>")[0] for n in (3, 4)}
    assert 'value="update"' not in choices[3]  # "update" only where a record was found
    assert 'value="update"' in choices[4] and 'value="" selected' in choices[4]
    assert 'value="skip" selected' in choices[3]
    assert "bestehenden Eintrag aktualisieren" in page and "trotzdem anlegen" in page
    only = client.get(reverse("exchange:job", args=[job.pk]), {"outcome": "duplicate"})
    assert only.content.decode().count('<tr class="outcome-') == 2


def test_confirm_refuses_an_undecided_duplicate_then_honours_the_choices(client, world, existing):
    job = preview(client, world, existing)
    before = Property.objects.count()
    response = client.post(
        reverse("exchange:confirm", args=[job.pk]), {"publish": "on"}, follow=True
    )
    page = response.content.decode()
    assert "Zeile 4" in page and "aktualisieren" in page  # says which row and what to choose
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and Property.objects.count() == before

    client.post(
        reverse("exchange:confirm", args=[job.pk]),
        {"publish": "on", "decision-3": "skip", "decision-4": "update"},
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.counts["written_new"], job.counts["written_update"]) == (2, 1)
    assert Property.objects.count() == before + 2
    assert Property.objects.filter(title="Gewerbefläche Am Bahnhof").count() == 1
    assert Property.objects.filter(title="Halle am Hafen", external_id="ST-18").count() == 1
    existing.refresh_from_db()
    assert existing.title == "Gewerbegebiet Stendal Nord Parzelle 4"
    assert (existing.lat, existing.lon) == (52.6183, 11.8494)
    assert existing.history.first().history_change_reason.lower().startswith("import")

    report = client.get(reverse("exchange:report", args=[job.pk])).content.decode("utf-8-sig")
    lines = {
        line.split(";")[0] if ";" in line else line.split(",")[0]: line
        for line in report.splitlines()
    }
    assert "identisch mit Zeile 2" in lines["3"] and "überspringen" in lines["3"]
    assert f"#{existing.pk}" in lines["4"] and "bestehenden Eintrag aktualisieren" in lines["4"]
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Auswahl: <strong>bestehenden Eintrag aktualisieren</strong>" in page
    # The result says what was done per row, not what the preview expected.
    results = dict(job.rows.values_list("number", "result"))
    assert results == {2: "created", 3: "skipped", 4: "updated", 5: "created"}
    updated = job.rows.get(number=4)
    assert updated.record_id == existing.pk and "title" in updated.changed
    # The changed fields by their labels, on the page and in the report.
    from standortlotse.properties.importing import column_label

    shown = ", ".join(column_label(name) for name in updated.changed)
    assert f"({shown})" in page and shown in lines["4"]
    raw = ", ".join(updated.changed)
    assert shown != raw and f"({raw})" not in page and raw not in lines["4"]
    assert "angelegt: <strong>2</strong>" in page and "geändert: <strong>1</strong>" in page
    assert "übersprungen: <strong>1</strong>" in page
    assert f'href="/datenpflege/{existing.pk}/">#{existing.pk}</a>' in page
    assert f"geändert;{existing.pk};" in lines["4"] or f"geändert,{existing.pk}," in lines["4"]


def test_create_anyway_for_all_undecided_and_for_the_identical_row(client, world, existing):
    job = preview(client, world, existing)
    before = Property.objects.count()
    client.post(
        reverse("exchange:confirm", args=[job.pk]), {"decision-3": "create", "rest": "create"}
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    assert Property.objects.count() == before + 4
    assert Property.objects.filter(title="Gewerbefläche Am Bahnhof").count() == 2
    assert ImportRow.objects.get(job=job, number=4).decision == "create"
    existing.refresh_from_db()
    assert existing.title == "Gewerbegebiet Stendal-Nord, Parzelle 4"  # left alone


def test_update_is_refused_for_a_record_the_user_may_not_edit(client, world, existing):
    job = preview(client, world, existing)
    # the record moves to a municipality editor A may not edit between preview and import
    Property.objects.filter(pk=existing.pk).update(municipality=world.mun_b)
    before = Property.objects.count()
    client.post(reverse("exchange:confirm", args=[job.pk]), {"decision-4": "update"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "Zeile 4" in job.message and f"#{existing.pk}" in job.message
    assert Property.objects.count() == before  # nothing written
    existing.refresh_from_db()
    assert existing.municipality == world.mun_b and existing.title.startswith(
        "Gewerbegebiet Stendal-"
    )


def _counts(page: str) -> dict[str, int]:
    import re

    found = re.search(r'<ul class="import-counts[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert found, "no counts on the page"
    return {
        label.strip(): int(n)
        for label, n in re.findall(r"<li>([^<:]+): <strong>(\d+)</strong></li>", found.group(1))
    }


def test_the_counts_follow_the_choices_and_the_result_agrees(client, world, existing):
    job = preview(client, world, existing)
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    counts = _counts(page)
    # Row 3 (identical to row 2) starts as "skip", row 4 (like the record) waits for a choice.
    assert (counts["neu"], counts["Aktualisierung"]) == (2, 0)
    assert counts["übersprungen nach Ihrer Entscheidung"] == 1
    assert counts["mögliche Dubletten ohne Entscheidung"] == 1

    response = client.post(
        reverse("exchange:confirm", args=[job.pk]), {"decision-4": "update", "decide": "1"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW  # only the choices were saved
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    counts = _counts(page)
    assert (counts["neu"], counts["Aktualisierung"]) == (2, 1)
    assert counts["übersprungen nach Ihrer Entscheidung"] == 1
    assert counts["mögliche Dubletten ohne Entscheidung"] == 0
    assert (
        "Mit Ihren Entscheidungen: 2 neu, 1 Aktualisierung(en), 1 übersprungen nach Ihrer "
        "Entscheidung." in page
    )
    assert "Ihre Entscheidungen sind gespeichert" in page

    # Row 3 created anyway after all: one more new, one fewer skipped.
    client.post(reverse("exchange:confirm", args=[job.pk]), {"decision-3": "create", "decide": "1"})
    counts = _counts(client.get(reverse("exchange:job", args=[job.pk])).content.decode())
    assert (counts["neu"], counts["Aktualisierung"]) == (3, 1)
    assert counts["übersprungen nach Ihrer Entscheidung"] == 0

    client.post(reverse("exchange:confirm", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    result = _counts(client.get(reverse("exchange:job", args=[job.pk])).content.decode())
    assert (result["angelegt"], result["geändert"]) == (3, 1)
    assert result.get("übersprungen", 0) == 0


def test_only_the_possible_duplicates_take_a_choice(client, world, existing):
    from standortlotse.exchange import services

    job = preview(client, world, existing)
    rows = {r.number for r in job.rows.all()}
    decisions = dict.fromkeys(rows, "skip")
    services.set_decisions(job, decisions, rest="skip")
    # only the possible duplicates take a choice: the other rows are still new
    assert services.decided_counts(job)["new"] == 2
    assert services.decided_counts(job)["skip"] == 2


def test_update_that_changes_nothing_is_unchanged_in_the_result(client, world, existing):
    """Choosing "update" for a row that the record already matches writes nothing; the result
    says "unchanged" with the record (it said "skipped", as if the choice had been ignored)."""
    job = preview(client, world, existing)
    client.post(
        reverse("exchange:confirm", args=[job.pk]), {"decision-3": "skip", "decision-4": "update"}
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    existing.refresh_from_db()
    history_before = existing.history.count()

    # The same file again: row 4 now repeats the updated record exactly.
    client.post(
        reverse("exchange:start"), {"file": upload("flaechen-2.csv", duplicate_list_bytes())}
    )
    again = ImportJob.objects.get(filename="flaechen-2.csv")
    form = {f"col_{i}": again.mapping[h] for i, h in enumerate(again.headers)}
    client.post(reverse("exchange:mapping", args=[again.pk]), form)
    again.refresh_from_db()
    assert again.state == ImportJob.State.PREVIEW, again.message
    row4 = again.rows.get(number=4)
    assert row4.duplicate_of_record == existing.pk, (row4.outcome, row4.duplicate_of_record)
    decisions = {
        f"decision-{r.number}": "update" if r.number == 4 else "skip"
        for r in again.rows.exclude(duplicate_of_record=None, duplicate_of_row=None)
    }
    client.post(reverse("exchange:confirm", args=[again.pk]), {**decisions, "rest": "skip"})
    again.refresh_from_db()
    assert again.state == ImportJob.State.DONE, again.message
    row4.refresh_from_db()
    assert (row4.result, row4.record_id) == (ImportRow.Result.UNCHANGED, existing.pk)
    assert again.counts["written_update"] == 0
    assert existing.history.count() == history_before  # nothing was written
    page = client.get(reverse("exchange:job", args=[again.pk])).content.decode()
    assert _counts(page).get("unverändert", 0) >= 1
