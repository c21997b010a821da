"""XSS payloads in every text field are rendered inert on every page that shows them."""

from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from standortlotse.guides.models import Contact, Event, Guide, Status
from standortlotse.places.models import Place
from standortlotse.places.models import Status as PlaceStatus

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED_PARTS = ("<script>alert", "<img src=x onerror")


def fill_text_fields(instance, skip=()):
    for field in instance._meta.concrete_fields:
        if field.name in skip or not field.editable or field.choices:
            continue
        if isinstance(field, (models.EmailField, models.URLField, models.SlugField)):
            continue
        if isinstance(field, (models.CharField, models.TextField)):
            value = f"{field.name} {PAYLOAD}"
            setattr(instance, field.name, value[: field.max_length] if field.max_length else value)


def assert_inert(html, where):
    for part in ESCAPED_PARTS:
        assert part not in html, f"unescaped payload on {where}"


@pytest.fixture
def hostile(world):
    prop = world.prop_a
    fill_text_fields(prop, skip={"external_id", "postcode", "contact_phone", "search_text"})
    prop.save()
    place = Place(region=world.region, municipality=world.mun_a, lat=52.6, lon=11.86, owner_name="O",
                  owner_email="o@example.org", status=PlaceStatus.PUBLISHED, published_at=timezone.now())
    fill_text_fields(place, skip={"search_text", "licence", "source", "external_id", "import_hash"})
    place.save()
    contact = Contact(region=world.region, organisation=world.editor_a.memberships.get().organisation, topics=["work"])
    fill_text_fields(contact, skip={"search_text", "phone"})
    contact.save()
    guide = Guide(region=world.region, slug="x", theme="work", status=Status.PUBLISHED, contact=contact)
    fill_text_fields(guide, skip={"search_text", "body_html_de", "body_html_en", "slug"})
    guide.save()
    event = Event(region=world.region, starts_at=timezone.now() + timedelta(days=1), organiser=contact)
    fill_text_fields(event, skip={"search_text"})
    event.save()
    return {"prop": prop, "place": place, "guide": guide, "event": event}


def test_public_pages_render_payloads_inert(client, world, hostile):
    urls = [
        "/", reverse("properties:search"), reverse("properties:search") + "?q=title",
        hostile["prop"].get_absolute_url(), f"/en{hostile['prop'].get_absolute_url()}",
        reverse("properties:compare") + f"?ids={hostile['prop'].pk}", reverse("places:search"),
        hostile["place"].get_absolute_url(), hostile["guide"].get_absolute_url(), reverse("guides:guide_list"),
        reverse("guides:contacts"), reverse("guides:events"), hostile["event"].get_absolute_url(),
        reverse("search") + "?q=title", reverse("search") + "?q=" + PAYLOAD, reverse("properties:widget"),
        reverse("places:widget"), reverse("guides:entry") + f"?wer=returner&thema=work&gemeinde={world.mun_a.pk}",
        reverse("properties:statistics"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    # The API returns the data as it is, as JSON that browsers do not render as a page.
    for url in ("/api/properties", f"/api/properties/{hostile['prop'].pk}", "/api/places"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json") and response["X-Content-Type-Options"] == "nosniff"


def test_back_office_pages_render_payloads_inert(client, world, hostile):
    client.force_login(world.state_admin)
    urls = [
        reverse("properties:editor_list"), reverse("properties:editor_edit", args=[hostile["prop"].pk]),
        reverse("properties:editor_history", args=[hostile["prop"].pk]), reverse("properties:freshness"),
        reverse("guides:editor_list"), reverse("guides:editor_edit", args=["seiten", hostile["guide"].pk]),
        reverse("guides:editor_edit", args=["kontakte", hostile["guide"].contact.pk]),
        reverse("guides:editor_edit", args=["termine", hostile["event"].pk]), reverse("reach:dashboard"),
        reverse("places:queue"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


def test_exports_and_pdfs_carry_payloads_as_text(client, world, hostile):
    csv_text = client.get(reverse("properties:export", args=["csv"])).content.decode()
    assert "\n=" not in csv_text and ";=" not in csv_text
    pdf = client.get(reverse("properties:expose", args=[hostile["prop"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
