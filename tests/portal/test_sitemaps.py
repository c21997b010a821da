"""Findability: sitemap with lastmod and language alternates, robots.txt, hreflang links."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from standortlotse.properties.models import Status

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_published_pages_with_lastmod_and_alternates(client, world):
    world.prop_c.status = Status.DRAFT
    world.prop_c.save()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert any(s.endswith("/sitemap-properties.xml") for s in sections)
    root = ET.fromstring(client.get("/sitemap-properties.xml").content)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    assert f"http://testserver/immobilien/{world.prop_a.pk}/" in urls
    assert f"http://testserver/en/immobilien/{world.prop_a.pk}/" in urls
    assert not any(f"/immobilien/{world.prop_c.pk}/" in u for u in urls)  # drafts stay out
    entry = urls[f"http://testserver/immobilien/{world.prop_a.pk}/"]
    assert entry.find("s:lastmod", NS).text.startswith(
        str(timezone.localdate(world.prop_a.updated_at))
    )
    # (the site's date: between 23:00 and 24:00 UTC it is already the next day in Berlin)
    alternates = {a.get("hreflang") for a in entry.findall("x:link", NS)}
    assert {"de", "en", "x-default"} <= alternates
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "http://testserver/immobilien/" in pages and "http://testserver/en/orte/" in pages


def test_robots_txt(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /datenpflege/" in text and "Disallow: /orte/mein-ort/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_hreflang_links_on_pages(client, world):
    content = client.get(world.prop_a.get_absolute_url()).content.decode()
    assert f'hreflang="de" href="http://testserver/immobilien/{world.prop_a.pk}/"' in content
    assert f'hreflang="en" href="http://testserver/en/immobilien/{world.prop_a.pk}/"' in content
