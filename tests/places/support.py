"""Helpers of the places tests, also used by the upload, storage and failure tests: a submission
as the public form posts it, a photo, the owner's private link from the mails."""

import re
from io import BytesIO

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name="ort.png"):
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def submission(world, **overrides):
    data = {
        "name": "Coworking Alte Schule",
        "pitch": "Schreibtische im Dorf",
        "story": "<p>Unsere <strong>Geschichte</strong></p><script>alert(1)</script>",
        "place_fields": ["work"],
        "types": ["coworking"],
        "offers": ["desks", "events"],
        "municipality": world.mun_a.pk,
        "owner_name": "Erika Muster",
        "owner_email": "erika@example.org",
        "consent": "on",
        "tags": "Glasfaser, Garten",
    }
    data.update(overrides)
    return data


def link_from(message) -> str:
    return re.search(r"http\S+/orte/mein-ort/(\S+)/", message.body).group(1)


def owner_token(place):
    return link_from(
        [m for m in mail.outbox if "/orte/mein-ort/" in m.body and m.to == [place.owner_email]][-1]
    )
