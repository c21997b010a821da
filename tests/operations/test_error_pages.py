"""Error pages a visitor may meet in production (DEBUG off): our layout, plain words, a way on."""

from django.test import Client
from django.urls import reverse


def test_not_found_page_is_ours_with_ways_on(client, db):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Seite nicht gefunden" in page and 'href="/"' in page and "Traceback" not in page


def test_forbidden_page_is_ours_with_ways_on(client, world):
    client.force_login(world.editor_a)  # erasure is for state administrators only
    response = client.get(reverse("privacy:erase"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Kein Zugriff" in page and reverse("accounts:login") in page
    assert "<h1>403 Forbidden</h1>" not in page


def test_expired_form_page_explains_what_to_do(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("inquiries:contact"), {"name": "Erika", "email": "erika@example.org"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Das Formular ist abgelaufen" in page and "laden Sie die Seite neu" in page
    assert "CSRF verification failed" not in page
