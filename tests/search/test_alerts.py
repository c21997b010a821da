"""Search alerts without an account: double opt-in, a mail for a new match, unsubscribe; stale
and forged links get a friendly page."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from standortlotse.properties.models import Kind, Status
from standortlotse.search.models import SearchAlert
from tests.factories import PropertyFactory

pytestmark = pytest.mark.django_db

SEARCH = "q=Halle+ab+5.000+m%C2%B2&page=2"


def link(mail, fragment):
    [url] = [u for u in re.findall(r"https?://\S+", mail.body) if fragment in u]
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def subscribe(client, commit, email="anna@example.org", path=None):
    path = path or reverse("search:alert_subscribe")
    with commit():
        return client.post(path, {"email": email, "query": SEARCH})


def new_hall(world, commit, **extra):
    extra = {"title": "Neue Halle Stendal", **extra}
    with commit():
        return PropertyFactory(
            kind=Kind.HALL, municipality=world.mun_a, area_available_m2=8_000, **extra
        )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Mails and alert tasks go out once the transaction commits: run those callbacks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_whole_alert_journey_by_its_mails(client, world, mailoutbox, commit):
    response = subscribe(client, commit)
    assert response.status_code == 200
    assert "Wir haben einen Link an anna@example.org gesendet" in response.content.decode()
    [confirm_mail] = mailoutbox
    assert confirm_mail.to == ["anna@example.org"]
    alert = SearchAlert.objects.get()
    assert alert.query == "q=Halle+ab+5.000+m%C2%B2" and alert.confirmed_at is None

    # Nothing is sent before the confirmation.
    new_hall(world, commit, title="Vor der Bestätigung")
    assert len(mailoutbox) == 1

    confirm = link(confirm_mail, "/bestaetigen/")
    page = client.get(confirm)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200 and "Ja, Benachrichtigung starten" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    done = client.post(confirm)
    assert "Ihre Benachrichtigung ist aktiv" in done.content.decode()
    alert.refresh_from_db()
    assert alert.active

    # The search link in the mail opens the saved search.
    search = client.get(link(confirm_mail, "/immobilien/"))
    assert search.status_code == 200

    with commit():
        PropertyFactory(title="Kleines Büro", kind=Kind.OFFICE, municipality=world.mun_a)
    assert len(mailoutbox) == 1  # no match: no mail
    hall = new_hall(world, commit)
    assert len(mailoutbox) == 2
    match = mailoutbox[1]
    assert "Neue Halle Stendal" in match.subject and hall.get_absolute_url() in match.body
    with commit():
        hall.save()  # changed again: no repeat
    assert len(mailoutbox) == 2

    unsubscribe = link(match, "/abmelden/")
    assert "Möchten Sie die E-Mails" in client.get(unsubscribe).content.decode()
    stopped = client.post(unsubscribe)
    assert "keine Benachrichtigungen mehr" in stopped.content.decode()
    alert.refresh_from_db()
    assert not alert.active
    new_hall(world, commit, title="Nach der Abmeldung")
    assert len(mailoutbox) == 2


def test_english_mails_and_pages(client, world, mailoutbox, commit):
    subscribe(client, commit, path="/en/suche/benachrichtigung/")
    [mail] = mailoutbox
    assert mail.subject.startswith("Please confirm your search alert")
    confirm = link(mail, "/bestaetigen/")
    assert confirm.startswith("/en/")
    assert "Your alert is active" in client.post(confirm).content.decode()


@pytest.mark.parametrize("kind", ["bestaetigen", "abmelden"])
def test_forged_tokens_get_a_friendly_page(client, world, kind):
    response = client.get(f"/suche/benachrichtigung/{kind}/erfunden123/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Dieser Link ist nicht gültig" in html or "Dieser Link ist ungültig" in html
    assert client.post(f"/suche/benachrichtigung/{kind}/{'x' * 80}/").status_code == 404


def test_a_stale_confirmation_link_is_refused_kindly(client, world, mailoutbox, commit):
    subscribe(client, commit)
    alert = SearchAlert.objects.get()
    SearchAlert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(days=8))
    response = client.post(link(mailoutbox[0], "/bestaetigen/"))
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_a_bad_address_gets_an_error_naming_the_field(client, world, mailoutbox, commit):
    response = subscribe(client, commit, email="keine-adresse")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ihre E-Mail-Adresse" in html and 'class="error-summary"' in html
    assert not mailoutbox and not SearchAlert.objects.exists()


def test_the_offer_is_on_result_pages_and_empty_ones(client, world):
    for query in ("", "?q=Zauberwald+Zauberwald&kind=office&rail_siding=yes"):
        response = client.get(reverse("properties:search") + query)
        html = response.content.decode()
        assert 'method="get" action="/suche/benachrichtigung/"' in html
        assert not response.cookies  # a GET form: no CSRF cookie on the search page


def test_the_offer_leads_to_a_prefilled_form(client, world):
    response = client.get(
        reverse("search:alert_subscribe"),
        {"query": "kind=hall&rail_siding=yes", "email": "anna@example.org"},
    )
    html = response.content.decode()
    assert 'value="anna@example.org"' in html
    assert 'name="query" value="kind=hall&amp;rail_siding=yes"' in html


def test_an_unpublished_property_sends_nothing(client, world, mailoutbox, commit):
    subscribe(client, commit)
    client.post(link(mailoutbox[0], "/bestaetigen/"))
    new_hall(world, commit, status=Status.DRAFT)
    assert len(mailoutbox) == 1
