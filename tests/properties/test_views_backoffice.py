"""Request tests of the property register's back office (properties/views/backoffice.py): the
editor form, status actions and the publication gate, the list (what publishing needs, how
current, "still current" for several records), photos and documents."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from standortlotse.properties.models import Property, Status
from tests.factories import PropertyFactory
from tests.properties.support import make_complete, valid_pdf, without_photo_and_description

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
    make_complete(world.prop_a)  # publishing it again meets the publication gate
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    kept = {name: getattr(world.prop_a, name) for name in ("description_de", "contact_email")}
    response = client.post(url, form_data(world, title="Gewerbepark Stendal Nord II", **kept))
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


# --- the publication gate on the editor's pages ------------------------------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_publish_button_below_the_gate_is_refused_naming_the_fields(client, world):
    prop = without_photo_and_description(world.mun_a)
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_action", args=[prop.pk, "publish"]), follow=True
    )
    assert _messages(response) == [
        (
            "Nicht veröffentlicht – es fehlt: Foto, Beschreibung. "
            "Die Regionalmoderation kann ihn mit Begründung trotzdem veröffentlichen."
        )
    ]
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT


def test_the_edit_page_lists_what_is_missing_with_links_to_the_fields(client, world):
    prop = without_photo_and_description(world.mun_a)
    client.force_login(world.editor_a)
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    gaps = re.search(r'<div class="gate-missing">.*?</div>', page, re.S)
    assert gaps, "no list of what is missing"
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', gaps.group(0))
    assert links == [("photos", "Foto"), ("id_description_de", "Beschreibung")]
    assert 'id="photos"' in page and 'id="id_description_de"' in page  # the links lead somewhere
    assert 'name="override_reason"' not in page  # an editor cannot override
    client.force_login(world.moderator)
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    assert 'name="override_reason"' in page
    make_complete(prop)
    page = client.get(reverse("properties:editor_edit", args=[prop.pk])).content.decode()
    assert 'class="gate-missing"' not in page and 'name="override_reason"' not in page


def test_a_moderator_publishes_from_the_page_with_a_reason_in_the_history(client, world):
    prop = without_photo_and_description(world.mun_a)
    client.force_login(world.moderator)
    url = reverse("properties:editor_action", args=[prop.pk, "publish"])
    response = client.post(url, {"override_reason": ""}, follow=True)  # no reason: refused
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT
    assert _messages(response)[0].startswith("Nicht veröffentlicht – es fehlt: Foto")
    client.post(url, {"override_reason": "Fotos folgen nach dem Abriss im Mai."})
    assert Property.objects.get(pk=prop.pk).status == Status.PUBLISHED
    history = client.get(reverse("properties:editor_history", args=[prop.pk])).content.decode()
    assert "unterhalb der Anforderungen für die Veröffentlichung veröffentlicht" in history
    assert "Foto, Beschreibung" in history and "Fotos folgen nach dem Abriss im Mai." in history
    assert "moderator" in history


def test_editors_cannot_override_the_gate(client, world):
    prop = without_photo_and_description(world.mun_a)
    url = reverse("properties:editor_action", args=[prop.pk, "publish"])
    client.force_login(world.editor_a)  # the municipality's editor: not a moderator
    assert client.post(url, {"override_reason": "Eilt"}).status_code == 403
    client.force_login(world.editor_b)  # another municipality's editor: the record is not there
    assert client.post(url, {"override_reason": "Eilt"}).status_code == 404
    assert Property.objects.get(pk=prop.pk).status == Status.DRAFT


def test_an_edit_of_a_published_record_may_not_take_what_publishing_needs(client, world):
    make_complete(world.prop_a)
    client.force_login(world.editor_a)
    url = reverse("properties:editor_edit", args=[world.prop_a.pk])
    response = client.post(url, form_data(world, contact_email=world.prop_a.contact_email))
    assert response.status_code == 200  # the description was emptied: refused on its field
    assert list(response.context["form"].errors) == ["description_de"]
    assert Property.objects.get(pk=world.prop_a.pk).description_de


def test_unpublishing_a_record_below_the_gate_says_what_publishing_again_needs(client, world):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_action", args=[world.prop_a.pk, "unpublish"]), follow=True
    )
    assert any(
        m.startswith("Zum erneuten Veröffentlichen fehlt: Foto") for m in _messages(response)
    )


def test_the_editor_list_shows_what_publishing_needs_and_how_current(client, world):
    draft = without_photo_and_description(world.mun_a, title="Entwurf ohne Foto")
    ready = make_complete(without_photo_and_description(world.mun_a, title="Bereit"))
    world.prop_a.verified_on = timezone.localdate() - timedelta(days=250)
    world.prop_a.save()
    client.force_login(world.editor_a)
    page = client.get(reverse("properties:editor_list")).content.decode()
    rows = dict(re.findall(r'id="pick-(\d+)"(.*?)</tr>', page, re.S))
    assert "Fehlt zum Veröffentlichen: Foto, Beschreibung" in rows[str(draft.pk)]
    assert "Bereit zum Veröffentlichen" in rows[str(ready.pk)]
    assert 'data-freshness="aging"' in rows[str(world.prop_a.pk)]
    assert "Bestätigung fällig" in rows[str(world.prop_a.pk)]
    assert "seit 8 Monaten nicht bestätigt" in rows[str(world.prop_a.pk)]


def test_the_editor_list_confirms_the_checked_records(client, world):
    other = PropertyFactory(municipality=world.mun_a, title="Zweite Fläche")
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_confirm_many"),
        {"pk": [world.prop_a.pk, other.pk], "back": "status=published&q=Fl&evil=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("properties:editor_list") + "?q=Fl&status=published"
    today = timezone.localdate()
    assert Property.objects.get(pk=world.prop_a.pk).verified_on == today
    assert Property.objects.get(pk=other.pk).verified_on == today
    response = client.post(reverse("properties:editor_confirm_many"), {}, follow=True)
    assert _messages(response) == [
        "2 Datensätze heute als aktuell bestätigt.",  # the first answer, shown now
        "Wählen Sie zuerst die Datensätze aus, die Sie geprüft haben.",
    ]


def test_an_editor_of_another_municipality_cannot_confirm_in_bulk(client, world):
    client.force_login(world.editor_b)
    response = client.post(
        reverse("properties:editor_confirm_many"), {"pk": [world.prop_a.pk]}, follow=True
    )
    assert _messages(response) == [
        "1 Datensatz wurde nicht bestätigt: Sie dürfen ihn nicht bearbeiten."
    ]
    assert world.prop_a.title not in response.content.decode()
    assert Property.objects.get(pk=world.prop_a.pk).verified_on is None


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
    # what publishing needs is swapped in anew beside the photos: the photo is no gap any more
    gaps = response.content.decode().split('id="publication-gaps"', 1)[1]
    assert 'hx-swap-oob="true"' in gaps and "Foto<" not in gaps and "Beschreibung" in gaps


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


def test_a_readiness_status_left_out_stays_unknown_an_empty_one_is_an_error(client, world):
    client.force_login(world.editor_a)
    client.post(reverse("properties:editor_create"), form_data(world))
    prop = Property.objects.get(title="Neue Halle Stendal")
    assert prop.readiness_grid_status == "unknown" and prop.readiness_access_status == "unknown"
    response = client.post(
        reverse("properties:editor_create"),
        form_data(world, title="Zweite Halle", readiness_grid_status=""),
    )
    assert (
        response.status_code == 200 and "readiness_grid_status" in response.context["form"].errors
    )
    assert not Property.objects.filter(title="Zweite Halle").exists()
