"""Helpers of the property tests, also used by the upload, storage and access tests: a real PDF
document (optionally encrypted or with a script), the name pattern of stored documents, publishing
and what the publication gate asks for."""

import re
from io import BytesIO

from pypdf import PdfWriter
from pypdf.actions import JavaScript

from standortlotse.properties.models import Status


def published(prop):
    prop.status = Status.PUBLISHED
    prop.save()
    return prop


def jpeg(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_photo(prop, alt_text="Ansicht von Süden"):
    from django.core.files.base import ContentFile

    from standortlotse.properties.models import PropertyPhoto

    photo = PropertyPhoto(property=prop, alt_text=alt_text)
    photo.image.save("ansicht.jpg", ContentFile(jpeg()), save=True)
    return photo


def make_complete(prop):
    """Give a record what the default publication gate asks for (a world record has area and
    availability, but no photo, description or contact of its own)."""
    prop.description_de = prop.description_de or "Erschlossene Fläche mit Zufahrt."
    prop.contact_name = prop.contact_name or "Paula Planer"
    prop.contact_email = prop.contact_email or "paula.planer@example.org"
    prop.save()
    if not prop.photos.exists():
        add_photo(prop)
    return prop


def without_photo_and_description(municipality, **fields):
    """A draft with everything the default gate asks for but a photo and a description."""
    from tests.factories import PropertyFactory

    values = {
        "municipality": municipality,
        "status": Status.DRAFT,
        "published_at": None,
        "contact_name": "Paula Planer",
        "contact_email": "paula.planer@example.org",
        **fields,
    }
    return PropertyFactory(**values)


RANDOM_PDF = re.compile(r"^properties/documents/\d{4}/[0-9a-f]{32}\.pdf$")


def valid_pdf(pages=1, password=None, script=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if script:
        writer.add_open_action(JavaScript(script))
    if password:
        writer.encrypt(password)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
