"""Reach figures: counted on the server without cookies or personal data; dashboards; QR codes."""

import pytest
from django.urls import reverse

from standortlotse.reach.models import PageViewDay
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(world):
    from django.utils import timezone

    from standortlotse.places.models import Status

    return PlaceFactory(
        region=world.region,
        municipality=world.mun_a,
        name="Coworking Stendal",
        pitch="Arbeiten im Bahnhof",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )


def test_public_pages_set_no_cookies_for_anonymous_visitors(client, world, place):
    for url in [
        "/",
        reverse("properties:search"),
        world.prop_a.get_absolute_url(),
        place.get_absolute_url(),
        reverse("guides:entry"),
        reverse("guides:contacts"),
        reverse("properties:statistics"),
        "/en/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response, url
        assert not response.cookies, url


def test_views_are_counted_per_day_page_referrer_and_campaign(client, world):
    url = world.prop_a.get_absolute_url()
    client.get(url, HTTP_REFERER="https://www.stendal.de/wirtschaft", HTTP_USER_AGENT="Mozilla/5.0")
    client.get(url, HTTP_REFERER="https://www.stendal.de/", HTTP_USER_AGENT="Mozilla/5.0")
    client.get(
        url + "?utm_campaign=messe-2026&utm_source=flyer&utm_medium=qr",
        HTTP_USER_AGENT="Mozilla/5.0",
    )
    client.get(url, HTTP_REFERER="http://testserver/immobilien/")  # internal: no referrer stored
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1")  # robots are not counted
    rows = {(r.referrer, r.campaign, r.source): r.views for r in PageViewDay.objects.all()}
    assert rows == {("stendal.de", "", ""): 2, ("", "messe-2026", "flyer"): 1, ("", "", ""): 1}
    assert set(PageViewDay.objects.values_list("kind", "object_id")) == {
        ("property", world.prop_a.pk)
    }
    fields = {f.name for f in PageViewDay._meta.get_fields()}
    assert not fields & {"ip", "user_agent", "session", "user"}


def test_staff_back_office_and_errors_are_not_counted(client, world):
    client.get("/nicht-vorhanden/")
    client.force_login(world.editor_a)
    client.get(world.prop_a.get_absolute_url())
    client.get(reverse("properties:editor_list"))
    assert not PageViewDay.objects.exists()


def test_dashboard_scopes(client, world, place):
    for _ in range(3):
        client.get(world.prop_a.get_absolute_url())
    client.get(world.prop_b.get_absolute_url())
    client.get(place.get_absolute_url() + "?utm_campaign=plakat")
    client.force_login(world.editor_a)
    page = client.get(reverse("reach:dashboard")).content.decode()
    assert world.prop_a.title in page and world.prop_b.title not in page
    assert (
        "Referring websites" not in page and "Verweisende Websites" not in page
    )  # site figures: moderators
    client.force_login(world.moderator)
    page = client.get(reverse("reach:dashboard"), {"tage": 7}).content.decode()
    assert world.prop_b.title in page and "plakat" in page and "Coworking Stendal" in page


def test_qr_code_for_a_campaign(client, world):
    client.force_login(world.editor_a)
    params = {
        "page": world.prop_a.get_absolute_url(),
        "campaign": "messe-2026",
        "medium": "fair",
        "fmt": "svg",
    }
    page = client.get(reverse("reach:qr"), params).content.decode()
    assert "utm_campaign=messe-2026" in page and "data:image/svg+xml" in page
    download = client.get(reverse("reach:qr"), {**params, "download": "1"})
    assert download["Content-Type"] == "image/svg+xml" and b"<svg" in download.content
    png = client.get(reverse("reach:qr"), {**params, "fmt": "png", "download": "1"})
    assert png.content.startswith(b"\x89PNG")
    bad = client.get(reverse("reach:qr"), {**params, "page": "https://evil.example/x"})
    assert bad.status_code == 400


def test_random_campaign_values_add_a_bounded_number_of_rows(client, world):
    """2,000 requests (40 times the cap) with random campaign, source and referrer values: the
    rows they add are capped per page and day; the views still count, under "(other)"."""
    import secrets

    from django.test import RequestFactory
    from django.urls import resolve

    from standortlotse.reach import counting

    url = world.prop_a.get_absolute_url()
    for _ in range(20):  # the real path: middleware after the page
        client.get(url, {"utm_campaign": secrets.token_hex(8)}, HTTP_USER_AGENT="Mozilla/5.0")
    factory = RequestFactory()
    for _ in range(1_980):
        request = factory.get(
            url,
            {"utm_campaign": secrets.token_hex(8), "utm_source": secrets.token_hex(4)},
            HTTP_REFERER=f"https://{secrets.token_hex(6)}.example/",
            HTTP_USER_AGENT="Mozilla/5.0",
        )
        request.resolver_match = resolve(url)
        counting.count(request)
    rows = PageViewDay.objects.filter(path=url)
    assert rows.count() <= counting.MAX_TAGGED_ROWS_PER_PATH_PER_DAY + 2
    assert sum(rows.values_list("views", flat=True)) == 2_000
    assert rows.get(campaign=counting.OTHER, source=counting.OTHER).views > 1_900


def test_the_daily_cap_over_all_pages_holds_too(client, world, settings, monkeypatch):
    from django.test import RequestFactory
    from django.urls import resolve

    from standortlotse.reach import counting

    monkeypatch.setattr(counting, "MAX_TAGGED_ROWS_PER_DAY", 3)
    factory = RequestFactory()
    for prop in (world.prop_a, world.prop_b, world.prop_c):
        for campaign in ("a", "b"):
            request = factory.get(prop.get_absolute_url(), {"utm_campaign": campaign})
            request.resolver_match = resolve(prop.get_absolute_url())
            counting.count(request)
    tagged = PageViewDay.objects.exclude(campaign="")
    assert tagged.exclude(campaign=counting.OTHER).count() == 3
    assert sum(tagged.values_list("views", flat=True)) == 6
    client.force_login(world.moderator)
    page = client.get(reverse("reach:dashboard")).content.decode()
    assert "weitere (mehr neue Werte als das Tageslimit)" in page and "(other)" not in page
    # Control characters and overlong values never reach the table.
    request = factory.get(
        world.prop_a.get_absolute_url(), {"utm_campaign": "\u202emesse\x00" + "x" * 500}
    )
    request.resolver_match = resolve(world.prop_a.get_absolute_url())
    counting.count(request)
    campaigns = list(PageViewDay.objects.values_list("campaign", flat=True))
    assert not [c for c in campaigns if "\x00" in c or "\u202e" in c]
    assert max(len(c) for c in campaigns) <= 100
