"""Mails to submitters and owners of places go out in the language they used (issue 16): stored on
submission (Place.owner_language) and again whenever the owner acts on the private link, and
used for every mail to them, whoever's request sends it (a moderator reading German or English,
the yearly question). Subject, body and the private link's language prefix are checked."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from standortlotse.places import services
from standortlotse.places.models import PendingUpdate, Place, Status
from tests.places.support import submission

pytestmark = pytest.mark.django_db

NAME = "Coworking Alte Schule"
SUBJECTS = {
    "submitted": {
        "de": "Vielen Dank für Ihren Eintrag „Coworking Alte Schule“",
        "en": 'Thank you for submitting "Coworking Alte Schule"',
    },
    "published": {
        "de": "„Coworking Alte Schule“ ist jetzt online",
        "en": '"Coworking Alte Schule" is now online',
    },
    "changes_requested": {
        "de": "Bitte ergänzen Sie Ihren Ort „Coworking Alte Schule“",
        "en": 'Please complete your place "Coworking Alte Schule"',
    },
    "rejected": {
        "de": "Ihre Einreichung „Coworking Alte Schule“",
        "en": 'Your submission "Coworking Alte Schule"',
    },
    "question": {
        "de": "Eine Frage zu „Coworking Alte Schule“",
        "en": 'A question about "Coworking Alte Schule"',
    },
    "some_taken": {
        "de": "Ein Teil Ihrer Änderungen an „Coworking Alte Schule“ ist online",
        "en": 'Some of your changes to "Coworking Alte Schule" are online',
    },
    "new_link": {
        "de": "Ihr neuer persönlicher Link für „Coworking Alte Schule“",
        "en": 'Your new private link for "Coworking Alte Schule"',
    },
    "fresh_link": {
        "de": "Ihr persönlicher Link für „Coworking Alte Schule“",
        "en": 'Your private link for "Coworking Alte Schule"',
    },
    "confirm_request": {
        "de": "Ist „Coworking Alte Schule“ noch aktuell?",
        "en": 'Is "Coworking Alte Schule" still current?',
    },
}
GREETING = {"de": "Hallo Erika Muster,", "en": "Hello Erika Muster,"}
OTHER = {"de": "en", "en": "de"}


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def owner_mails():
    return [m for m in mail.outbox if m.to == ["erika@example.org"]]


def assert_in_language(message, kind, language):
    assert message.subject == SUBJECTS[kind][language], message.subject
    assert message.body.startswith(GREETING[language]), message.body[:80]
    link = re.search(r"https?://\S+/orte/mein-ort/\S+/", message.body).group(0)
    assert ("/en/orte/mein-ort/" in link) == (language == "en"), link


@pytest.fixture
def submitted_in(client, world, django_capture_on_commit_callbacks):
    def _submit(language):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url_in(language, "places:submit", "altmark"), submission(world))
        assert response.status_code == 302, response.context["form"].errors
        return Place.objects.get(name=NAME)

    return _submit


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_submission_stores_the_language_and_the_confirmation_is_in_it(submitted_in, language):
    place = submitted_in(language)
    assert place.owner_language == language
    [confirmation] = owner_mails()
    assert_in_language(confirmation, "submitted", language)
    if language == "en":
        assert "thank you for submitting" in confirmation.body
    else:
        assert "Redaktion" in confirmation.body


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("decision", ["published", "changes_requested", "rejected"])
def test_review_results_are_in_the_submitters_language_not_the_moderators(
    world, submitted_in, django_capture_on_commit_callbacks, language, decision
):
    place = submitted_in(language)
    mail.outbox.clear()
    with translation.override(OTHER[language]), django_capture_on_commit_callbacks(execute=True):
        services.moderate(world.moderator, place, decision, message="Bitte / please")
    [result] = owner_mails()
    assert_in_language(result, decision, language)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_question_from_the_moderators_page_is_in_the_submitters_language(
    client, world, submitted_in, django_capture_on_commit_callbacks, language
):
    place = submitted_in(language)
    mail.outbox.clear()
    client.force_login(world.moderator)
    # the moderator works on the pages of the other language
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_in(OTHER[language], "places:review_message", place.pk),
            {"message": "Wann ist geöffnet?"},
        )
    assert response.status_code == 302
    [question] = owner_mails()
    assert_in_language(question, "question", language)
    assert "Wann ist geöffnet?" in question.body


def test_the_decision_on_an_update_names_the_fields_in_the_owners_language(
    client, world, submitted_in, django_capture_on_commit_callbacks
):
    place = submitted_in("en")
    services.moderate(world.moderator, place, Status.PUBLISHED)
    token = re.search(r"/orte/mein-ort/(\S+)/", owner_mails()[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_in("en", "places:owner", token),
            submission(world, pitch="Better desks", opening_info="Always open"),
        )
    assert response.status_code == 302
    update = PendingUpdate.objects.get(place=place)
    mail.outbox.clear()
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        services.decide_update(world.moderator, update, True, fields=["pitch"])
    [decided] = owner_mails()
    assert_in_language(decided, "some_taken", "en")
    assert "Taken over: Short pitch" in decided.body, decided.body
    assert "Not taken over (it stays as it was): Opening info" in decided.body


def test_the_owner_who_switches_language_on_the_private_page_gets_that_one(
    client, world, submitted_in, django_capture_on_commit_callbacks
):
    place = submitted_in("de")
    token = re.search(r"/orte/mein-ort/(\S+)/", owner_mails()[-1].body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_in("en", "places:owner", token), {"action": "rotate"})
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.owner_language == "en"
    [new_link] = owner_mails()
    assert_in_language(new_link, "new_link", "en")
    # a moderator's "new link" from the German back office: still English
    mail.outbox.clear()
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        services.rotate_link(place, actor=world.moderator)
    assert_in_language(owner_mails()[0], "new_link", "en")
    assert Place.objects.get(pk=place.pk).owner_language == "en"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_fresh_link_is_in_the_language_the_form_was_used_in(
    client, world, submitted_in, django_capture_on_commit_callbacks, language
):
    place = submitted_in(OTHER[language])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_in(language, "places:owner_link_request"), {"email": "erika@example.org"}
        )
    assert response.status_code == 200
    [fresh] = owner_mails()
    assert_in_language(fresh, "fresh_link", language)
    # anyone may send that form: it does not change the stored language
    assert Place.objects.get(pk=place.pk).owner_language == OTHER[language]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_yearly_question_is_in_the_owners_language(
    world, submitted_in, django_capture_on_commit_callbacks, language
):
    place = submitted_in(language)
    services.moderate(world.moderator, place, Status.PUBLISHED)
    Place.objects.filter(pk=place.pk).update(
        verified_on=timezone.localdate() - timezone.timedelta(days=800)
    )
    mail.outbox.clear()
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        assert services.send_confirmation_requests()["asked"] == 1
    [asked] = owner_mails()
    assert_in_language(asked, "confirm_request", language)
