"""Photos through the JSON API (properties/api.py): an API-only client adds a photo with its
alternative text and credit (the web form's checks and re-encoding: core.validators and
core.uploads), lists and removes photos, and can then publish a record whose region requires a
photo; other organisations get 403/404, polyglots and broken files 422 naming the field."""

import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from standortlotse.properties.models import Property, PropertyPhoto, Status
from tests.properties.support import add_photo, jpeg
from tests.security.test_upload_safety import JPEG_WITH_HTML, PHOTO_POLYGLOTS

pytestmark = pytest.mark.django_db


def png_upload(name="halle.png", size=(2400, 1200)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (30, 140, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload(client, prop, **fields):
    return client.post(f"/api/properties/{prop.pk}/photos", fields)


def test_an_editor_uploads_a_photo_stored_re_encoded(client, world):
    client.force_login(world.editor_a)
    response = upload(
        client,
        world.prop_a,
        image=png_upload(),
        alt_text="Die Halle von Süden",
        credit="Stadt Stendal",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["alt_text"] == "Die Halle von Süden" and body["credit"] == "Stadt Stendal"
    photo = PropertyPhoto.objects.get(pk=body["id"])
    assert photo.property == world.prop_a and body["position"] == 0
    assert re.fullmatch(r"properties/photos/\d{4}/[0-9a-f]{32}\.jpg", photo.image.name)
    with Image.open(photo.image) as stored:  # re-encoded: JPEG, at most 1920 px
        assert stored.format == "JPEG" and max(stored.size) == 1920
    assert body["url"] == photo.image.url
    # listed, and in the record's detail
    listed = client.get(f"/api/properties/{world.prop_a.pk}/photos").json()
    assert [p["id"] for p in listed] == [photo.pk]
    detail = client.get(f"/api/properties/{world.prop_a.pk}").json()
    assert detail["photos"][0]["alt_text"] == "Die Halle von Süden"


def test_pixels_with_html_behind_them_are_stored_as_pixels_only(client, world):
    client.force_login(world.editor_a)
    image = SimpleUploadedFile("bild.jpg", JPEG_WITH_HTML, content_type="image/jpeg")
    response = upload(client, world.prop_a, image=image, alt_text="Halle")
    assert response.status_code == 201
    stored = PropertyPhoto.objects.get().image.read()
    assert b"<script" not in stored and b"<html" not in stored


@pytest.mark.parametrize("case", PHOTO_POLYGLOTS)
def test_polyglots_and_other_files_are_refused_naming_the_field(client, world, case):
    client.force_login(world.editor_a)
    name, content = PHOTO_POLYGLOTS[case]
    image = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = upload(client, world.prop_a, image=image, alt_text="Halle")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert list(detail) == ["image"] and detail["image"], detail
    assert not PropertyPhoto.objects.exists()


def test_missing_fields_are_named(client, world):
    client.force_login(world.editor_a)
    response = upload(client, world.prop_a, image=png_upload())
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"alt_text"}
    response = upload(client, world.prop_a, alt_text="Halle")
    assert response.status_code == 422 and set(response.json()["detail"]) == {"image"}
    response = client.post(
        f"/api/properties/{world.prop_a.pk}/photos",
        json.dumps({"alt_text": "Halle"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "image" in response.json()["detail"]
    assert not PropertyPhoto.objects.exists()


def test_other_organisations_and_anonymous_are_refused(client, world):
    draft = Property.objects.get(pk=world.prop_a.pk)
    draft.status = Status.DRAFT
    draft.save(update_fields=["status"])
    assert upload(client, draft, image=png_upload(), alt_text="x").status_code == 401
    client.force_login(world.editor_b)  # Gardelegen
    assert upload(client, draft, image=png_upload(), alt_text="x").status_code == 404
    published = world.prop_c  # Haldensleben, public
    assert upload(client, published, image=png_upload(), alt_text="x").status_code == 403
    assert client.get(f"/api/properties/{draft.pk}/photos").status_code == 404
    photo = add_photo(published)
    url = f"/api/properties/{published.pk}/photos/{photo.pk}"
    assert client.delete(url).status_code == 403
    assert not PropertyPhoto.objects.exclude(pk=photo.pk).exists()
    assert PropertyPhoto.objects.filter(pk=photo.pk).exists()


def test_an_editor_removes_a_photo(client, world):
    photo = add_photo(world.prop_a)
    other = add_photo(world.prop_b)
    client.force_login(world.editor_a)
    # a photo of another record is not found through this one
    response = client.delete(f"/api/properties/{world.prop_a.pk}/photos/{other.pk}")
    assert response.status_code == 404
    response = client.delete(f"/api/properties/{world.prop_a.pk}/photos/{photo.pk}")
    assert response.status_code == 204
    assert not PropertyPhoto.objects.filter(pk=photo.pk).exists()
    assert PropertyPhoto.objects.filter(pk=other.pk).exists()


def test_uploads_are_rate_limited(client, world, settings):
    settings.API_PHOTOS_PER_HOUR = 1
    client.force_login(world.editor_a)
    assert upload(client, world.prop_a, image=png_upload(), alt_text="a").status_code == 201
    response = upload(client, world.prop_a, image=png_upload(), alt_text="b")
    assert response.status_code == 429
    assert PropertyPhoto.objects.count() == 1


def test_an_api_only_client_meets_the_photo_requirement_and_publishes(client, world):
    client.force_login(world.editor_a)
    payload = {
        "title": "API-Fläche mit Foto",
        "kind": "plot",
        "municipality": world.mun_a.pk,
        "lat": 52.59,
        "lon": 11.85,
        "description_de": "Ebene Fläche am Hafen.",
        "area_available_m2": 8000,
        "availability": "immediately",
        "contact_email": "wirtschaft@example.org",
    }
    response = client.post("/api/properties", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"/api/properties/{pk}/publish")
    assert response.status_code == 422 and set(response.json()["detail"]) == {"photos"}
    prop = Property.objects.get(pk=pk)
    image = SimpleUploadedFile("ansicht.jpg", jpeg(), content_type="image/jpeg")
    assert upload(client, prop, image=image, alt_text="Die Fläche vom Hafen").status_code == 201
    response = client.post(f"/api/properties/{pk}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["photos"][0]["alt_text"] == "Die Fläche vom Hafen"


def test_the_upload_is_documented_in_openapi(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/properties/{pk}/photos"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["image", "alt_text"]
    assert body["properties"]["image"]["format"] == "binary"
    assert {"201", "401", "403", "404", "422", "429"} <= set(operation["responses"])
    assert operation["security"] == [{"SessionAuth": []}]
    assert "delete" in schema["paths"]["/api/properties/{pk}/photos/{photo_pk}"]
    assert "get" in schema["paths"]["/api/properties/{pk}/photos"]
