"""Uploads cannot carry a page or a script onto our origin (issue 12, the high finding).

Every upload field gets HTML, SVG and JavaScript polyglots: each is refused, or stored re-encoded
under a random name and served inert (safe type, nosniff, sandbox, attachment for non-photos), by
Django here, by the documented nginx (a real nginx, when installed) and as S3 object metadata
(tests/operations/test_s3_media.py).
"""

import re
import urllib.request
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse
from PIL import Image

from standortlotse.core import uploads
from standortlotse.core.validators import validate_pdf
from standortlotse.guides.models import Guide
from standortlotse.places.models import Place, PlacePhoto
from standortlotse.properties.models import PropertyDocument, PropertyPhoto
from tests.operations.nginx_support import NGINX, running_nginx
from tests.places.support import submission
from tests.properties.support import RANDOM_PDF, valid_pdf

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = b"<script>fetch('/api/properties/1',{method:'PATCH'})</script>"


def image_bytes(fmt="JPEG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 40), (30, 140, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
# (file name, content): what an attacker posts under a document field.
DOCUMENT_POLYGLOTS = {
    "html with a PDF header": ("x.html", b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>"),
    "PDF header, then HTML": (
        "x.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n<!doctype html>" + SCRIPT + b"\n%%EOF\n",
    ),
    "real PDF with HTML appended": ("x.html", valid_pdf() + b"\n<html>" + SCRIPT + b"</html>"),
    "SVG named .pdf": ("plan.pdf", SVG),
    "JavaScript named .pdf": ("plan.pdf", b"alert(document.cookie);//%PDF-1.4"),
    "JPEG with HTML appended, named .pdf": ("plan.pdf", image_bytes() + SCRIPT),
    "encrypted PDF": ("plan.pdf", valid_pdf(password="geheim")),
    "broken PDF (cut off)": ("plan.pdf", valid_pdf()[:200]),
    "PDF that runs JavaScript": ("plan.pdf", valid_pdf(script="app.alert('hallo');")),
}
# (file name, content): what an attacker posts under a photo field.
PHOTO_POLYGLOTS = {
    "SVG named .jpg": ("bild.jpg", SVG),
    "SVG named .png": ("bild.png", SVG),
    "SVG named .pdf": ("bild.pdf", SVG),
    "HTML named .jpg": ("bild.jpg", b"<html>" + SCRIPT + b"</html>"),
    "GIFAR (GIF with a zip appended)": ("bild.gif", image_bytes("GIF") + b"PK\x03\x04" + SCRIPT),
    "JavaScript named .png": ("bild.png", b"alert(document.cookie)"),
}
# Valid pixels with a script behind them: accepted only as re-encoded pixels.
JPEG_WITH_HTML = image_bytes() + b"<html>" + SCRIPT + b"</html>"


def upload(name, content, content_type="text/html"):
    # The browser's declared type is the attacker's choice too.
    return SimpleUploadedFile(name, content, content_type=content_type)


def assert_inert(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def fetch(client, url):
    response = client.get(url)
    response.content_bytes = b"".join(response.streaming_content)
    return response


# --- documents ------------------------------------------------------------------------------


def test_a_valid_pdf_passes_the_parser():
    validate_pdf(SimpleUploadedFile("plan.pdf", valid_pdf(pages=2)))


@pytest.mark.parametrize("case", DOCUMENT_POLYGLOTS)
def test_the_pdf_parser_refuses_polyglots_with_a_message_naming_the_field(case):
    name, content = DOCUMENT_POLYGLOTS[case]
    with pytest.raises(ValidationError) as refused:
        validate_pdf(SimpleUploadedFile(name, content))
    message = refused.value.messages[0]
    assert (
        message.startswith("Dokument (PDF):") and "Erlaubt" in message
    )  # German, field, what is accepted


def test_encrypted_pdf_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as refused:
        validate_pdf(SimpleUploadedFile("plan.pdf", valid_pdf(password="geheim")))
    assert "Passwort" in refused.value.messages[0]


@pytest.mark.parametrize("case", DOCUMENT_POLYGLOTS)
def test_document_form_refuses_polyglots(client, world, case):
    name, content = DOCUMENT_POLYGLOTS[case]
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_document_add", args=[world.prop_a.pk]),
        {"file": upload(name, content), "title": "B-Plan"},
    )
    assert response.status_code == 422
    assert response.context["document_form"].errors["file"][0].startswith("Dokument (PDF):")
    assert not PropertyDocument.objects.exists()
    assert not _stored_files()


def test_valid_pdf_is_stored_under_a_random_pdf_name_and_served_as_a_download(client, world):
    client.force_login(world.editor_a)
    content = valid_pdf()
    response = client.post(
        reverse("properties:editor_document_add", args=[world.prop_a.pk]),
        {"file": upload("<b>plan</b>.html", content), "title": "B-Plan Nr. 12"},
    )
    assert response.status_code == 302
    document = PropertyDocument.objects.get()
    assert RANDOM_PDF.match(document.file.name), document.file.name
    assert "plan" not in document.file.name  # the uploader's name is not kept
    served = fetch(client, document.file.url)
    assert_inert(served, "application/pdf")
    assert served["Content-Disposition"] == "attachment"
    assert served.content_bytes == content  # stored as uploaded: a parsed PDF needs no rewrite
    page = client.get(world.prop_a.get_absolute_url()).content.decode()
    assert f'href="{document.file.url}"' in page and "B-Plan Nr. 12" in page


@pytest.mark.parametrize("case", DOCUMENT_POLYGLOTS)
def test_admin_document_inline_refuses_polyglots(world, case):
    """The admin's inline form is a model form of PropertyDocument: the model field parses."""
    name, content = DOCUMENT_POLYGLOTS[case]
    form_class = modelform_factory(PropertyDocument, fields=["property", "file", "title"])
    form = form_class(
        {"property": world.prop_a.pk, "title": "B-Plan"}, {"file": upload(name, content)}
    )
    assert not form.is_valid() and form.errors["file"][0].startswith("Dokument (PDF):")


def test_admin_document_inline_stores_a_random_pdf_name(world):
    form_class = modelform_factory(PropertyDocument, fields=["property", "file", "title"])
    form = form_class(
        {"property": world.prop_a.pk, "title": "B-Plan"}, {"file": upload("x.html", valid_pdf())}
    )
    assert form.is_valid(), form.errors
    assert RANDOM_PDF.match(form.save().file.name)


def test_editing_a_stored_document_does_not_parse_it_again(world):
    document = PropertyDocument(property=world.prop_a, title="Alt")
    document.file.save("alt.pdf", ContentFile(b"%PDF-1.4 stored before the parser"), save=True)
    form_class = modelform_factory(PropertyDocument, fields=["property", "file", "title"])
    form = form_class({"property": world.prop_a.pk, "title": "Neu"}, instance=document)
    assert form.is_valid(), form.errors  # existing documents keep working


# --- photos ---------------------------------------------------------------------------------


def _photo_posts(world):
    """Every photo field reachable by a form: (name, login user or None, url, data builder)."""
    return {
        "property photo": (
            world.editor_a,
            reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
            lambda f: {"image": f, "alt_text": "Halle"},
        ),
        "place submission photo": (
            None,
            reverse("places:submit", args=["altmark"]),
            lambda f: submission(world, photo=f, photo_alt="Raum"),
        ),
        "guide image": (
            world.moderator,
            reverse("guides:editor_create", args=["seiten"]),
            lambda f: {
                "region": world.region.pk,
                "slug": "kita",
                "theme": "life",
                "title_de": "Kita",
                "body_de": "Text",
                "status": "draft",
                "image": f,
                "image_alt": "Kita",
            },
        ),
    }


def _stored_photos():
    return (
        [p.image for p in PropertyPhoto.objects.all()]
        + [p.image for p in PlacePhoto.objects.all()]
        + [g.image for g in Guide.objects.exclude(image="")]
    )


@pytest.mark.parametrize("field", ["property photo", "place submission photo", "guide image"])
@pytest.mark.parametrize("case", PHOTO_POLYGLOTS)
def test_photo_fields_refuse_polyglots(client, world, field, case):
    user, url, data = _photo_posts(world)[field]
    if user:
        client.force_login(user)
    name, content = PHOTO_POLYGLOTS[case]
    response = client.post(url, data(upload(name, content)))
    assert response.status_code in (200, 400, 422)
    assert not _stored_photos()
    assert not Place.objects.exists() and not Guide.objects.exists()


@pytest.mark.parametrize("field", ["property photo", "place submission photo", "guide image"])
def test_photo_with_html_behind_the_pixels_is_stored_re_encoded_and_served_as_an_image(
    client, world, field
):
    user, url, data = _photo_posts(world)[field]
    if user:
        client.force_login(user)
    response = client.post(url, data(upload("bild.jpg", JPEG_WITH_HTML, "image/jpeg")))
    assert response.status_code == 302, getattr(response, "context", None) and response.context.get(
        "form"
    )
    [stored] = _stored_photos()
    assert re.fullmatch(
        r"(properties/photos|places/photos|guides)/\d{4}/[0-9a-f]{32}\.jpg", stored.name
    ), stored.name
    served = fetch(client, stored.url)
    assert_inert(served, "image/jpeg")
    assert "Content-Disposition" not in served  # photos are shown in pages
    assert b"<script" not in served.content_bytes and b"<html" not in served.content_bytes
    assert Image.open(BytesIO(served.content_bytes)).format == "JPEG"


def test_guide_image_named_html_is_re_encoded_under_a_random_jpg_name(client, world):
    client.force_login(world.moderator)
    _, url, data = _photo_posts(world)["guide image"]
    assert client.post(url, data(upload("x.html", JPEG_WITH_HTML))).status_code == 302
    image = Guide.objects.get().image
    assert re.fullmatch(r"guides/\d{4}/[0-9a-f]{32}\.jpg", image.name)
    assert b"<script" not in image.read()


def _owner_link(client, world, django_capture_on_commit_callbacks):
    from tests.places.support import owner_token

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(reverse("places:submit", args=["altmark"]), submission(world)).status_code
            == 302
        )
    return reverse("places:owner", args=[owner_token(Place.objects.get())])


def _stored_files():
    from django.conf import settings

    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize("case", PHOTO_POLYGLOTS)
def test_owner_link_photo_refuses_polyglots(
    client, world, django_capture_on_commit_callbacks, case
):
    url = _owner_link(client, world, django_capture_on_commit_callbacks)
    name, content = PHOTO_POLYGLOTS[case]
    data = submission(world, photo=upload(name, content), photo_alt="Raum")
    data.pop("consent")
    response = client.post(url, data)
    assert response.status_code in (200, 400, 422) and "photo" in response.context["form"].errors
    assert not _stored_files()


def test_owner_link_photo_is_stored_only_as_re_encoded_pixels(
    client, world, django_capture_on_commit_callbacks
):
    url = _owner_link(client, world, django_capture_on_commit_callbacks)
    data = submission(world, photo=upload("x.jpg", JPEG_WITH_HTML, "image/jpeg"), photo_alt="Raum")
    data.pop("consent")
    assert client.post(url, data).status_code == 302
    stored = _stored_files()
    assert stored  # kept for the place or for the review, but only as pixels under a random name
    for path in stored:  # the photo, or its card copies (made from its pixels) in thumbs/
        assert re.fullmatch(r"[0-9a-f]{32}\.(jpg|img)", path.name) or (
            path.parent.name == "thumbs"
            and re.fullmatch(r"[0-9a-f]{32}-(320|640)\.webp", path.name)
        ), path
        assert SCRIPT not in path.read_bytes() and b"<html" not in path.read_bytes()


@pytest.mark.parametrize("model", [PropertyPhoto, PlacePhoto])
@pytest.mark.parametrize("case", PHOTO_POLYGLOTS)
def test_admin_photo_inlines_refuse_polyglots(world, model, case):
    name, content = PHOTO_POLYGLOTS[case]
    form = modelform_factory(model, fields=["image", "alt_text"])(
        {"alt_text": "x"}, {"image": upload(name, content)}
    )
    assert not form.is_valid() and "image" in form.errors


@pytest.mark.parametrize("model", [PropertyPhoto, PlacePhoto])
def test_admin_photo_inlines_re_encode_under_a_random_name(world, model):
    form = modelform_factory(model, fields=["image", "alt_text"])(
        {"alt_text": "x"}, {"image": upload("x.html", JPEG_WITH_HTML)}
    )
    assert form.is_valid(), form.errors
    image = form.cleaned_data["image"]
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", image.name) and SCRIPT not in image.read()


def test_kept_photo_of_an_unfinished_submission_holds_only_pixels(client, world):
    from django.core.files.storage import default_storage

    from standortlotse.places.kept_photos import TEMP_PHOTO_DIR

    response = client.post(
        reverse("places:submit", args=["altmark"]),
        submission(
            world,
            photo=upload("bild.jpg", JPEG_WITH_HTML, "image/jpeg"),
            photo_alt="Raum",
            consent="",
        ),
    )
    token = response.context["form"].data["photo_token"]
    kept = f"{TEMP_PHOTO_DIR}/{token}"
    with default_storage.open(kept) as handle:
        assert SCRIPT not in handle.read()
    served = client.get(default_storage.url(kept))
    assert_inert(served, "application/octet-stream")
    assert served["Content-Disposition"] == "attachment"


# --- import files ---------------------------------------------------------------------------


def test_import_files_are_stored_outside_media_and_never_served(client, world, settings):
    from standortlotse.exchange.models import ImportJob

    client.force_login(world.editor_a)
    csv = b"Titel;Gemeinde\n<script>alert(1)</script>;Stendal\n"
    response = client.post(
        reverse("exchange:start"), {"file": upload("liste.csv", csv, "text/csv")}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    stored = Path(settings.PRIVATE_ROOT, job.file.name).resolve()
    assert stored.is_file() and not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for url in (
        f"/media/{job.file.name}",
        f"/media/../{Path(settings.PRIVATE_ROOT).name}/{job.file.name}",
        f"/media/%2e%2e/{job.file.name}",
    ):
        assert client.get(url).status_code in (400, 404)  # never the file
    with pytest.raises(ValueError):
        _ = job.file.url  # the private storage has no address at all


# --- serving --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content_type, disposition",
    [
        ("properties/documents/2026/ab.pdf", "application/pdf", "attachment"),
        ("properties/photos/2026/ab.jpg", "image/jpeg", None),
        ("guides/2026/ab.JPEG", "image/jpeg", None),
        ("places/photos/2026/ab.png", "image/png", None),
        ("places/photos/2026/ab.webp", "image/webp", None),
        ("properties/documents/2024/x.html", "application/octet-stream", "attachment"),
        ("properties/documents/2024/x.svg", "application/octet-stream", "attachment"),
        ("properties/documents/2024/x.js", "application/octet-stream", "attachment"),
        ("places/tmp/ab.img", "application/octet-stream", "attachment"),
        ("properties/documents/2024/noextension", "application/octet-stream", "attachment"),
    ],
)
def test_media_headers_from_the_stored_extension(name, content_type, disposition):
    headers = uploads.media_headers(name)
    assert (
        headers["Content-Type"] == content_type and headers["X-Content-Type-Options"] == "nosniff"
    )
    assert headers.get("Content-Disposition") == disposition
    assert (
        headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )


@pytest.mark.parametrize("name", ["x.html", "x.svg", "x.js", "x.htm", "x.xhtml", "x.pdf.gz"])
def test_files_stored_before_random_names_are_served_inert(client, world, name):
    """Documents stored under the uploader's name before this fix keep their URL, but harmless."""
    document = PropertyDocument(property=world.prop_a, title="Alt")
    document.file.storage.save(
        f"properties/documents/2025/{name}", ContentFile(b"%PDF-1.4\n" + SCRIPT)
    )
    served = fetch(client, f"/media/properties/documents/2025/{name}")
    assert_inert(served, "application/octet-stream")
    assert served["Content-Disposition"] == "attachment" and "Content-Encoding" not in served


# --- the documented nginx -------------------------------------------------------------------


def test_the_deployment_guide_carries_the_nginx_block_of_the_rule():
    """Line by line and in order (the map goes above the server block, the location inside)."""
    guide = [line.strip() for line in (ROOT / "docs" / "deployment.md").read_text().splitlines()]
    position = 0
    for line in uploads.nginx_media_block().splitlines():
        if line.startswith("#"):
            continue
        assert line.strip() in guide[position:], line
        position = guide.index(line.strip(), position) + 1


@pytest.fixture
def nginx(tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed")
    media = tmp_path / "media"
    media.mkdir()
    http_part, server_part = uploads.nginx_media_block(f"{media}/").split(
        "# in the server block:\n"
    )
    # As in a stock nginx.conf: the type table that the media location must not use.
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    with running_nginx(
        tmp_path / "nginx", http=mime_types + "\n" + http_part, server=server_part
    ) as base:
        yield media, base


@pytest.mark.parametrize(
    "name",
    [
        "ab.pdf",
        "ab.jpg",
        "ab.png",
        "ab.webp",
        "x.html",
        "x.svg",
        "x.js",
        "ab.img",
        "x.PDF",
        "noextension",
    ],
)
def test_the_documented_nginx_sends_the_same_headers_as_django(nginx, name):
    media, base = nginx
    (media / "2026").mkdir(exist_ok=True)
    (media / "2026" / name).write_bytes(b"%PDF-1.4\n" + SCRIPT)
    with urllib.request.urlopen(f"{base}/media/2026/{name}") as response:
        served = {key.lower(): value for key, value in response.headers.items()}
    for header, value in uploads.media_headers(f"2026/{name}").items():
        assert served.get(header.lower()) == value, (name, header, served)
    if "Content-Disposition" not in uploads.media_headers(name):
        assert "content-disposition" not in served
