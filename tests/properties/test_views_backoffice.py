"""Request tests of the property register's back office (properties/views/backoffice.py): the
editor form, status actions, photos and documents."""

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from standortlotse.properties.models import Property, Status
from tests.properties.support import valid_pdf

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", name="bild.png"):
    buffer = BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


# --- back office --------------------------------------------------------------------------------


def form_data(world, **overrides):
    data = {
        "title": "Neue Halle Stendal",
        "kind": "hall",
        "municipality": world.mun_a.pk,
        "lat": "52.601",
        "lon": "11.861",
        "availability": "immediately",
        "area_total_m2": "5000",
        "area_available_m2": "4000",
    }
    data.update(overrides)
    return data


def test_editor_creates_property_as_draft(client, world):
    client.force_login(world.editor_a)
    outline = {
        "type": "Polygon",
        "coordinates": [[[11.86, 52.6], [11.87, 52.6], [11.87, 52.61], [11.86, 52.6]]],
    }
    response = client.post(
        reverse("properties:editor_create"), form_data(world, outline=json.dumps(outline))
    )
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert response.status_code == 302 and response["Location"] == reverse(
        "properties:editor_edit", args=[prop.pk]
    )
    assert prop.status == Status.DRAFT and prop.outline["type"] == "Polygon"
    assert prop.history.first().history_user == world.editor_a
    assert client.get(prop.get_absolute_url()).status_code == 200  # editor preview


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
        ({"lat": "11.86", "lon": "52.6"}, "lat", "außerhalb Deutschlands"),
        ({"area_available_m2": "9000"}, "area_available_m2", "Gesamtfläche"),
        ({"outline": "{kaputt"}, "outline", "GeoJSON"),
        (
            {
                "outline": json.dumps(
                    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
                )
            },
            "outline",
            "Polygon",
        ),
        ({"outline": json.dumps({"type": "Point", "coordinates": [11, 52]})}, "outline", "Polygon"),
        ({"price_per_m2": "12", "price_on_request": "on"}, "price_per_m2", "nicht beides"),
        ({"availability": "from_date"}, "available_from", "Datum"),
        ({"grz": "1.5"}, "grz", "1"),
        ({"area_total_m2": "-1"}, "area_total_m2", "0"),
    ],
)
def test_editor_validation_messages_keep_input(client, world, overrides, field, message):
    client.force_login(world.editor_a)
    data = form_data(
        world, description_de="Mein langer Text, der nicht verloren gehen darf", **overrides
    )
    response = client.post(reverse("properties:editor_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    content = response.content.decode()
    assert "Mein langer Text, der nicht verloren gehen darf" in content
    assert 'class="error-summary"' in content
    assert not Property.objects.filter(title=data["title"] or "-").exists() or field == "title"


def test_editor_edits_publishes_confirms(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    response = client.post(url, form_data(world, title="Gewerbepark Stendal Nord II"))
    assert response.status_code == 302
    client.post(reverse("properties:editor_action", args=[world.prop_a.pk, "unpublish"]))
    world.prop_a.refresh_from_db()
    assert (
        world.prop_a.title == "Gewerbepark Stendal Nord II" and world.prop_a.status == Status.DRAFT
    )
    client.post(reverse("properties:editor_action", args=[world.prop_a.pk, "publish"]))
    client.post(
        reverse("properties:editor_action", args=[world.prop_a.pk, "confirm"]), {"next": "list"}
    )
    world.prop_a.refresh_from_db()
    assert world.prop_a.status == Status.PUBLISHED and world.prop_a.verified_on is not None
    history = client.get(
        reverse("properties:editor_history", args=[world.prop_a.pk])
    ).content.decode()
    assert "Gewerbepark Stendal Nord II" in history and "editor_a" in history


def test_editor_action_requires_post(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse("properties:editor_action", args=[world.prop_a.pk, "publish"]))
    assert response.status_code == 405


def test_editor_list_shows_completeness_and_verified(client, world):
    client.force_login(world.editor_a)
    response = client.get(reverse("properties:editor_list"))
    record = list(response.context["page"])[0]
    assert 0 < record.completeness.percent < 100
    assert b"<meter" in response.content


def test_photo_upload_valid_and_htmx(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_photo_add", args=[world.prop_a.pk])
    response = client.post(
        url, {"image": image_file(), "alt_text": "Halle von Norden", "credit": "Stadt"}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"image": image_file("JPEG", "b.jpg"), "alt_text": "Zufahrt"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"Zufahrt" in response.content
    assert world.prop_a.photos.count() == 2


@pytest.mark.parametrize(
    ("upload", "alt"),
    [
        (
            SimpleUploadedFile(
                "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
            ),
            "Bild",
        ),
        (SimpleUploadedFile("x.jpg", b"<html><script>alert(1)</script></html>"), "Bild"),
        (SimpleUploadedFile("x.gif", b"GIF89a" + b"\x00" * 20), "Bild"),
        (None, "Bild"),
    ],
)
def test_photo_upload_refuses_bad_files(client, world, upload, alt):
    client.force_login(world.editor_a)
    data = {"alt_text": alt}
    if upload is not None:
        data["image"] = upload
    response = client.post(reverse("properties:editor_photo_add", args=[world.prop_a.pk]), data)
    assert response.status_code == 422
    assert response.context["photo_form"].errors["image"]
    assert not world.prop_a.photos.exists()


def test_photo_needs_alt_text(client, world):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]), {"image": image_file()}
    )
    assert response.status_code == 422 and "alt_text" in response.context["photo_form"].errors


def test_document_upload_pdf_only(client, world):
    client.force_login(world.editor_a)
    url = reverse("properties:editor_document_add", args=[world.prop_a.pk])
    fake = SimpleUploadedFile("bplan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"file": fake, "title": "B-Plan"})
    assert response.status_code == 422 and not world.prop_a.documents.exists()
    pdf = SimpleUploadedFile("bplan.pdf", valid_pdf(), content_type="application/pdf")
    response = client.post(url, {"file": pdf, "title": "B-Plan Nr. 12"})
    assert response.status_code == 302
    doc = world.prop_a.documents.get()
    assert b"B-Plan Nr. 12" in client.get(world.prop_a.get_absolute_url()).content
    client.post(reverse("properties:editor_document_delete", args=[world.prop_a.pk, doc.pk]))
    assert not world.prop_a.documents.exists()


def test_upload_size_limit(client, world, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
        {"image": image_file(), "alt_text": "zu groß"},
    )
    assert response.status_code == 422 and "zu groß" in response.content.decode()
