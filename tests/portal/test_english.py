"""Under /en/ every page is English: a crawler over the demo data (`load_demo`, as `make run`)
visits every public page type and every back-office page an editor and a state administrator
reach, and flags German words, raw choice codes and German dates or numbers in the visible text
(tests/portal/english_support.py; stored content, e.g. a property's German title, is left out)."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from standortlotse.cases.models import SearchProfile
from standortlotse.guides.models import Event, Guide
from standortlotse.inquiries.models import Inquiry
from standortlotse.places.models import Place
from standortlotse.properties.models import ConsentLink, OwnerConsent, Property
from tests.once import demo_once
from tests.portal.english_support import (
    Checker,
    choice_codes,
    content_strings,
    import_vocabulary,
    visible_text,
)

pytestmark = pytest.mark.django_db

# Links that are files, feeds or actions, not pages to read.
SKIPPED_SUFFIXES = (".pdf", ".csv", ".ics", ".png", ".xml", ".json", ".atom", ".xlsx", ".geojson")
SKIPPED_NAMES = {
    "accounts:logout",
    "cases:unsubscribe",
    "properties:editor_action",
    "properties:editor_photo_delete",
    "properties:editor_document_delete",
    "places:feed_pull",
    "places:review_rotate",
    "exchange:discard",
    "exchange:report",
    "exchange:template",
}
PER_ROUTE = 2  # different records of the same page type
MAX_PAGES = 260


class _Link(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Link()
    parser.feed(html)
    return parser.hrefs


def _route(path: str):
    try:
        with translation.override("en"):  # the /en/ prefix matches only with English active
            match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, seeds: list[str]) -> dict[str, str]:
    """Pages under /en/ reachable from the seeds by links: at most PER_ROUTE per page type and one
    per type with each set of query parameters. Returns the HTML by URL."""
    queue = deque(seeds)
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    query_kinds: set[tuple] = set()
    pages: dict[str, str] = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if (
            url in seen
            or not parts.path.startswith("/en/")
            or parts.path.endswith(SKIPPED_SUFFIXES)
        ):
            continue
        seen.add(url)
        name = _route(parts.path)
        if name is None or name in SKIPPED_NAMES or name.startswith("admin:"):
            continue
        if parts.query:
            kind = (name, tuple(sorted({q.split("=")[0] for q in parts.query.split("&")})))
            if kind in query_kinds:
                continue
            query_kinds.add(kind)
        elif per_route.get(name, 0) >= PER_ROUTE:
            continue
        else:
            per_route[name] = per_route.get(name, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in _links(html):
            href = href.split("#")[0]
            if href.startswith("/en/") and href not in seen:
                queue.append(href)
    return pages


# The demo of `make run`, loaded once for the module (tests/once.py).
_once_module, demo = demo_once("--count", "16")


def _private_pages() -> list[str]:
    """Pages behind a private link or reached after sending a form: a place owner's page, an
    owner's consent answer, an investor's matching results, the thanks page of an inquiry."""
    place = Place.objects.published().first()
    consent = OwnerConsent.objects.first()
    consent_token = ConsentLink.issue(consent=consent, valid_days=7)
    profile = SearchProfile.objects.create(kinds=["hall", "plot"], area_min_m2=1000)
    prop = Property.objects.filter(status="published").first()
    response = Client().post(
        f"/en/kontakt/immobilie/{prop.pk}/",
        {
            "name": "Jane Investor",
            "email": "jane@example.com",
            "topic": "property",
            "message": "Is the site still available, and can it be divided?",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return [
        f"/en/orte/mein-ort/{place.new_owner_token()}/",
        f"/en/zustimmung/{consent_token}/",
        f"/en/investieren/ergebnis/{profile.uid}/",
        response["Location"],
    ]


def _seeds() -> list[str]:
    prop = Property.objects.filter(status="published").first()
    ids = list(Property.objects.filter(status="published").values_list("pk", flat=True)[:2])
    place = Place.objects.published().first()
    guide = Guide.objects.filter(status="published").first()
    event = Event.objects.first()
    return [
        "/en/",
        "/en/immobilien/",
        f"/en/immobilien/{prop.pk}/",
        f"/en/immobilien/vergleich/?ids={ids[0]}&ids={ids[1]}",
        "/en/statistik/",
        "/en/transparenz/",
        "/en/immobilien/einbetten/",
        "/en/widget/immobilien/",
        "/en/orte/",
        f"/en/orte/{place.pk}/",
        "/en/orte/einbetten/",
        "/en/widget/orte/?region=altmark",
        "/en/orte/neuer-link/",
        "/en/region/altmark/",
        "/en/region/altmark/mitmachen/",
        "/en/orte/mitmachen/",
        "/en/lotse/",
        "/en/lotse/themen/",
        guide.get_absolute_url().replace("/lotse/", "/en/lotse/", 1),
        "/en/kontakte/",
        "/en/veranstaltungen/",
        f"/en/veranstaltungen/{event.pk}/",
        "/en/kontakt/",
        "/en/kontakt/barrierefreiheit/",
        "/en/investieren/suchprofil/",
        "/en/suche/?q=Halle",
        "/en/barrierefreiheit/",
        "/en/konto/anmelden/",
        "/en/zustimmung/neuer-link/",
        *_private_pages(),
    ]


BACK_OFFICE_SEEDS = [
    "/en/datenpflege/",
    "/en/datenpflege/neu/",
    "/en/datenpflege/aktualitaet/",
    "/en/datenpflege/eigentuemer/",
    "/en/datenpflege/ansiedlung/",
    "/en/datenpflege/ansiedlung/neu/",
    "/en/datenpflege/import/",
    "/en/datenpflege/import/spalten/",
    "/en/datenpflege/lotse/",
    "/en/datenpflege/anfragen/",
    "/en/datenpflege/orte/",
    "/en/datenpflege/orte/import/",
    "/en/datenpflege/orte/region/altmark/",
    "/en/datenpflege/orte/partner/",
    "/en/datenpflege/orte/partner/neu/",
    "/en/datenpflege/datenschutz/auskunft/",
    "/en/datenpflege/datenschutz/loeschen/",
    "/en/datenpflege/datenschutz/loeschungen/",
    "/en/datenpflege/reichweite/",
    "/en/konto/zwei-faktor/",
]


def _report(pages: dict[str, str]) -> list[str]:
    codes = choice_codes()
    public = Checker(content_strings(), codes)
    # The back office shows a record's German text beside the English one (to edit, to review).
    back_office = Checker(content_strings(english_twins=False), codes)
    # The import's pages list the German words it reads ("sofort", "Miete") as accepted values.
    import_pages = Checker(content_strings(english_twins=False) + import_vocabulary(), codes)
    found = []
    for url, html in pages.items():
        assert '<html lang="en"' in html, url
        path = urlsplit(url).path
        if _route(path).startswith("exchange:"):
            check = import_pages
        elif path.startswith("/en/datenpflege/"):
            check = back_office
        else:
            check = public
        typed = tuple(v for values in parse_qs(urlsplit(url).query).values() for v in values)
        found.extend(f"{url}: {p}" for p in check.problems(visible_text(html), typed))
    return found


def test_the_checker_flags_german_words_codes_dates_and_numbers_and_passes_english(demo):
    checker = Checker(content_strings(), choice_codes())
    german = visible_text(
        "<main><h1>Gewerbeflächen suchen</h1><p>Zurück zur Liste</p>"
        "<td>business_park</td><td>from_date</td><td>GI</td><p>Geprüft am 01.03.2026</p>"
        "<p>Stand: 1. Dezember 2026</p><p>4,4 ha</p><p>12.000 m²</p>"
        "<p>12/01/2026</p><p>Dec. 1, 2026</p></main>"
    )
    problems = " | ".join(checker.problems(german))
    for expected in [
        "German word 'Gewerbeflächen'",
        "German word 'suchen'",
        "German word 'Zurück'",
        "raw code 'business_park'",
        "raw code 'from_date'",
        "raw code 'GI'",
        "American date '12/01/2026'",
        "American date 'Dec. 1, 2026'",
        "German date '01.03.2026'",
        "German date '1. Dezember'",
        "German number '4,4 ha'",
        "German number '12.000 m²'",
    ]:
        assert expected in problems
    prop = Property.objects.filter(status="published").first()
    english = visible_text(
        f"<main><h1>{prop.title}</h1><p>Municipality: {prop.municipality.name}</p>"
        '<p>Verified on 1 Dec 2026, 4.4 ha, 12,000 m²</p><a lang="de" href="/">Deutsch</a>'
        "<script>var x = 'Fläche';</script><code>area_total_m2</code></main>"
    )
    assert checker.problems(english) == []
    # A German guide title is content, but with an English one, /en/ must show that instead.
    guide = Guide.objects.exclude(title_en="").first()
    assert checker.problems([guide.title_de]) != []


def test_every_public_page_under_en_is_english(demo):
    pages = crawl(Client(), _seeds())
    assert len(pages) > 30
    report = _report(pages)
    assert report == [], "\n".join(report)


@pytest.mark.parametrize("username", ["redaktion-stendal", "landesadmin"])
def test_every_back_office_page_an_editor_sees_under_en_is_english(demo, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    place = Place.objects.published().first()
    inquiry = Inquiry.objects.first()
    extra = [f"/en/datenpflege/orte/{place.pk}/"]
    if inquiry is not None:
        extra.append(f"/en/datenpflege/anfragen/{inquiry.pk}/")
    pages = crawl(client, BACK_OFFICE_SEEDS + extra)
    assert any("/datenpflege/" in url and "/verlauf/" in url for url in pages)
    report = _report(pages)
    assert report == [], "\n".join(report)
