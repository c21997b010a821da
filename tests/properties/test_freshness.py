"""Freshness of the property register: reminders, public flag, moderator list, dashboard."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from standortlotse.properties import freshness
from standortlotse.properties.models import Property
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mails_at_once(monkeypatch, settings):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    settings.PROPERTY_REMINDER_DAYS = 180
    settings.PROPERTY_FLAG_DAYS = 180


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def ages(world):
    world.editor_a.email = "redaktion@stendal.example"
    world.editor_a.save()
    Property.objects.update(verified_on=days_ago(10))
    return {
        "current": PropertyFactory(
            title="Frisch", municipality=world.mun_a, verified_on=days_ago(30)
        ),
        "due": PropertyFactory(title="Fällig", municipality=world.mun_a, verified_on=days_ago(200)),
        "stale": PropertyFactory(
            title="Veraltet", municipality=world.mun_a, verified_on=days_ago(400)
        ),
        "never": PropertyFactory(
            title="Nie geprüft",
            municipality=world.mun_a,
            verified_on=None,
            published_at=timezone.now() - timedelta(days=400),
        ),
        "draft": PropertyFactory(
            title="Entwurf alt", municipality=world.mun_a, verified_on=days_ago(400), status="draft"
        ),
    }


def test_reminders_go_once_per_period_to_the_editors(world, ages):
    call_command("property_reminders")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redaktion@stendal.example"]
    for title in ("Fällig", "Veraltet", "Nie geprüft"):
        assert title in message.body
    assert "Frisch" not in message.body and "Entwurf alt" not in message.body
    assert reverse("properties:freshness") in message.body
    assert freshness.send_reminders() == 0  # not again in the same period
    ages["due"].mark_verified()
    ages["due"].save()
    assert Property.objects.get(pk=ages["due"].pk).reminder_sent_at is None
    # after another period without confirmation the reminder is repeated
    Property.objects.filter(pk=ages["stale"].pk).update(
        reminder_sent_at=timezone.now() - timedelta(days=181)
    )
    mail.outbox.clear()
    assert (
        freshness.send_reminders() == 1
        and "Veraltet" in mail.outbox[0].body
        and "Fällig" not in mail.outbox[0].body
    )


def test_moderators_are_reminded_where_no_editor_has_an_address(world):
    world.moderator.email = "moderation@altmark.example"
    world.moderator.save()
    world.editor_b.email = ""
    world.editor_b.save()
    Property.objects.update(verified_on=days_ago(10))
    PropertyFactory(title="Gardelegen alt", municipality=world.mun_b, verified_on=days_ago(300))
    freshness.send_reminders()
    assert [m.to for m in mail.outbox] == [["moderation@altmark.example"]]


def test_public_pages_flag_unconfirmed_records(client, world, ages):
    page = client.get(reverse("properties:detail", args=[ages["stale"].pk])).content.decode()
    assert "Nicht bestätigt" in page or "Not confirmed" in page
    page = client.get(reverse("properties:detail", args=[ages["due"].pk])).content.decode()
    assert "Nicht bestätigt" not in page and "Not confirmed" not in page
    listing = client.get(reverse("properties:search"), {"q": "Veraltet"}).content.decode()
    assert "nicht bestätigt" in listing or "not confirmed" in listing


def test_dashboard_counts_and_moderator_list(client, world, ages):
    rows = {r.municipality: r for r in freshness.dashboard(world.moderator)}
    stendal = rows["Stendal"]
    # world.prop_a (10 days) + current + due + stale + never; the draft does not count
    assert (stendal.published, stendal.current, stendal.due, stendal.not_confirmed) == (5, 2, 1, 2)
    assert "Haldensleben" not in rows  # outside the moderator's region
    assert set(freshness.flagged(world.moderator).values_list("title", flat=True)) == {
        "Veraltet",
        "Nie geprüft",
    }
    assert not freshness.flagged(world.editor_b).exists()
    client.force_login(world.moderator)
    page = client.get(reverse("properties:freshness")).content.decode()
    assert "Veraltet" in page and "Gardelegen" in page
    response = client.post(
        reverse("properties:editor_action", args=[ages["stale"].pk, "confirm"]),
        {"next": "freshness"},
    )
    assert response.url == reverse("properties:freshness")
    assert Property.objects.get(pk=ages["stale"].pk).verified_on == timezone.localdate()
    client.force_login(world.editor_b)
    page = client.get(reverse("properties:freshness")).content.decode()
    assert "Veraltet" not in page


def test_a_record_never_confirmed_counts_from_its_publication(world, ages):
    """Imported and published today without a date of confirmation: not out of date on day one
    (the public page said "not yet verified" and "may be out of date" side by side), neither due
    for a reminder nor counted as not confirmed; a year later it is both."""
    new = PropertyFactory(
        title="Heute importiert",
        municipality=world.mun_a,
        verified_on=None,
        published_at=timezone.now(),
    )
    assert not new.not_confirmed
    assert new not in freshness.due_for_reminder()
    assert not Property.objects.filter(freshness._unconfirmed_since(days_ago(360)), pk=new.pk)
    new.published_at = timezone.now() - timedelta(days=400)
    new.save()
    assert new.not_confirmed and new in freshness.due_for_reminder()
    assert ages["never"].not_confirmed


def test_reminders_in_each_editors_own_language(world, ages):
    """Whatever language is active when the reminders go out, each editor reads theirs in the
    language they chose (German without a choice)."""
    from django.utils import translation

    from standortlotse.accounts.models import Membership, StaffPreference
    from tests.factories import UserFactory

    english = UserFactory(username="editor_en", email="english@stendal.example")
    Membership.objects.create(
        user=english,
        organisation=world.editor_a.memberships.get().organisation,
        role="municipal_editor",
    )
    StaffPreference.objects.create(user=english, language="en")
    with translation.override("en"):
        assert freshness.send_reminders() == 2
    to = {tuple(m.to): m for m in mail.outbox}
    german, english_mail = to[("redaktion@stendal.example",)], to[("english@stendal.example",)]
    assert german.subject == "Bitte bestätigen Sie, dass 3 Immobilien noch aktuell sind"
    assert german.body.startswith("Guten Tag,") and "/en/" not in german.body
    assert english_mail.subject == "Please confirm 3 properties are still current"
    assert english_mail.body.startswith("Hello,") and "Fällig" in english_mail.body


# --- how current a record is, as the back-office lists say it (freshness.staleness) -----------


def test_staleness_in_words_not_only_colour(ages):
    today = timezone.localdate()
    cases = {
        "current": ("fresh", "aktuell", "vor 1 Monat bestätigt"),
        "due": ("aging", "Bestätigung fällig", "seit 6 Monaten nicht bestätigt"),
        "stale": ("stale", "veraltet", "seit 13 Monaten nicht bestätigt"),
        "never": ("stale", "veraltet", "nie bestätigt, seit 13 Monaten"),
    }
    for name, (level, label, text) in cases.items():
        state = freshness.staleness(ages[name], today)
        assert (state.level, state.label, state.text) == (level, label, text), name
    # the public flag and the list agree
    assert [freshness.staleness(ages[n]).level == "stale" for n in ("due", "stale", "never")] == [
        ages[n].not_confirmed for n in ("due", "stale", "never")
    ]
    fresh = PropertyFactory(verified_on=today)
    assert freshness.staleness(fresh).text == "in diesem Monat bestätigt"


def test_every_back_office_list_shows_how_current(client, world, ages):
    client.force_login(world.editor_a)
    for url in (
        reverse("properties:editor_list"),
        reverse("properties:freshness"),
        reverse("reach:dashboard"),
    ):
        page = client.get(url).content.decode()
        assert 'data-freshness="stale"' in page and "seit 13 Monaten nicht bestätigt" in page, url
