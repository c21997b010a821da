"""The back office of the location data: the one permission policy, upload → preview →
confirm, editing one figure with its source."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standortlotse.profiles.models import DEMO_SOURCE, Figure, Key

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
POPULATION = DATA / "12411-0015_bevoelkerung_gemeinden.csv"
BAD = DATA / "arbeitslosenquote_fehler_cp1252.csv"


def login(client, user):
    client.force_login(user)
    return client


def upload(client, path, **extra):
    data = {
        "file": SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv"),
        "key": Key.POPULATION,
        "source": "Statistisches Landesamt Sachsen-Anhalt",
        "column": "insgesamt",
        **extra,
    }
    return client.post(reverse("profiles:editor_import"), data)


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for name in ("profiles:editor_list", "profiles:editor_import", "profiles:editor_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_list_shows_only_the_editors_figures(client, world, figures):
    response = login(client, world.editor_a).get(reverse("profiles:editor_list"))
    assert response.status_code == 200
    subjects = {f.subject for f in response.context["page"]}
    assert subjects == {world.mun_a}
    moderator = login(client, world.moderator).get(reverse("profiles:editor_list"))
    assert {f.subject for f in moderator.context["page"]} == {world.mun_a, world.mun_b}


def test_another_municipalitys_figure_is_404_and_unchanged(client, world, figures):
    gardelegen = Figure.objects.filter(municipality=world.mun_b).first()
    client = login(client, world.editor_a)
    url = reverse("profiles:editor_edit", args=[gardelegen.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "municipality": world.mun_b.pk,
            "key": gardelegen.key,
            "value": "1",
            "as_of": "2023-12-31",
            "source": "X",
        },
    )
    assert response.status_code == 404
    gardelegen.refresh_from_db()
    assert gardelegen.value != 1


def test_a_new_figure_for_another_municipality_is_refused(client, world):
    client = login(client, world.editor_a)
    response = client.post(
        reverse("profiles:editor_new"),
        {
            "municipality": world.mun_b.pk,
            "key": Key.AREA,
            "value": "632,4",
            "as_of": "2023-12-31",
            "source": "Amt",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["municipality"]
    assert not Figure.objects.exists()


def test_an_editor_enters_a_figure_with_its_source_and_replaces_a_demo_value(
    client, world, figures
):
    client = login(client, world.editor_b)
    demo = Figure.objects.get(municipality=world.mun_b, key=Key.TRADE_TAX_RATE)
    url = reverse("profiles:editor_edit", args=[demo.pk])
    assert client.get(url).status_code == 200
    missing_source = client.post(
        url,
        {
            "municipality": world.mun_b.pk,
            "key": Key.TRADE_TAX_RATE,
            "value": "390",
            "as_of": "2023-12-31",
            "source": "",
        },
    )
    assert missing_source.context["form"].errors["source"]
    response = client.post(
        url,
        {
            "municipality": world.mun_b.pk,
            "key": Key.TRADE_TAX_RATE,
            "value": "390",
            "as_of": "2023-12-31",
            "source": "Haushaltssatzung Gardelegen 2024",
        },
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert (demo.value, demo.is_demo, demo.source, demo.updated_by) == (
        Decimal(390),
        False,
        "Haushaltssatzung Gardelegen 2024",
        world.editor_b,
    )
    too_low = client.post(
        url,
        {
            "municipality": world.mun_b.pk,
            "key": Key.TRADE_TAX_RATE,
            "value": "150",
            "as_of": "2023-12-31",
            "source": "X",
        },
    )
    assert "200" in str(too_low.context["form"].errors["value"])


def test_district_figures_need_a_moderator(client, world):
    data = {
        "district": world.district_stendal.pk,
        "key": Key.AREA,
        "value": "2423",
        "as_of": "2023-12-31",
        "source": "Amt",
    }
    refused = login(client, world.editor_a).post(reverse("profiles:editor_new"), data)
    assert refused.context["form"].errors["district"]
    assert not Figure.objects.exists()
    accepted = login(client, world.moderator).post(reverse("profiles:editor_new"), data)
    assert accepted.status_code == 302
    assert Figure.objects.get().district == world.district_stendal


def test_upload_preview_then_confirm_writes_only_the_own_municipality(client, world):
    client = login(client, world.editor_a)
    preview = upload(client, POPULATION)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert report.ok and not report.written
    assert [row.subject for row in report.rows] == ["Stendal"]
    assert "Gardelegen" in report.outside_scope
    assert not Figure.objects.exists()  # the preview writes nothing
    html = preview.content.decode()
    assert reverse("profiles:editor_import_confirm") in html
    confirmed = client.post(reverse("profiles:editor_import_confirm"))
    assert confirmed.status_code == 302
    figure = Figure.objects.get()
    assert (figure.municipality, figure.value, figure.as_of) == (
        world.mun_a,
        Decimal(39127),
        date(2023, 12, 31),
    )
    # the kept file is gone: a second confirmation writes nothing
    again = client.post(reverse("profiles:editor_import_confirm"), follow=True)
    assert Figure.objects.count() == 1 and again.status_code == 200


def test_errors_are_shown_per_row_and_nothing_can_be_confirmed(client, world):
    client = login(client, world.state_admin)
    response = upload(client, BAD, key=Key.UNEMPLOYMENT_RATE, column="")
    html = response.content.decode()
    assert "Zeile 7, Spalte „Arbeitslosenquote %“: „k.A.“ ist keine Zahl." in html
    assert "Zeile 9" in html and "123,5" in html
    assert reverse("profiles:editor_import_confirm") not in html
    assert client.post(reverse("profiles:editor_import_confirm")).status_code == 302
    assert not Figure.objects.exists()


def test_the_confirmation_needs_post_and_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_a)
    assert client.get(reverse("profiles:editor_import_confirm")).status_code == 405
    assert client.post(reverse("profiles:editor_import_confirm")).status_code == 403


def test_demo_source_text_is_only_for_demo_values(client, world):
    response = login(client, world.editor_a).post(
        reverse("profiles:editor_new"),
        {
            "municipality": world.mun_a.pk,
            "key": Key.AREA,
            "value": "268",
            "as_of": "2023-12-31",
            "source": DEMO_SOURCE,
        },
    )
    assert response.context["form"].errors
    assert not Figure.objects.exists()
