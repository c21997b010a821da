"""The history page of a record (properties/history.py, backoffice.editor_history): one
sentence per version with who and when, labels instead of keys, where a change came from."""

import pytest
from django.urls import reverse
from django.utils import timezone

from standortlotse.exchange.models import ImportJob
from standortlotse.properties import history
from standortlotse.properties.models import Property
from tests.exchange.support import csv_bytes, run, tasks_at_once  # noqa: F401 (a fixture)
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(world):
    user = world.editor_a
    user.first_name, user.last_name = "Anna", "Beispiel"
    user.save()
    organisation = org_of(user)
    organisation.name = "Stadt Stendal"
    organisation.save()
    return user


def _entries(client, prop, prefix=""):
    response = client.get(prefix + reverse("properties:editor_history", args=[prop.pk]))
    assert response.status_code == 200
    return response, [entry.sentence for entry in response.context["entries"]]


def test_edit_and_status_change_read_as_one_german_sentence(client, world, anna):
    client.force_login(anna)
    prop = world.prop_a
    prop.area_available_m2 = 12_500
    prop.save()
    client.post(reverse("properties:editor_action", args=[prop.pk, "archive"]))
    response, sentences = _entries(client, prop)
    when = history.when_text(prop.history.first().history_date)
    assert when.count(".") == 2 and ", " in when  # "12.03.2026, 14:05"
    assert (
        sentences[0] == f"{when} – A. Beispiel (Stadt Stendal): Status veröffentlicht → archiviert"
    )
    assert sentences[1].endswith(": Verfügbare Fläche 15.000 m² → 12.500 m²")
    assert sentences[-1].endswith(": angelegt")
    content = response.content.decode()
    assert "A. Beispiel (Stadt Stendal): Status veröffentlicht → archiviert" in content
    assert "archived" not in content and "area_available_m2" not in content
    assert "published_at" not in content and "veröffentlicht am" not in content  # bookkeeping


def test_english_under_en(client, world, anna):
    client.force_login(anna)
    client.post(reverse("properties:editor_action", args=[world.prop_a.pk, "archive"]))
    response, sentences = _entries(client, world.prop_a, prefix="/en")
    assert sentences[0].endswith("A. Beispiel (Stadt Stendal): Status published → archived")
    assert " Mar " in sentences[0] or timezone.localdate().month != 3  # "12 Mar 2026, 14:05"
    assert sentences[-1].endswith(": created")
    assert '<html lang="en"' in response.content.decode()


def test_choices_lists_booleans_and_units_are_labelled(world, anna):
    prop = world.prop_a
    prop._history_user = anna
    prop.kind, prop.zonings, prop.gas, prop.motorway_km = "hall", ["GE", "GI"], True, 4.5
    prop.description_de = "Eine lange Beschreibung. " * 10
    prop.save()
    _page, entries = history.entries(prop)
    changes = entries[0].changes
    assert "Art Gewerbe-/Industriefläche → Halle/Lager" in changes
    assert "Erdgas – → ja" in changes
    assert "Entfernung zur Autobahnanschlussstelle – → 4,5 km" in changes
    assert "Beschreibung (Deutsch) geändert" in changes
    assert "Gebietsart – → GE – Gewerbegebiet, GI – Industriegebiet" in changes


def test_import_and_api_say_so(client, world, anna, tasks_at_once):  # noqa: F811
    rows = [
        ["external_id", "title", "municipality_ags", "lat", "lon", "area_available_m2"],
        ["X-1", "Fläche eins", "15090535", "52,61", "11,85", "1000"],
    ]
    assert run(anna, "flaechen.csv", csv_bytes(rows)).state == ImportJob.State.DONE
    rows[1][5] = "800"
    assert run(anna, "flaechen.csv", csv_bytes(rows)).state == ImportJob.State.DONE
    prop = Property.objects.get(external_id="X-1")
    client.force_login(anna)
    client.patch(
        f"/api/properties/{prop.pk}",
        {"title": "Fläche Nummer eins"},
        content_type="application/json",
    )
    _response, sentences = _entries(client, prop)
    assert sentences[0].endswith(
        "A. Beispiel (Stadt Stendal), über die API: Titel Fläche eins → Fläche Nummer eins"
    )
    assert sentences[1].endswith(
        "A. Beispiel (Stadt Stendal), Import von flaechen.csv: Verfügbare Fläche 1.000 m² → 800 m²"
    )
    assert sentences[2].endswith("A. Beispiel (Stadt Stendal), Import von flaechen.csv: angelegt")
    _response, english = _entries(client, prop, prefix="/en")
    assert "import of flaechen.csv: available area 1,000 m² → 800 m²" in english[1].replace(
        "Available", "available"
    )
    assert english[0].split(" – ")[1].startswith("A. Beispiel (Stadt Stendal), via the API:")


def test_reason_written_in_either_language_is_read_back(world):
    assert history.source_text("Import von liste.xlsx") == "Import von liste.xlsx"
    assert history.source_text("import of liste.xlsx") == "Import von liste.xlsx"
    assert history.source_text("edited") == "" and history.source_text("") == ""
    assert history.source_text("Sammelpflege") == "Sammelpflege"  # unknown: as written


def test_owner_refusal_without_a_user_names_the_owner(world):
    prop = world.prop_a
    prop.status, prop._change_reason = "draft", "owner consent refused"
    prop.save()
    _page, entries = history.entries(prop)
    assert entries[0].text == (
        "der Eigentümer, Eigentümer hat die Zustimmung verweigert, offline genommen: "
        "Status veröffentlicht → Entwurf"
    )


def test_other_municipality_gets_404(client, world):
    client.force_login(world.editor_b)
    assert (
        client.get(reverse("properties:editor_history", args=[world.prop_a.pk])).status_code == 404
    )
    client.logout()
    assert (
        client.get(reverse("properties:editor_history", args=[world.prop_a.pk])).status_code == 302
    )


def test_long_history_is_paged_and_each_page_knows_its_predecessor(
    client, world, anna, monkeypatch
):
    monkeypatch.setattr(history, "PER_PAGE", 3)
    prop = world.prop_a
    for area in (1000, 2000, 3000, 4000):
        prop._history_user = anna
        prop.area_available_m2 = area
        prop.save()
    client.force_login(anna)
    first, sentences = _entries(client, prop)
    assert len(sentences) == 3 and sentences[2].endswith("1.000 m² → 2.000 m²")
    url = reverse("properties:editor_history", args=[prop.pk])
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(url + "?page=2")
    sentences = [entry.sentence for entry in second.context["entries"]]
    assert sentences[0].endswith("15.000 m² → 1.000 m²") and sentences[1].endswith(": angelegt")
