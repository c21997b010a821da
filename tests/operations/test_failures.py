"""Faults: a full disk during an upload and an unreachable database give clear pages, and nothing
is half saved (the fault runs themselves, with a real PostgreSQL restart, are in bench/faults.py)."""

import errno

import pytest
from django.db import OperationalError
from django.urls import reverse

from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import Place
from tests.inquiries.support import contact_post
from tests.places.support import png, submission

pytestmark = pytest.mark.django_db


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_during_a_place_submission(client, world, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = client.post(
        reverse("places:submit", args=["altmark"]), submission(world, photo=png(), photo_alt="Foto")
    )
    assert response.status_code == 507
    page = response.content.decode()
    assert "Traceback" not in page and ("nicht gespeichert" in page or "not saved" in page)
    assert not Place.objects.exists()  # no place without its photo


def test_disk_full_during_a_property_photo_upload(client, world, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    client.force_login(world.editor_a)
    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    response = client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
        {"image": png(), "alt_text": "Halle von außen"},
    )
    assert response.status_code == 507
    assert not world.prop_a.photos.exists()


def test_database_outage_during_an_inquiry(client, world, monkeypatch):
    from standortlotse.inquiries import services

    def unavailable(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "receive", unavailable)
    response = contact_post(client, world)
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
    response = client.post(
        reverse("places:submit", args=["altmark"]), submission(world, photo=png(), photo_alt="Foto")
    )
    assert response.status_code == 507 and not Place.objects.exists()
    left = [f for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert left == []


# --- a record and its tasks are committed together (core/queue.py) --------------------------------


@pytest.fixture
def database_tasks(settings):
    """The production task backend: task rows in the default database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_mails_are_queued_in_the_transaction_of_the_inquiry(client, world, database_tasks):
    from django_tasks_db.models import DBTaskResult

    assert contact_post(client, world).status_code == 302
    inquiry = Inquiry.objects.get()
    queued = DBTaskResult.objects.filter(task_path="standortlotse.core.mail.send_email_task")
    # Written before the commit (this test's transaction never commits): confirmation + notification.
    recipients = sorted(r.args_kwargs["args"][0][0] for r in queued)
    assert len(recipients) == 2 and inquiry.email in recipients


def test_a_failure_while_queueing_the_mail_saves_nothing(
    client, world, database_tasks, monkeypatch
):
    """Seen in the PostgreSQL restart runs while mails were queued after the commit: the inquiry was
    saved but the visitor got "not saved". Now the mail's task row is part of the transaction."""
    from django_tasks_db.models import DBTaskResult

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(DBTaskResult.objects, "create", refuse)
    response = contact_post(client, world)
    assert response.status_code == 503 and "Traceback" not in response.content.decode()
    assert not Inquiry.objects.exists()


def test_rolled_back_work_leaves_no_task(world, database_tasks):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from standortlotse.core.mail import queue_email

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(
            "anna@example.org",
            "inquiries/email/confirmation",
            {"inquiry": Inquiry(name="A", message="x")},
        )
        raise RuntimeError("a later step fails")
    assert not DBTaskResult.objects.exists()


def test_other_backends_still_run_after_the_commit(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    from standortlotse.core.mail import queue_email, send_email_task
    from standortlotse.core.queue import stored_in_the_database

    assert not stored_in_the_database(send_email_task)  # the tests' immediate backend
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_email(
            "anna@example.org",
            "inquiries/email/confirmation",
            {"inquiry": Inquiry(name="A", message="x")},
        )
        assert mailoutbox == []  # not before the commit
    assert len(callbacks) == 1 and len(mailoutbox) == 1


def test_thanks_page_needs_no_session_write(client, world, monkeypatch):
    """After the inquiry's commit nothing is written to the database: the thanks page finds the
    inquiry through a signed cookie, so a session store failing then cannot hide the success."""
    from django.contrib.sessions.backends.db import SessionStore

    def broken_save(self, *args, **kwargs):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(SessionStore, "save", broken_save)
    response = contact_post(client, world)
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:thanks")
    page = client.get(response["Location"]).content.decode()
    assert Inquiry.objects.get().recipient.name in page


def test_thanks_cookie_is_signed(client, world):
    assert contact_post(client, world).status_code == 302
    recipient = Inquiry.objects.get().recipient.name
    assert recipient in client.get(reverse("inquiries:thanks")).content.decode()
    # A forged (unsigned) id shows the general thanks, never somebody else's inquiry.
    client.cookies["inquiry_sent"] = str(Inquiry.objects.get().pk)
    page = client.get(reverse("inquiries:thanks")).content.decode()
    assert recipient not in page and "weitergeleitet" in page


def test_database_failure_in_a_middleware_gets_the_503_page(client, world, monkeypatch, settings):
    """A database error outside the view (here: saving the session of a logged-in editor) is not a
    500 trace either: the 500 handler renders the same 503 page."""
    from django.contrib.sessions.backends.db import SessionStore

    client.raise_request_exception = False
    client.force_login(world.editor_a)

    def broken_save(self, *args, **kwargs):
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(SessionStore, "save", broken_save)
    settings.SESSION_SAVE_EVERY_REQUEST = True  # the session middleware saves after the view
    response = client.get(reverse("properties:editor_list"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Traceback" not in response.content.decode()


def test_other_errors_in_a_middleware_keep_the_500_page(client, world, monkeypatch, settings):
    from django.contrib.sessions.backends.db import SessionStore

    client.raise_request_exception = False
    client.force_login(world.editor_a)
    monkeypatch.setattr(SessionStore, "save", lambda self, *a, **k: 1 / 0)
    settings.SESSION_SAVE_EVERY_REQUEST = True
    response = client.get(reverse("properties:editor_list"))
    assert response.status_code == 500 and "Traceback" not in response.content.decode()
