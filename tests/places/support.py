"""Helpers of the places tests, also used by the upload, storage and failure tests: a submission
as the public form posts it, a photo, the owner's private link from the mails, a place made
directly in the database (`make_place`)."""

import re
from io import BytesIO

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from standortlotse.places.models import Place, Status


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


def make_place(
    world,
    name,
    municipality=None,
    status=Status.PUBLISHED,
    fields=("work",),
    types=("coworking",),
    offers=(),
    **extra,
):
    municipality = municipality or world.mun_a
    extra.setdefault("lat", municipality.lat)
    extra.setdefault("lon", municipality.lon)
    place = Place.objects.create(
        name=name,
        pitch=f"Pitch {name}",
        region=world.region,
        municipality=municipality,
        owner_name="O",
        owner_email="o@example.org",
        status=status,
        published_at=timezone.now(),
        **extra,
    )
    place.set_values("field", fields)
    place.set_values("type", types)
    place.set_values("offer", offers)
    return place


def run_tasks_at_once(monkeypatch):
    """Background steps run when they are enqueued (the test's transaction is never committed)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def start_import(client, data: dict):
    """Post the places import's start form (partner feed or source, format, region, file) as a
    browser does; with ``run_tasks_at_once`` the check has run when it returns."""
    from django.urls import reverse

    return client.post(reverse("exchange:start_target", args=["places"]), data)


def confirm_import(client, job, **data):
    from django.urls import reverse

    return client.post(reverse("exchange:confirm", args=[job.pk]), data)
