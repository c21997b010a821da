"""Request tests of inquiries/views.py: the public form, the inbox and its permissions, data access."""

import json
import logging

import pytest
from django.core import mail
from django.urls import reverse

from standortlotse.inquiries.models import Inquiry, Status
from tests.factories import PlaceFactory
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db


def test_inquiry_about_property_end_to_end(client, world, agency, send, caplog):
    world.editor_a.email = "editor-a@stendal.example"
    world.editor_a.save()
    caplog.set_level(logging.DEBUG)
    response = send(reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inquiries:thanks")
    inquiry = Inquiry.objects.get()
    assert inquiry.property == world.prop_a and inquiry.recipient == org_of(world.editor_a)
    assert inquiry.status == Status.NEW and inquiry.page_url == world.prop_a.get_absolute_url()
    to_office = [m for m in mail.outbox if "editor-a@stendal.example" in m.to]
    assert to_office and world.prop_a.title in to_office[0].subject
    assert f"/datenpflege/anfragen/{inquiry.pk}/" in to_office[0].body
    assert "max@example.com" not in to_office[0].body  # personal data stays in the back office
    confirmation = [m for m in mail.outbox if m.to == ["max@example.com"]][0]
    assert "Ist die Fläche teilbar" in confirmation.body
    assert org_of(world.editor_a).name in client.get(reverse("inquiries:thanks")).content.decode()
    assert "max@example.com" not in caplog.text and "Max Investor" not in caplog.text


def test_contact_link_on_detail_pages(client, world):
    content = client.get(world.prop_a.get_absolute_url()).content.decode()
    assert reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk]) in content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": ""}, "consent"),
        ({"homepage": "x"}, "homepage"),
        ({"email": "nope"}, "email"),
        ({"message": "kurz"}, "message"),
        ({"topic": "spam"}, "topic"),
        ({"name": ""}, "name"),
    ],
)
def test_form_errors_keep_input(world, agency, send, overrides, field):
    response = send(reverse("inquiries:contact"), **overrides)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "Max GmbH" in response.content.decode()
    assert not Inquiry.objects.exists() and not mail.outbox


def test_contact_about_unpublished_or_unknown_is_404(client, world):
    world.prop_a.status = "draft"
    world.prop_a.save()
    assert (
        client.get(
            reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk])
        ).status_code
        == 404
    )
    assert client.get("/kontakt/etwas/1/").status_code == 404


def test_rate_limit(world, agency, send, settings):
    settings.INQUIRIES_PER_HOUR = 1
    assert send(reverse("inquiries:contact")).status_code == 302
    response = send(reverse("inquiries:contact"), name="Zweiter Versuch")
    assert response.status_code == 429 and 'value="Zweiter Versuch"' in response.content.decode()
    assert Inquiry.objects.count() == 1


# --- inbox ------------------------------------------------------------------------------------


def test_inbox_visibility(client, world, inquiry):
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.force_login(world.editor_a)
    assert inquiry.name.encode() in client.get(reverse("inquiries:inbox")).content
    assert client.get(url).status_code == 200
    for outsider in (world.editor_b, world.moderator):
        client.force_login(outsider)
        assert inquiry.name.encode() not in client.get(reverse("inquiries:inbox")).content
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "answer", "text": "Hallo"}).status_code == 404
    client.force_login(world.state_admin)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_answer_assign_note_close(client, world, inquiry, django_capture_on_commit_callbacks):
    client.force_login(world.editor_a)
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.post(url, {"action": "assign", "assigned_to": world.editor_a.pk})
    client.post(url, {"action": "note", "text": "Rückruf vereinbart"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "answer", "text": "Ja, die Fläche ist teilbar."})
    inquiry.refresh_from_db()
    assert (
        inquiry.status == Status.ANSWERED
        and inquiry.first_answered_at
        and inquiry.assigned_to == world.editor_a
    )
    assert (
        mail.outbox[-1].to == ["max@example.com"]
        and "Ja, die Fläche ist teilbar." in mail.outbox[-1].body
    )
    client.post(url, {"action": "status", "status": "closed"})
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED and inquiry.closed_at
    assert [n.kind for n in inquiry.notes.all()] == ["event", "note", "answer", "event"]
    response = client.post(url, {"action": "assign", "assigned_to": world.editor_b.pk})
    assert response.status_code == 200 and "assigned_to" in response.context["assign_form"].errors


# --- data access -----------------------------------------------------------------------------------


def test_data_subject_export(client, world, inquiry):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("privacy:export"), {"email": "MAX@example.com", "format": "json"}
    )
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["inquiries"][0]["message"].startswith("Ist die Fläche")
    client.force_login(world.editor_b)
    data = json.loads(
        client.post(
            reverse("privacy:export"), {"email": "max@example.com", "format": "json"}
        ).content
    )
    assert data["inquiries"] == []  # only what the user may see


def test_inquiry_about_place_mails_the_place_contact(world, agency, send):
    place = PlaceFactory(
        name="Ort",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        lon=11.8,
        owner_name="o",
        status="published",
        contact_email="hallo@ort.example",
    )
    send(reverse("inquiries:contact_about", args=["ort", place.pk]), topic="place")
    assert Inquiry.objects.get().recipient == org_of(world.moderator)
    assert any("hallo@ort.example" in m.to for m in mail.outbox)
