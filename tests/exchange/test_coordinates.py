"""Coordinates in table columns through the web UI: a hand-kept Excel list with UTM 33 eastings
carrying their zone, and a Windows-1252 semicolon CSV with Gauß-Krüger (42/83) values, one
swapped pair and one point 40 km off; upload → mapping (system shown, confirmed) → preview →
confirm → records at the right places. The coordinate module alone is tested in
tests/core/test_tabular_coordinates.py."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from pyproj import Transformer

from standortlotse.core.tabular.coordinates import distance_km
from standortlotse.exchange.models import ImportJob
from standortlotse.properties.forms import PropertyForm
from standortlotse.properties.models import Property, Status
from tests.exchange.support import csv_bytes, upload, xlsx_bytes
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

# Real points of the Altmark (WGS84): where the records must end up.
HAFEN_TANGERMUENDE = (52.5489, 11.9746)
STENDAL_NORD = (52.6190, 11.8452)
STENDAL_SUED = (52.5843, 11.8732)


@pytest.fixture(autouse=True)
def _tasks_after_commit(monkeypatch):
    # The test transaction never commits: run on_commit callbacks (the task enqueueing) at once.
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def tangermuende(world):
    return MunicipalityFactory(
        name="Tangermünde",
        ags="15090520",
        district=world.district_stendal,
        lat=52.5417,
        lon=11.9692,
    )


def project(epsg, point):
    lat, lon = point
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)


def comma(value, digits=2):
    return f"{value:.{digits}f}".replace(".", ",")


def _upload(client, name, content):
    response = client.post(reverse("exchange:start"), {"file": upload(name, content)})
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.get(filename=name)


def _mapping_post(job, crs):
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    return {**form, "crs-crs": crs}


def _messages(job):
    return {row.number: row.messages for row in job.rows.all()}


def test_excel_list_with_utm33_eastings_and_zone(client, world, tangermuende):
    client.force_login(world.moderator)
    rows = [
        ["Nr.", "Bezeichnung", "Gemeinde", "Ostwert (UTM)", "Nordwert (UTM)", "Fläche (ha)"],
    ]
    for number, (title, town, point) in enumerate(
        [
            ("Hafen Tangermünde", "Tangermünde", HAFEN_TANGERMUENDE),
            ("Gewerbegebiet Nord", "Stendal", STENDAL_NORD),
        ],
        start=1,
    ):
        x, y = project(25833, point)
        rows.append([f"U-{number}", title, town, f"33 {comma(x)}", comma(y), "1,5"])
    rows.append(["U-3", "Ohne Lage", "Stendal", "", "", "0,8"])
    content = xlsx_bytes(rows, title_rows=[["Gewerbeflächen Landkreis Stendal – Stand 03/2025"]])
    job = _upload(client, "flaechen.xlsx", content)
    assert job.crs == "utm33"
    assert job.mapping["Ostwert (UTM)"] == "lon" and job.mapping["Nordwert (UTM)"] == "lat"
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Erkannt: ETRS89/UTM-Zone 33N" in page
    assert "vom Zentrum von Tangermünde" in page
    assert '<option value="utm33" selected>' in page
    response = client.post(reverse("exchange:mapping", args=[job.pk]), _mapping_post(job, "utm33"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    assert job.counts["new"] == 3 and job.counts["error"] == 0
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Keine Koordinaten" in page  # the third row: the centre, marked as approximate
    world.region.publish_requirements = []  # published without the gate's check (a file
    world.region.save()  # brings no photo; tests/properties/test_publication.py has that)
    client.post(reverse("exchange:confirm", args=[job.pk]), {"publish": "on"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    harbour = Property.objects.get(external_id="U-1")
    assert distance_km(harbour.lat, harbour.lon, *HAFEN_TANGERMUENDE) < 0.005
    assert harbour.municipality == tangermuende and not harbour.location_approximate
    north = Property.objects.get(external_id="U-2")
    assert distance_km(north.lat, north.lon, *STENDAL_NORD) < 0.005
    approximate = Property.objects.get(external_id="U-3")
    assert approximate.location_approximate
    assert (approximate.lat, approximate.lon) == (world.mun_a.lat, world.mun_a.lon)
    assert approximate.status == Status.PUBLISHED
    page = client.get(approximate.get_absolute_url()).content.decode()
    assert "Lage ungefähr (Ortsmitte)" in page
    assert "Lage ungefähr" not in client.get(harbour.get_absolute_url()).content.decode()
    page = client.get(reverse("properties:editor_edit", args=[approximate.pk])).content.decode()
    assert 'id="location-approximate"' in page


def test_windows_csv_with_gauss_krueger_a_swapped_pair_and_a_point_far_off(
    client, world, tangermuende
):
    client.force_login(world.moderator)
    header = ["Lfd. Nr.", "Bezeichnung", "Gemeinde", "Rechtswert", "Hochwert", "Größe (m²)"]
    hx, hy = project(2398, HAFEN_TANGERMUENDE)
    sx, sy = project(2398, STENDAL_SUED)
    far = (world.mun_a.lat + 40 / 111.2, world.mun_a.lon)  # 40 km north of Stendal's centre
    fx, fy = project(2398, far)
    rows = [
        header,
        [
            "G-1",
            "Fläche am Hafen (Straße Süd)",
            "Tangermünde",
            comma(hx, 1),
            comma(hy, 1),
            "12.500",
        ],
        ["G-2", "Gewerbegebiet Süd", "Stendal", comma(sy, 1), comma(sx, 1), "8.000"],  # swapped
        ["G-3", "Irgendwo", "Stendal", comma(fx, 1), comma(fy, 1), "4.000"],
    ]
    content = csv_bytes(rows, delimiter=";", encoding="cp1252")
    job = _upload(client, "gk-liste.csv", content)
    assert job.crs == "gk4_4283"
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Erkannt: Gauß-Krüger-Zone 4 (42/83)" in page
    response = client.post(
        reverse("exchange:mapping", args=[job.pk]), _mapping_post(job, "gk4_4283")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW, job.message
    outcomes = dict(job.rows.values_list("number", "outcome"))
    assert outcomes == {2: "new", 3: "new", 4: "error"}
    messages = _messages(job)
    assert any("vertauscht" in text for _c, text in messages[3])
    (column, error), *_rest = messages[4]
    assert column == "Hochwert / Rechtswert"
    assert "40,0 km vom Zentrum von Stendal" in error and "25 km" in error
    assert _rest == []  # no "centre taken" note for a row whose coordinates were rejected
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "vertauscht" in page and "40,0 km" in page
    client.post(reverse("exchange:confirm", args=[job.pk]), {"skip_errors": "on"})
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    # "Lfd. Nr." is a running number, not an ID: the records are found by their titles.
    harbour = Property.objects.get(title="Fläche am Hafen (Straße Süd)")
    assert distance_km(harbour.lat, harbour.lon, *HAFEN_TANGERMUENDE) < 0.005
    south = Property.objects.get(title="Gewerbegebiet Süd")
    assert distance_km(south.lat, south.lon, *STENDAL_SUED) < 0.005
    assert not Property.objects.filter(title="Irgendwo").exists()


def test_the_user_can_change_the_detected_system(client, world, tangermuende):
    """The same GK values read as DHDN land about 600 m away: the user's choice is used."""
    client.force_login(world.moderator)
    hx, hy = project(31468, HAFEN_TANGERMUENDE)
    rows = [
        ["Nr", "Bezeichnung", "Gemeinde", "GK Rechtswert", "GK Hochwert"],
        ["D-1", "Hafen", "Tangermünde", comma(hx, 1), comma(hy, 1)],
    ]
    job = _upload(client, "dhdn.csv", csv_bytes(rows))
    assert job.crs == "gk4_4283"  # the numbers alone cannot tell the datum
    client.post(reverse("exchange:mapping", args=[job.pk]), _mapping_post(job, "gk4_dhdn"))
    job.refresh_from_db()
    assert job.crs == "gk4_dhdn" and job.state == ImportJob.State.PREVIEW
    client.post(reverse("exchange:confirm", args=[job.pk]), {})
    harbour = Property.objects.get(external_id="D-1")
    assert distance_km(harbour.lat, harbour.lon, *HAFEN_TANGERMUENDE) < 0.005


