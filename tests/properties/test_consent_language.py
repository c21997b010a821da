"""Mails to private plot owners (consent requests) are written in the owner's language
(OwnerConsent.owner_language: German unless the editors choose English, and the language the
owner answered in), not in the language of the editor who sends them; a fresh link comes in the
language the form was used in (issue 16)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from standortlotse.properties import consent
from standortlotse.properties.models import OwnerConsent, Status
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

SUBJECT = {
    "de": "Dürfen wir Ihr Grundstück „Acker Müller“ Investoren vorstellen?",
    "en": "May we present your plot “Acker Müller” to investors?",
}
GREETING = {"de": "Guten Tag Erna Müller,", "en": "Dear Erna Müller,"}


@pytest.fixture(autouse=True)
def _mails_at_once(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def plot(world):
    prop = PropertyFactory(
        title="Acker Müller",
        municipality=world.mun_a,
        owner_type="private",
        status=Status.DRAFT,
        published_at=None,
        complete=True,
    )
    consent.save_owner(world.editor_a, prop, "Erna Müller", "erna@example.org", "Dorfstraße 2")
    return prop


def answer_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*zustimmung/\S+/)", message.body).group(1)


def assert_in_language(message, language):
    assert message.subject == SUBJECT[language], message.subject
    assert message.body.startswith(GREETING[language]), message.body[:60]
    assert answer_link(message).startswith("/en/") == (language == "en")


@pytest.mark.parametrize("editor_language", ["de", "en"])
def test_the_request_is_german_by_default_whatever_the_editor_reads(world, plot, editor_language):
    with translation.override(editor_language):
        consent.request(world.editor_a, [plot], "email")
    [request] = mail.outbox
    assert_in_language(request, "de")


def test_the_editors_choose_english_for_an_owner_and_the_request_is_english(client, world, plot):
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:consent_edit", args=[plot.pk]),
        {
            "form": "owner",
            "owner_name": "Erna Müller",
            "owner_email": "erna@example.org",
            "owner_address": "Dorfstraße 2",
            "owner_language": "en",
        },
    )
    assert response.status_code == 302
    assert OwnerConsent.objects.get(property=plot).owner_language == "en"
    page = client.get(reverse("properties:consent_edit", args=[plot.pk])).content.decode()
    assert re.search(r'<option value="en" selected>', page)
    plot = type(plot).objects.get(pk=plot.pk)  # as the next request reads it
    with translation.override("de"):
        consent.request(world.editor_a, [plot], "email")
    assert_in_language(mail.outbox[-1], "en")


def test_an_owner_who_answers_in_english_is_written_to_in_english(client, world, plot):
    consent.request(world.editor_a, [plot], "email")
    path = answer_link(mail.outbox[-1])
    with translation.override("en"):
        english = reverse("properties:consent_response", args=[path.rstrip("/").split("/")[-1]])
    response = client.post(english, {"answer": "no"})
    assert response.status_code in (200, 302)
    found = OwnerConsent.objects.get(property=plot)
    assert found.state == "refused" and found.owner_language == "en"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_fresh_link_is_in_the_language_of_the_form(client, world, plot, language):
    consent.request(world.editor_a, [plot], "email")
    mail.outbox.clear()
    with translation.override(language):
        url = reverse("properties:consent_link_request")
    response = client.post(url, {"email": "erna@example.org"})
    assert response.status_code == 200
    [fresh] = mail.outbox
    assert_in_language(fresh, language)
    assert OwnerConsent.objects.get(property=plot).owner_language == "de"  # not stored
