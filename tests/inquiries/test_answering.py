"""Request tests of answering from the platform (inquiries.views.inquiry_detail, services.answer):
what the inquiry is about, the answer mail and its Reply-To, the thread, the time to first
answer and its median, permissions across organisations, CSRF, English under /en/."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from standortlotse.inquiries import presenters
from standortlotse.inquiries.models import Inquiry, Note
from tests.factories import PlaceFactory, UserFactory
from tests.inquiries.support import org_of

pytestmark = pytest.mark.django_db

ANSWER = "Ja, die Fläche ist teilbar.\nGern zeigen wir sie Ihnen vor Ort."


@pytest.fixture
def office(world):
    """Editor A as a person with a name and an address, in "Stadt Stendal" with its own address."""
    user = world.editor_a
    user.first_name, user.last_name, user.email = "Anna", "Beispiel", "anna@stendal.example"
    user.save()
    organisation = org_of(user)
    organisation.name, organisation.email = "Stadt Stendal", "wirtschaft@stendal.example"
    organisation.save()
    return user


def _answer(client, inquiry, capture, text=ANSWER, prefix=""):
    with translation.override("de"):  # a page under /en/ leaves English active in the thread
        url = prefix + reverse("inquiries:detail", args=[inquiry.pk])
    with capture(execute=True):
        return client.post(url, {"action": "answer", "text": text})


def test_the_inquiry_shows_the_property_with_reference_and_links(client, world, office, inquiry):
    world.prop_a.external_id = "ST-17"
    world.prop_a.save()
    client.force_login(office)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "<dt>Immobilie</dt>" in page and "<strong>Gewerbepark Stendal Nord</strong>" in page
    assert f"(Nr. {world.prop_a.pk} · ST-17)" in page and inquiry.reference in page
    assert f'href="{world.prop_a.get_absolute_url()}"' in page
    assert f'href="{reverse("properties:editor_edit", args=[world.prop_a.pk])}"' in page
    inbox = client.get(reverse("inquiries:inbox")).content.decode()
    assert f'<a href="{world.prop_a.get_absolute_url()}">Gewerbepark Stendal Nord</a>' in inbox
    assert f"Immobilie Nr. {world.prop_a.pk} · ST-17" in inbox
    # Unpublished: no public link; the record itself stays one click away.
    world.prop_a.status = "archived"
    world.prop_a.save()
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert f'href="{world.prop_a.get_absolute_url()}"' not in page
    assert "Datensatz bearbeiten" in page


def test_an_inquiry_about_a_place_links_the_review_for_moderators_only(client, world, agency, send):
    place = PlaceFactory(
        name="Kulturscheune",
        pitch="p",
        region=world.region,
        municipality=world.mun_a,
        lon=11.8,
        owner_name="o",
        status="published",
    )
    send(reverse("inquiries:contact_about", args=["ort", place.pk]), topic="place")
    inquiry = Inquiry.objects.get()
    client.force_login(world.moderator)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "<dt>Ort</dt>" in page and "<strong>Kulturscheune</strong>" in page
    assert f'href="{reverse("places:review", args=[place.pk])}"' in page
    assert f'href="{place.get_absolute_url()}"' in page


def test_answer_is_mailed_from_the_platform_kept_in_the_thread_and_timed(
    client, world, office, inquiry, django_capture_on_commit_callbacks
):
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=timezone.now() - timedelta(hours=3))
    client.force_login(office)
    detail = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "Noch nicht beantwortet (wartet seit 3 Std.)" in detail
    assert "Antworten gehen an anna@stendal.example, wirtschaft@stendal.example." in detail
    mail.outbox.clear()
    response = _answer(client, inquiry, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["max@example.com"]
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL  # from the platform
    assert sent.reply_to == ["anna@stendal.example", "wirtschaft@stendal.example"]
    assert sent.subject == "AW: Ihre Anfrage zu Gewerbepark Stendal Nord"
    assert sent.body.startswith(ANSWER + "\n\n--\nAnna Beispiel, Stadt Stendal\n")
    assert f"Vorgangsnummer: {inquiry.reference}" in sent.body
    assert world.prop_a.get_absolute_url() in sent.body
    assert "> Ist die Fläche teilbar und ab wann verfügbar?" in sent.body
    inquiry.refresh_from_db()
    first = inquiry.first_answered_at
    assert first and timedelta(hours=3) <= first - inquiry.created_at < timedelta(
        hours=3, minutes=1
    )
    note = inquiry.notes.get(kind=Note.Kind.ANSWER)
    assert note.text == ANSWER and note.author == office
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "A. Beispiel (Stadt Stendal) (Antwort gesendet): Ja, die Fläche ist teilbar.<br>" in page
    assert "Erste Antwort nach 3 Std." in page
    # A second answer is sent and kept too; the first answer's time stays.
    _answer(client, inquiry, django_capture_on_commit_callbacks, text="Noch ein Nachtrag.")
    inquiry.refresh_from_db()
    assert inquiry.first_answered_at == first and len(mail.outbox) == 2
    assert inquiry.notes.filter(kind=Note.Kind.ANSWER).count() == 2
    inbox = client.get(reverse("inquiries:inbox") + "?status=all").content.decode()
    assert "3 Std." in inbox  # the organisation's median


def test_closed_without_an_answer_says_so(client, world, office, inquiry):
    client.force_login(office)
    url = reverse("inquiries:detail", args=[inquiry.pk])
    client.post(url, {"action": "status", "status": "closed"})
    page = client.get(url).content.decode()
    assert "Ohne Antwort über die Plattform geschlossen" in page and "wartet seit" not in page


def test_reply_to_leaves_out_what_is_no_address(
    client, world, office, inquiry, django_capture_on_commit_callbacks
):
    office.email = "kaputt@"
    office.save()
    client.force_login(office)
    mail.outbox.clear()
    _answer(client, inquiry, django_capture_on_commit_callbacks)
    assert mail.outbox[0].reply_to == ["wirtschaft@stendal.example"]
    organisation = org_of(office)
    organisation.email = ""
    organisation.save()
    office.email = ""
    office.save()
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "kann nicht per E-Mail antworten" in page
    mail.outbox.clear()
    _answer(client, inquiry, django_capture_on_commit_callbacks, text="Ohne Antwortadresse.")
    assert mail.outbox[0].reply_to == [] and "Ohne Antwortadresse." in mail.outbox[0].body


def test_other_organisations_and_users_without_a_role_cannot_answer(
    client, world, office, inquiry, django_capture_on_commit_callbacks
):
    url = reverse("inquiries:detail", args=[inquiry.pk])
    mail.outbox.clear()
    for outsider in (world.editor_b, world.moderator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"action": "answer", "text": "Von woanders"}).status_code == 404
    client.force_login(UserFactory(username="ohne_rolle"))
    assert client.post(url, {"action": "answer", "text": "Ohne Rolle"}).status_code == 403
    assert not mail.outbox and not inquiry.notes.exists()
    inquiry.refresh_from_db()
    assert inquiry.first_answered_at is None


def test_answer_needs_the_csrf_token(world, office, inquiry, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inquiries:detail", args=[inquiry.pk]), {"action": "answer", "text": "Hallo"}
        )
    assert response.status_code == 403 and not mail.outbox and not inquiry.notes.exists()


def test_english_page_and_an_answer_in_the_inquirers_language(
    client, world, office, inquiry, django_capture_on_commit_callbacks
):
    Inquiry.objects.filter(pk=inquiry.pk).update(language="en")
    inquiry.refresh_from_db()
    client.force_login(office)
    page = client.get("/en" + reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "<dt>Property</dt>" in page and f"(No. {world.prop_a.pk})" in page
    assert "Not answered yet (waiting 0 min)" in page and "Replies go to" in page
    mail.outbox.clear()
    _answer(client, inquiry, django_capture_on_commit_callbacks, prefix="/en")
    [sent] = mail.outbox
    assert sent.subject == "Re: your inquiry about Gewerbepark Stendal Nord"
    assert "Reference number: " in sent.body and "Your message of " in sent.body
    mail.outbox.clear()
    Inquiry.objects.filter(pk=inquiry.pk).update(language="de")
    inquiry.refresh_from_db()
    _answer(client, inquiry, django_capture_on_commit_callbacks, prefix="/en")
    assert mail.outbox[0].subject.startswith("AW: ")  # the inquirer's language, not the page's


def test_inbox_overview_shows_each_median_and_all_together(client, world, agency, send):
    url = reverse("inquiries:contact_about", args=["immobilie", world.prop_a.pk])
    send(url)
    send(reverse("inquiries:contact_about", args=["immobilie", world.prop_b.pk]))
    now = timezone.now()
    first, second = Inquiry.objects.order_by("pk")
    for inquiry, hours in ((first, 2), (second, 30)):
        Inquiry.objects.filter(pk=inquiry.pk).update(
            created_at=now - timedelta(hours=hours), first_answered_at=now
        )
    client.force_login(world.state_admin)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    assert ">2 Std.<" in page and ">1 Tag 6 Std.<" in page
    assert "Alle Organisationen" in page and ">16 Std.<" in page  # median of 2 h and 30 h
    client.force_login(world.editor_a)
    page = client.get(reverse("inquiries:inbox")).content.decode()
    assert ">2 Std.<" in page and "1 Tag 6 Std." not in page and "Alle Organisationen" not in page


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (None, "–"),
        (timedelta(seconds=20), "0 Min."),
        (timedelta(minutes=45), "45 Min."),
        (timedelta(hours=3, minutes=20), "3 Std. 20 Min."),
        (timedelta(hours=3), "3 Std."),
        (timedelta(days=1, hours=4, minutes=59), "1 Tag 4 Std."),
        (timedelta(days=3), "3 Tage"),
    ],
)
def test_durations(delta, text):
    assert presenters.duration_text(delta) == text