def test_wgs84_degrees_and_dms_with_a_swapped_pair(client, world):
    client.force_login(world.moderator)
    rows = [
        ["Nr", "Bezeichnung", "Gemeinde", "Breite", "Länge"],
        ["W-1", "Dezimal", "Stendal", "52,6190", "11,8452"],
        ["W-2", "Grad Minuten Sekunden", "Stendal", "52°37'8,4\"N", "11°50'42,7\"E"],
        ["W-3", "Vertauscht", "Stendal", "11.8452", "52.6190"],
    ]
    job = _upload(client, "wgs.csv", csv_bytes(rows))
    assert job.crs == "wgs84"
    client.post(reverse("exchange:mapping", args=[job.pk]), _mapping_post(job, "wgs84"))
    job.refresh_from_db()
    assert job.counts["new"] == 3, _messages(job)
    assert any("vertauscht" in text for _c, text in _messages(job)[4])
    client.post(reverse("exchange:confirm", args=[job.pk]), {})
    for external_id in ("W-1", "W-2", "W-3"):
        record = Property.objects.get(external_id=external_id)
        assert distance_km(record.lat, record.lon, *STENDAL_NORD) < 0.005


def test_setting_the_point_in_the_form_clears_the_approximate_mark(world):
    prop = world.prop_a
    prop.location_approximate = True
    prop.save()
    data = {k: ("" if v is None else v) for k, v in model_to_dict(prop).items()}
    data.update(outline="", municipality=prop.municipality_id)
    unchanged = PropertyForm(data, instance=prop, user=world.moderator)
    assert unchanged.is_valid(), unchanged.errors
    assert unchanged.save().location_approximate
    data["lat"] = prop.lat + 0.01
    moved = PropertyForm(data, instance=prop, user=world.moderator)
    assert moved.is_valid(), moved.errors
    assert not moved.save().location_approximate


