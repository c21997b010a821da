"""Request tests of the property register's back office (properties/views/backoffice.py): the
editor form, status actions, photos and documents."""

import json
import re
from html.parser import HTMLParser
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


class _FormValues(HTMLParser):
    """The values a browser would send for the editor form as rendered (inputs, selected
    options, text areas)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._first: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") in ("checkbox", "radio") else ""
            self.values.setdefault(name, []).append(a.get("value", default))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._first.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.values.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if self._select not in self.values:  # nothing selected: the first option
                self.values[self._select] = [self._first.get(self._select, "")]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_opening_and_saving_the_form_unchanged_keeps_every_answer(client, world):
    """Yes/no/unknown answers are shown as stored and survive a save without changes (the
    select showed every stored "yes" as "unknown" and saved it so)."""
    prop = world.prop_a
    prop.divisible, prop.funding_area, prop.rail_siding = True, False, "yes"
    prop.save()
    before = Property.objects.filter(pk=prop.pk).values().get()
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[prop.pk])
    page = client.get(url).content.decode()
    assert re.search(r'<select name="divisible"[^>]*>.*?<option value="true" selected', page, re.S)
    parser = _FormValues()
    start = page.index('<form method="post" class="editor-form"')
    parser.feed(page[start : page.index("</form>", start)])
    data = {k: v if len(v) > 1 else v[0] for k, v in parser.values.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Property.objects.filter(pk=prop.pk).values().get()
    changed = {k for k in before if before[k] != after[k]} - {"updated_at", "search_text"}
    assert not changed, {k: (before[k], after[k]) for k in changed}
