"""Faults: a full disk during an upload and an unreachable database give clear pages, and nothing
is half saved (the fault runs themselves, with a real PostgreSQL restart, are in bench/faults.py)."""

import errno

import pytest
from django.db import OperationalError
from django.urls import reverse

from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import Place

from test_places import png, submission  # noqa: E402 (tests/ is on the path)

pytestmark = pytest.mark.django_db


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_during_a_place_submission(client, world, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = client.post(reverse("places:submit", args=["altmark"]), submission(world, photo=png(), photo_alt="Foto"))
    assert response.status_code == 507
    page = response.content.decode()
    assert "Traceback" not in page and ("nicht gespeichert" in page or "not saved" in page)
    assert not Place.objects.exists()  # no place without its photo


def test_disk_full_during_a_property_photo_upload(client, world, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    client.force_login(world.editor_a)
    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = client.post(reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
                           {"image": png(), "alt_text": "Halle von außen"})
    assert response.status_code == 507
    assert not world.prop_a.photos.exists()


def test_database_outage_during_an_inquiry(client, world, monkeypatch):
    from standortlotse.inquiries import services

    def unavailable(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "receive", unavailable)
    response = client.post(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]), {
        "name": "Max", "email": "max@example.com", "topic": "property", "message": "Ist die Fläche noch frei?",
        "consent": "on",
    })
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Traceback" not in page and ("nicht gespeichert" in page or "not saved" in page)
    assert not Inquiry.objects.exists()


def test_unknown_pages_get_a_helpful_404(client, world):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert reverse("search") in response.content.decode()


def test_disk_full_leaves_no_partial_file(client, world, monkeypatch, settings):
    import os

    from django.core.files.storage import FileSystemStorage

    def partial_then_full(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(b"\xff\xd8 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", partial_then_full)
    response = client.post(reverse("places:submit", args=["altmark"]), submission(world, photo=png(), photo_alt="Foto"))
    assert response.status_code == 507 and not Place.objects.exists()
    left = [f for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert left == []
