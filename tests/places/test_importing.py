"""A partner's file of places through the import pipeline (places/importing.py as the target of
exchange's steps): upload → detect the format → check in the background → preview with new /
update / unchanged / conflict / error → confirm → import → report; and who may see which job."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standortlotse.core import imports
from standortlotse.exchange.models import ImportJob, ImportRow
from standortlotse.places import importing
from standortlotse.places.models import FeedRun, ImportConflict, PartnerFeed, Place
from tests.places.support import confirm_import, run_tasks_at_once, start_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
MOLKEREI = "8a3c5f1e0b2d4e6f9a7b1c2d3e4f5a6b"


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    run_tasks_at_once(monkeypatch)


def upload(name, content_type="application/json", content=None):
    return SimpleUploadedFile(name, content or (DATA / name).read_bytes(), content_type)


def kvm_job(client, world, feed=None, content=None) -> ImportJob:
    client.force_login(world.moderator)
    data = {"format": "auto", "file": upload("kvm_entries.json", content=content)}
    data.update({"feed": feed.pk} if feed else {"source": "kvm"}, region=world.region.pk)
    response = start_import(client, data)
    assert response.status_code == 302, response.context["form"].errors
    job = ImportJob.objects.filter(target="places").latest("created_at")
    assert response["Location"] == reverse("exchange:job", args=[job.pk])
    return job


def outcomes(job) -> dict[str, str]:
    return dict(job.rows.values_list("external_id", "outcome"))


def test_places_and_properties_register_their_targets():
    assert imports.get("places") is importing
    assert set(imports.all()) >= {"places", "properties"}


def test_the_old_import_address_leads_to_the_pipeline(client, world):
    client.force_login(world.moderator)
    response = client.get(reverse("places:import"))
    assert response["Location"] == reverse("exchange:start_target", args=["places"])
    page = client.get(response["Location"]).content.decode()
    assert 'name="feed"' in page and 'name="region"' in page and 'name="file"' in page


def test_kvm_export_through_the_ui_preview_then_import(client, world):
    feed = PartnerFeed.objects.create(name="Karte von morgen", format="kvm", region=world.region)
    job = kvm_job(client, world, feed)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.options["source"] == "Karte von morgen" and job.options["region"] == world.region.pk
    assert job.file_kind == "kvm"
    assert (job.counts["new"], job.counts.get("conflict", 0), job.counts["error"]) == (2, 0, 1)
    assert not Place.objects.exists()  # the check writes nothing
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Karte von morgen (OpenFairDB-Einträge, JSON)" in page  # the format, as detected
    assert "99999999999999999999999999999999" in page  # the category without mapping
    # ... and where it gets one: the feed's mapping table
    assert reverse("places:feed_edit", args=[feed.pk]) in page
    assert "Konflikte" in page and "Spaltenzuordnung" not in page  # no column step for places
    assert "E-Mail-Adresse" in page  # the broken row's message names the field

    response = confirm_import(client, job, skip_errors="on")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    molkerei = Place.objects.get(source="Karte von morgen", external_id=MOLKEREI)
    assert molkerei.municipality == world.mun_a and molkerei.is_public
    assert molkerei.values_of("type") == ["coworking", "creative_hub", "maker_space"]
    row = job.rows.get(external_id=MOLKEREI)
    assert (row.result, row.record_id) == ("created", molkerei.pk)
    assert job.rows.filter(result="error").count() == 1
    run = FeedRun.objects.get(feed=feed)
    assert (run.new, run.errors, run.http_status) == (2, 1, None)
    assert "kvm_entries.json" in run.message
    # The upload's categories without mapping are offered in the feed's mapping form, as a
    # pull's are.
    assert run.unmapped_categories == ["99999999999999999999999999999999"]
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert reverse("places:queue") + "?status=attention" in page
    report = client.get(reverse("exchange:report", args=[job.pk])).content.decode()
    assert "Coworking Alte Molkerei" in report and "Fehler" in report


def test_errors_must_be_skipped_explicitly(client, world):
    job = kvm_job(client, world)
    confirm_import(client, job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and not Place.objects.exists()


def test_the_same_file_twice_is_unchanged_and_a_conflict_is_kept_once(client, world):
    job = kvm_job(client, world)
    confirm_import(client, job, skip_errors="on")
    molkerei = Place.objects.get(external_id=MOLKEREI)
    molkerei.pitch = "Hier vor Ort geändert."
    molkerei.save()
    entries = json.loads((DATA / "kvm_entries.json").read_text())
    entries[0]["version"] = 5
    entries[0]["description"] = "Beim Partner geändert."
    changed = json.dumps(entries).encode()

    second = kvm_job(client, world, content=changed)
    assert outcomes(second)[MOLKEREI] == "conflict"
    assert outcomes(second)["f0e1d2c3b4a5968778695a4b3c2d1e0f"] == "unchanged"
    assert second.rows.get(external_id=MOLKEREI).changed  # which fields differ
    confirm_import(client, second, skip_errors="on")
    second.refresh_from_db()
    assert second.state == ImportJob.State.DONE, second.message
    assert second.counts["written_conflict"] == 1
    assert ImportConflict.objects.filter(place=molkerei).count() == 1

    third = kvm_job(client, world, content=changed)
    row = third.rows.get(external_id=MOLKEREI)
    assert row.outcome == "unchanged"
    assert "wartet bereits als Konflikt" in row.messages[0][1]
    assert set(outcomes(third).values()) == {"unchanged", "error"}
    response = confirm_import(client, third, skip_errors="on")
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.state == ImportJob.State.PREVIEW  # nothing to import
    assert ImportConflict.objects.filter(place=molkerei).count() == 1


@pytest.mark.parametrize(
    ("name", "format", "content_type", "new", "errors"),
    [
        ("gogocarto_elements.json", "auto", "application/json", 1, 1),
        ("gogocarto_export.csv", "gogocarto_csv", "text/csv", 2, 0),
        ("gogocarto_export.csv", "auto", "text/csv", 2, 0),
    ],
)
def test_gogocarto_exports_through_the_ui(client, world, name, format, content_type, new, errors):
    client.force_login(world.moderator)
    response = start_import(
        client,
        {
            "source": "GoGo",
            "format": format,
            "file": upload(name, content_type),
            "region": world.region.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    job = ImportJob.objects.get(target="places")
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.file_kind in ("gogocarto", "gogocarto_csv")
    assert (job.counts["new"], job.counts["error"]) == (new, errors)
    if errors:  # Osterburg lies outside the region's municipalities
        message = job.rows.get(outcome="error").messages[0][1]
        assert "Ort „Osterburg (Altmark)“: keine Gemeinde der Region" in message
    confirm_import(client, job, skip_errors="on")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    assert Place.objects.filter(source="GoGo").count() == new == job.counts["written_new"]


def test_a_record_rule_is_an_error_naming_the_field(client, world):
    record = {
        "id": "paris-1",
        "name": "Atelier an der Seine",
        "pitch": "Ein Ort",
        "municipality_ags": world.mun_a.ags,
        "lat": 48.8566,
        "lon": 2.3522,
        "fields": ["work"],
    }
    content = json.dumps({"format": "standortlotse-places/1", "places": [record]}).encode()
    client.force_login(world.moderator)
    start_import(
        client,
        {
            "source": "p",
            "format": "auto",
            "file": upload("feed.json", content=content),
            "region": world.region.pk,
        },
    )
    job = ImportJob.objects.get(target="places")
    row = job.rows.get()
    assert row.outcome == ImportRow.Outcome.ERROR
    assert row.messages[0][1].startswith("Breitengrad: Der Punkt liegt außerhalb Deutschlands")
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Breitengrad: Der Punkt liegt außerhalb Deutschlands" in page


def test_an_unreadable_file_is_refused_on_the_start_page(client, world):
    client.force_login(world.moderator)
    response = start_import(
        client,
        {
            "source": "p",
            "format": "auto",
            "file": upload("feed.json", content=b"{kaputt"),
            "region": world.region.pk,
        },
    )
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_upload_needs_a_source_or_a_feed(client, world):
    client.force_login(world.moderator)
    response = start_import(
        client, {"format": "auto", "file": upload("kvm_entries.json"), "region": world.region.pk}
    )
    assert "source" in response.context["form"].errors


def test_editors_cannot_start_a_places_import(client, world):
    client.force_login(world.editor_a)
    assert client.get(reverse("exchange:start_target", args=["places"])).status_code == 403
    assert client.get(reverse("places:import")).status_code == 403
    assert client.get(reverse("exchange:start_target", args=["nothing"])).status_code == 404


def test_a_moderators_job_is_hidden_from_an_editor_and_vice_versa(client, world):
    from tests.exchange.support import upload as table_upload

    places_job = kvm_job(client, world)
    client.force_login(world.editor_a)
    response = client.post(
        reverse("exchange:start"),
        {"file": table_upload("liste.csv", b"Bezeichnung;Gemeinde\nHalle;Stendal\n")},
    )
    assert response.status_code == 302
    property_job = ImportJob.objects.get(target="properties")
    for name in ("job", "report", "progress"):
        assert client.get(reverse(f"exchange:{name}", args=[places_job.pk])).status_code == 404
    response = client.post(reverse("exchange:confirm", args=[places_job.pk]), {"skip_errors": "on"})
    assert response.status_code == 404
    assert not Place.objects.exists()

    client.force_login(world.moderator)
    assert client.get(reverse("exchange:job", args=[property_job.pk])).status_code == 404
    assert client.post(reverse("exchange:discard", args=[property_job.pk])).status_code == 404


def test_a_job_closes_when_its_creator_no_longer_moderates_the_region(client, world):
    from tests.factories import RegionFactory

    job = kvm_job(client, world)
    organisation = world.moderator.memberships.get().organisation
    organisation.region = RegionFactory(name="Harz", slug="harz")
    organisation.save()
    assert client.get(reverse("exchange:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("exchange:confirm", args=[job.pk])).status_code == 404


def test_a_pulled_feed_and_an_upload_share_the_rules(client, world, settings):
    """The scheduled pull plans and applies with the same code: an upload of what the pull took
    is unchanged, and a conflict the pull kept is not raised a second time by the upload."""
    from unittest import mock

    from standortlotse.core import fetch
    from standortlotse.places import partners

    feed = PartnerFeed.objects.create(
        name="Karte von morgen", format="kvm", url="https://kvm.example/e", region=world.region
    )
    body = (DATA / "kvm_entries.json").read_bytes()
    fetched = fetch.Fetched(
        url=feed.url,
        status=200,
        body=body,
        etag="",
        last_modified="",
        content_type="application/json",
    )
    with mock.patch.object(fetch, "fetch", return_value=fetched):
        run = partners.pull(feed)
    assert (run.new, run.errors) == (2, 1)
    molkerei = Place.objects.get(external_id=MOLKEREI)
    molkerei.pitch = "Hier vor Ort geändert."
    molkerei.save()
    entries = json.loads(body)
    entries[0]["version"] = 5
    entries[0]["description"] = "Beim Partner geändert."
    fetched.body = json.dumps(entries).encode()
    with mock.patch.object(fetch, "fetch", return_value=fetched):
        assert partners.pull(feed).conflicts == 1

    job = kvm_job(client, world, feed, content=fetched.body)
    assert set(outcomes(job).values()) == {"unchanged", "error"}
    assert ImportConflict.objects.filter(place=molkerei).count() == 1


def test_a_place_we_list_already_is_a_possible_duplicate_to_decide(client, world):
    """A new row at the position or with the name of a place of another source (or entered
    here) waits for the moderator's choice: create anyway or skip; there is no merging."""
    from tests.places.support import make_place

    listed = make_place(world, "Coworking Alte Molkerei", lat=52.6022, lon=11.8584)
    job = kvm_job(client, world)
    assert job.counts["duplicate"] == 1
    row = job.rows.get(external_id=MOLKEREI)
    assert (row.decision, row.duplicate_of_record) == ("ask", listed.pk)
    assert row.duplicate_reasons == ["position", "title"]
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert f'href="{reverse("places:review", args=[listed.pk])}"' in page
    choices = page.split(f'name="decision-{row.number}"')[1].split("</select>")[0]
    assert 'value="skip"' in choices and 'value="create"' in choices
    assert 'value="update"' not in choices  # a partner's record is not merged into another

    confirm_import(client, job, skip_errors="on")
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW  # undecided: nothing written
    confirm_import(client, job, skip_errors="on", **{f"decision-{row.number}": "update"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW  # "update" is no choice here
    confirm_import(client, job, skip_errors="on", **{f"decision-{row.number}": "skip"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    assert not Place.objects.filter(external_id=MOLKEREI).exists()
    assert Place.objects.filter(source="kvm").count() == 1  # the Dorfladen


# --- the format: detected, the feed's only as a fallback --------------------------------------


def feed_upload(client, world, feed, name, content_type="text/csv", content=None, format="auto"):
    client.force_login(world.moderator)
    data = {"feed": feed.pk, "format": format, "file": upload(name, content_type, content)}
    return start_import(client, {**data, "region": world.region.pk})


def test_detect_reads_the_partners_csv_although_the_feed_says_json(client, world):
    """The tester's case: feed GoGoCarto JSON, format "detect", the partner's CSV export."""
    feed = PartnerFeed.objects.create(
        name="GoGoCarto Altmark", format="gogocarto", region=world.region
    )
    response = feed_upload(client, world, feed, "gogocarto_export.csv")
    assert response.status_code == 302, response.context["form"].errors
    job = ImportJob.objects.get(target="places")
    assert job.options["format"] == "auto"
    assert job.state == ImportJob.State.PREVIEW and job.file_kind == "gogocarto_csv"
    assert job.counts["new"] == 2
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "nicht im Format des Partner-Feeds" not in page  # the same partner: no warning


def test_another_partners_file_is_read_with_a_warning(client, world):
    feed = PartnerFeed.objects.create(name="Karte von morgen", format="kvm", region=world.region)
    response = feed_upload(client, world, feed, "gogocarto_export.csv")
    assert response.status_code == 302, response.context["form"].errors
    job = ImportJob.objects.get(target="places")
    assert job.file_kind == "gogocarto_csv"
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert (
        "Die Datei ist im Format „GoGoCarto-Export (CSV)“, nicht im Format des Partner-Feeds "
        "„Karte von morgen (OpenFairDB-Einträge, JSON)“" in page
    )


def test_a_chosen_format_wins_and_the_feeds_format_is_the_fallback(client, world):
    feed = PartnerFeed.objects.create(name="GoGo", format="gogocarto", region=world.region)
    response = feed_upload(client, world, feed, "gogocarto_export.csv", format="gogocarto")
    page = response.content.decode()
    # JSON chosen by hand for a CSV file: the reason in people's words
    assert response.status_code == 400
    assert "GoGoCarto-Export (JSON): Die Datei ist kein gültiges JSON (Zeile 1, Spalte 1)." in page
    assert "Expecting value" not in page and "char 0" not in page
    # nothing recognisable, "detect": read as the feed's format
    response = feed_upload(client, world, feed, "elements.txt", content=b"Hallo Welt")
    page = response.content.decode()
    assert "GoGoCarto-Export (JSON): Die Datei ist kein gültiges JSON (Zeile 1, Spalte 1)." in page


def test_broken_json_names_line_and_column(client, world):
    client.force_login(world.moderator)
    content = b'{\n  "data": [\n    {"id": 1,}\n  ]\n}'
    response = start_import(
        client,
        {
            "source": "p",
            "format": "auto",
            "file": upload("feed.json", content=content),
            "region": world.region.pk,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Die Datei ist kein gültiges JSON (Zeile 3, Spalte 14)." in page
    assert "Expecting" not in page


@pytest.mark.parametrize("format", ["auto", "gogocarto", "gogocarto_csv"])
def test_an_xlsx_that_is_html_gets_the_readers_message(client, world, format):
    feed = PartnerFeed.objects.create(name="GoGo", format="gogocarto", region=world.region)
    html = b"<html><body><table><tr><td>id,name,latitude</td></tr></table></body></html>"
    response = feed_upload(
        client, world, feed, "orte.xlsx", "application/vnd.ms-excel", html, format=format
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Die Datei heißt „orte.xlsx“, ihr Inhalt ist aber nicht im Format Excel (XLSX)." in page
    assert not ImportJob.objects.exists()


def test_the_feed_select_says_what_none_means(client, world):
    client.force_login(world.moderator)
    page = client.get(reverse("exchange:start_target", args=["places"])).content.decode()
    assert "– kein Partner-Feed (Quelle unten angeben) –" in page
    assert "unser eigenes Format" not in page


def test_an_uploads_categories_without_mapping_are_rows_of_the_feed_form(client, world):
    feed = PartnerFeed.objects.create(name="Karte von morgen", format="kvm", region=world.region)
    job = kvm_job(client, world, feed)
    confirm_import(client, job, skip_errors="on")
    assert FeedRun.objects.get(feed=feed).unmapped_categories == [
        "99999999999999999999999999999999"
    ]
    response = client.get(reverse("places:feed_edit", args=[feed.pk]))
    first = response.context["formset"].forms[0]
    assert first["word"].value() == "99999999999999999999999999999999"
    assert first["seen"].value() is True
    assert "row-new" in response.content.decode()


TITLE_ROWS = "Kreative Orte der Altmark\nStand: 03/2025\n"


@pytest.mark.parametrize("name", ["kvm_entries.csv", "ours.csv"])
def test_rows_are_numbered_by_their_line_in_the_file(client, world, name):
    """Two title rows above the header and a blank row: the preview and the report name each
    row by its line in the file, as the properties import does for the same shape of file."""
    from standortlotse.exchange import services
    from standortlotse.places.exchange import CSV_COLUMNS
    from tests.exchange.support import run

    if name == "kvm_entries.csv":
        header, first, second = _kvm_records()
        # The first record's description spans lines 4 to 6; a blank line after it.
        body = f"{header}\n{first}\n\n{second}\n"
        expected = [4, 8]
    else:
        values = {"municipality_ags": "15090535", "lat": "52.6", "lon": "11.86"}
        header = ",".join(CSV_COLUMNS)
        first, second = (
            ",".join({**values, "id": key, "name": title}.get(c, "") for c in CSV_COLUMNS)
            for key, title in (("o-1", "Ort eins"), ("o-2", "Ort zwei"))
        )
        body = f"{header}\n{first}\n\n{second}\n"
        expected = [4, 6]
    content = (TITLE_ROWS + body).encode()
    client.force_login(world.moderator)
    data = {"format": "auto", "source": "Liste", "region": world.region.pk}
    response = start_import(client, {**data, "file": upload(name, "text/csv", content)})
    assert response.status_code == 302
    job = ImportJob.objects.filter(target="places").latest("created_at")
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert list(job.rows.values_list("number", flat=True)) == expected
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    shown = [int(n) for n in re.findall(r'<tr class="outcome-\w+"><td>(\d+)</td>', page)]
    assert shown == expected
    assert [line[0] for line in services.report_rows(job)] == expected

    # The properties import numbers the same shape of file the same way.
    table = TITLE_ROWS.replace("\n", ";\n") + "Titel;Gemeinde\nHalle;Stendal\n\nLager;Stendal\n"
    properties = run(world.editor_a, "liste.csv", table.encode(), confirm=False)
    assert list(properties.rows.values_list("number", flat=True)) == [4, 6]


def _kvm_records() -> tuple[str, str, str]:
    import csv
    import io

    lines = list(csv.reader(io.StringIO((DATA / "kvm_entries.csv").read_text())))
    out = []
    for cells in lines[:3]:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        out.append(buffer.getvalue())
    return out[0], out[1], out[2]
