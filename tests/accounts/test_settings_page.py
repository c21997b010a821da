"""Request tests of the "my settings" page (accounts.views.my_settings): the language of a
staff member's own mails, saved as their StaffPreference."""

import pytest
from django.test import Client
from django.urls import reverse

from standortlotse.accounts.models import StaffPreference

pytestmark = pytest.mark.django_db


def test_login_required(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("accounts:settings"), {"language": "en"}).status_code == 302
    assert not StaffPreference.objects.exists()


def test_page_is_linked_from_the_staff_navigation_and_shows_the_choice(client, world):
    client.force_login(world.editor_a)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:settings")}"' in home and "Meine Einstellungen" in home
    page = client.get(reverse("accounts:settings"))
    content = page.content.decode()
    assert page.status_code == 200
    assert "<legend>Sprache meiner E-Mails" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'value="de"' in content and 'value="en"' in content and "checked" in content


def test_saving_creates_then_changes_the_own_preference_only(client, world):
    other = StaffPreference.objects.create(user=world.editor_b, language="en")
    client.force_login(world.editor_a)
    response = client.post(reverse("accounts:settings"), {"language": "en"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:settings")
    assert "Ihre Einstellungen sind gespeichert." in response.content.decode()
    assert StaffPreference.objects.get(user=world.editor_a).language == "en"
    client.post(reverse("accounts:settings"), {"language": "de"})
    assert StaffPreference.objects.get(user=world.editor_a).language == "de"
    assert StaffPreference.objects.filter(user=world.editor_a).count() == 1
    other.refresh_from_db()
    assert other.language == "en"  # another user's preference is not touched
    # A posted "user" field is ignored: the page only ever saves the logged-in user's own.
    client.post(reverse("accounts:settings"), {"language": "de", "user": world.editor_b.pk})
    other.refresh_from_db()
    assert other.language == "en"


def test_invalid_value_is_an_error_naming_the_field(client, world):
    StaffPreference.objects.create(user=world.editor_a, language="en")
    client.force_login(world.editor_a)
    response = client.post(reverse("accounts:settings"), {"language": "fr"})
    content = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_language_0">Sprache meiner E-Mails:' in content
    assert 'id="id_language_error"' in content
    assert StaffPreference.objects.get(user=world.editor_a).language == "en"


def test_csrf_is_checked(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor_a)
    assert client.post(reverse("accounts:settings"), {"language": "en"}).status_code == 403
    assert not StaffPreference.objects.filter(user=world.editor_a).exists()
