"""Visibility: social cards, widgets, JSON-LD on every public page type, sitemap, accessibility page."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from standortlotse.guides.models import Status
from tests.factories import ContactFactory, EventFactory, GuideFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(world):
    from standortlotse.places.models import Status as PlaceStatus

    place = PlaceFactory(
        region=world.region,
        municipality=world.mun_a,
        name="Kulturhof",
        pitch="Kunst im Dorf",
        status=PlaceStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    guide = GuideFactory(
        region=world.region, slug="leben", theme="life", title_de="Leben", status=Status.PUBLISHED
    )
    event = EventFactory(
        region=world.region, title_de="Hoffest", starts_at=timezone.now() + timedelta(days=5)
    )
    ContactFactory(
        region=world.region,
        organisation=world.editor_a.memberships.get().organisation,
        person="P",
        topics=["work"],
    )
    return {"place": place, "guide": guide, "event": event}


def json_ld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_json_ld_on_every_public_page_type(client, world, pages):
    urls = {
        "/": "WebSite",
        reverse("properties:search"): "WebSite",
        world.prop_a.get_absolute_url(): "RealEstateListing",
        pages["place"].get_absolute_url(): None,
        pages["guide"].get_absolute_url(): "Article",
        pages["event"].get_absolute_url(): "Event",
        reverse("guides:contacts"): "ItemList",
        reverse("guides:entry"): "WebSite",
        reverse("guides:events"): "WebSite",
        reverse("properties:statistics"): "WebSite",
        reverse("accessibility"): "WebSite",
        reverse("places:search"): "WebSite",
    }
    for url, expected in urls.items():
        html = client.get(url).content.decode()
        blocks = json_ld_blocks(html)
        assert blocks, url
        types = {b.get("@type") for b in blocks}
        assert "WebSite" in types, url
        if expected:
            assert expected in types, (url, types)
        assert re.search(r"<title>[^<]+</title>", html) and 'name="description"' in html, url


def test_social_cards_are_drawn_locally(client, world, pages):
    html = client.get(world.prop_a.get_absolute_url()).content.decode()
    assert f'content="http://testserver/immobilien/{world.prop_a.pk}/og.png"' in html
    for url in (
        reverse("properties:og_image", args=[world.prop_a.pk]),
        reverse("places:og_image", args=[pages["place"].pk]),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "image/png"
        from io import BytesIO

        assert Image.open(BytesIO(response.content)).size == (1200, 630)
    world.prop_c.status = "draft"
    world.prop_c.save()
    assert client.get(reverse("properties:og_image", args=[world.prop_c.pk])).status_code == 404


def test_property_widget_is_standalone_and_frameable(client, world):
    response = client.get(reverse("properties:widget"), {"municipality": world.mun_b.pk})
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "Halle Gardelegen" in html
        and "Gewerbepark Stendal Nord" not in html
    )
    assert (
        "X-Frame-Options" not in response
        and "frame-ancestors *" in response["Content-Security-Policy"]
    )
    assert "<script" not in html and "http" not in re.sub(
        r'href="http://testserver[^"]*"', "", html
    ).replace("http-equiv", "")
    assert not response.cookies
    builder = client.get(
        reverse("properties:embed"), {"municipality": world.mun_b.pk}
    ).content.decode()
    assert "&lt;iframe" in builder and "widget/immobilien/?municipality=" in builder


def test_sitemap_lists_guides_and_events(client, pages):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-guides.xml" in index and "sitemap-events.xml" in index
    guides = client.get("/sitemap-guides.xml").content.decode()
    assert (
        pages["guide"].get_absolute_url() in guides
        and "<lastmod>" in guides
        and 'hreflang="en"' in guides
    )


def test_accessibility_statement_and_feedback(client, world, django_capture_on_commit_callbacks):
    from standortlotse.inquiries.models import Inquiry

    page = client.get(reverse("accessibility")).content.decode()
    assert "BITV" in page and reverse("inquiries:accessibility_feedback") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inquiries:accessibility_feedback"),
            {
                "name": "Eva",
                "email": "eva@example.org",
                "topic": "other",
                "consent": "on",
                "message": "Der Kontrast der Karte ist zu schwach.",
            },
        )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.page_url == reverse("accessibility") and inquiry.topic == "other"
