"""accounts.recipients: who reads mail in which language (organisation_addresses_by_language,
by_language, mail_languages) and queue_staff_email, one mail per language."""

import pytest

from standortlotse.accounts.models import Membership, StaffPreference
from standortlotse.accounts.recipients import organisation_addresses_by_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_members_by_their_preference_the_organisation_by_its_own(world):
    org = world.editor_a.memberships.get().organisation
    org.email, org.language = "office@stendal.example", "en"
    org.save()
    world.editor_a.email = "anna@stendal.example"
    world.editor_a.save()
    english = UserFactory(username="bob", email="bob@stendal.example")
    Membership.objects.create(user=english, organisation=org, role="municipal_editor")
    StaffPreference.objects.create(user=english, language="en")
    gone = UserFactory(username="gone", email="gone@stendal.example", is_active=False)
    Membership.objects.create(user=gone, organisation=org, role="municipal_editor")
    assert organisation_addresses_by_language(org) == {
        "de": ["anna@stendal.example"],  # no preference: German, the site's language
        "en": ["bob@stendal.example", "office@stendal.example"],
    }


# --- by_language / mail_languages: any addresses --------------------------------------------


def test_by_language_user_preference_organisation_address_and_unknown(world):
    from standortlotse.accounts.recipients import by_language, mail_languages

    org = world.editor_a.memberships.get().organisation
    org.email, org.language = "office@stendal.example", "en"
    org.save()
    world.moderator.email = "Mod@Altmark.example"
    world.moderator.save()
    StaffPreference.objects.create(user=world.moderator, language="en")
    world.editor_b.email = "b@gardelegen.example"  # a user without a preference
    world.editor_b.save()
    addresses = [
        "mod@altmark.example",  # the moderator's, spelt otherwise
        " office@stendal.example ",  # the organisation's own address
        "stranger@example.org",  # nobody known: the site's language
        "b@gardelegen.example",
    ]
    assert by_language(addresses) == {
        "de": ["b@gardelegen.example", "stranger@example.org"],
        "en": ["mod@altmark.example", "office@stendal.example"],
    }
    assert mail_languages(["stranger@example.org"]) == {"stranger@example.org": "de"}
    assert by_language([]) == {} and by_language(["", "  "]) == {}


def test_by_language_duplicates_and_preference_before_organisation(world, settings):
    from standortlotse.accounts.recipients import by_language

    org = world.editor_a.memberships.get().organisation
    org.email, org.language = "shared@stendal.example", "en"
    org.save()
    world.editor_a.email = "shared@stendal.example"
    world.editor_a.save()
    # The user's own choice beats the organisation's language for the same address.
    StaffPreference.objects.create(user=world.editor_a, language="de")
    assert by_language(
        ["shared@stendal.example", "SHARED@stendal.example", "shared@stendal.example"]
    ) == {"de": ["SHARED@stendal.example"]}
    # An inactive user's choice does not count: the organisation's language applies.
    world.editor_a.is_active = False
    world.editor_a.save()
    assert by_language(["shared@stendal.example"]) == {"en": ["shared@stendal.example"]}
    # Nobody known: settings.LANGUAGE_CODE, not a fixed German.
    settings.LANGUAGE_CODE = "en"
    assert by_language(["nobody@example.org"]) == {"en": ["nobody@example.org"]}


def test_queue_staff_email_one_mail_per_language(world, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import translation

    from standortlotse.accounts.recipients import queue_staff_email

    world.moderator.email = "mod@altmark.example"
    world.moderator.save()
    StaffPreference.objects.create(user=world.moderator, language="en")
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sent = queue_staff_email(
            ["mod@altmark.example", "editor_a@example.org", "nobody@example.org"],
            "cases/email/new_case",
            {"case": _case(world)},
        )
    assert sent == 2
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {("editor_a@example.org", "nobody@example.org"), ("mod@altmark.example",)}
    assert by_to[("mod@altmark.example",)].subject.startswith("New investor case")
    german = by_to[("editor_a@example.org", "nobody@example.org")]
    assert german.subject.startswith("Neues Ansiedlungsprojekt") and "/en/" not in german.body
    assert queue_staff_email([], "cases/email/new_case", {}) == 0


def _case(world):
    from standortlotse.cases.models import Case

    return Case.objects.create(company="Acme", owner=world.editor_a.memberships.get().organisation)