def test_the_column_documentation_lists_the_coordinate_forms(client, world):
    client.force_login(world.editor_a)
    page = client.get(reverse("exchange:columns")).content.decode()
    for form in ("52°36'52,2", "33 612345,67", "33612345", "Gauß-Krüger-Zone 5 (DHDN)", "25 km"):
        assert form in page
    assert "Rechtswert/Hochwert" in page and "vertauscht" in page


def test_an_update_without_coordinates_keeps_the_records_point(world):
    from tests.exchange.support import run

    prop = world.prop_a
    prop.external_id, prop.lat, prop.lon = "K-1", 52.6190, 11.8452
    prop.save()
    rows = [["external_id", "title", "municipality_ags"], ["K-1", "Neuer Titel", "Stendal"]]
    job = run(world.moderator, "k.csv", csv_bytes(rows))
    assert job.state == ImportJob.State.DONE, job.message
    assert job.rows.get().changed == ["title"] and job.rows.get().messages == []
    prop.refresh_from_db()
    assert (prop.title, prop.lat, prop.lon) == ("Neuer Titel", 52.6190, 11.8452)
    assert not prop.location_approximate


def test_the_coordinate_system_chosen_is_remembered_with_the_mapping(client, world, tangermuende):
    """A Gauß-Krüger list detected as 42/83 that the editor knows is DHDN: the next upload of a
    list of the same shape starts with DHDN (the points would otherwise move by about 600 m)."""
    client.force_login(world.moderator)
    header = ["Lfd. Nr.", "Bezeichnung", "Gemeinde", "Rechtswert", "Hochwert"]
    hx, hy = project(31468, HAFEN_TANGERMUENDE)  # DHDN / 3-degree Gauss-Kruger zone 4
    rows = [header, ["G-1", "Fläche am Hafen", "Tangermünde", comma(hx, 1), comma(hy, 1)]]
    content = csv_bytes(rows, delimiter=";", encoding="cp1252")
    first = _upload(client, "gk-liste.csv", content)
    assert first.crs == "gk4_4283"  # the detection cannot tell the two apart
    response = client.post(
        reverse("exchange:mapping", args=[first.pk]), _mapping_post(first, "gk4_dhdn")
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.crs == "gk4_dhdn"
    again = _upload(client, "gk-liste-2.csv", content)
    assert again.crs == "gk4_dhdn"
    page = client.get(reverse("exchange:job", args=[again.pk])).content.decode()
    assert "Gewählt: Gauß-Krüger-Zone 4 (DHDN)" in page and "beim letzten Mal" in page
    # A mapping changed by hand is not the remembered one: the detection decides again.
    rows[0] = ["Nr.", "Name", "Gemeinde", "Rechtswert", "Hochwert", "Bemerkung"]
    rows[1] = [*rows[1], ""]
    other = _upload(client, "andere.csv", csv_bytes(rows, delimiter=";", encoding="cp1252"))
    assert other.crs == "gk4_4283"
