"""Which cookies anonymous visitors get, page type by page type (docs/security.md, README):
none, except the CSRF cookie on pages with a form to post; HttpOnly, SameSite=Lax, for the
browser session only."""

import pytest
from django.core.management import call_command
from django.test import Client

from standortlotse.guides.models import Guide
from standortlotse.places.models import Place
from standortlotse.properties.models import Property

pytestmark = pytest.mark.django_db

# Pages with a form that is posted (the token protects it): the CSRF cookie, nothing else.
FORM_PAGES = {
    "/kontakt/",
    "/region/altmark/mitmachen/",
    "/investieren/suchprofil/",
    "/barrierefreiheit/",
}


@pytest.fixture
def pages(db):
    call_command("load_demo", "--count", "3", "--allow-production", stdout=open("/dev/null", "w"))
    prop = Property.objects.filter(status="published").first()
    place = Place.objects.published().first()
    guide = (
        Guide.objects.filter(status="published").first()
        if hasattr(Guide, "status")
        else Guide.objects.first()
    )
    ids = list(Property.objects.filter(status="published").values_list("pk", flat=True)[:2])
    return [
        "/",
        "/en/",
        "/immobilien/",
        prop.get_absolute_url(),
        f"/immobilien/vergleich/?ids={ids[0]}&ids={ids[1]}",
        "/orte/",
        place.get_absolute_url(),
        "/region/altmark/",
        "/lotse/",
        "/lotse/themen/",
        guide.get_absolute_url(),
        "/suche/?q=Halle",
        "/kontakte/",
        "/veranstaltungen/",
        "/statistik/",
        "/transparenz/",
        "/widget/orte/?region=altmark",
        "/widget/immobilien/",
        "/orte/einbetten/",
        "/immobilien/einbetten/",
        *sorted(FORM_PAGES),
    ]


def test_every_public_page_type_sets_exactly_the_cookies_the_docs_name(pages):
    found = {}
    for url in pages:
        response = Client().get(url)
        assert response.status_code == 200, url
        found[url] = sorted(response.cookies)
    expected = {url: (["csrftoken"] if url in FORM_PAGES else []) for url in pages}
    assert found == expected


@pytest.mark.parametrize("url", sorted(FORM_PAGES))
def test_the_csrf_cookie_is_httponly_lax_and_ends_with_the_browser_session(db, url):
    call_command("load_geo", stdout=open("/dev/null", "w"))
    response = Client().get(url)
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # no lifetime: a browser-session cookie
    assert "no-store" in response["Cache-Control"]  # never in a shared cache
