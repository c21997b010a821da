"""Helpers of the property tests, also used by the upload, storage and access tests: a real PDF
document (optionally encrypted or with a script), the name pattern of stored documents, publishing."""

import re
from io import BytesIO

from pypdf import PdfWriter
from pypdf.actions import JavaScript

from standortlotse.properties.models import Status


def published(prop):
    prop.status = Status.PUBLISHED
    prop.save()
    return prop


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
