"""One search: stemming, umlaut folding, place-name typos, grouping, highlighting, safety."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from standortlotse.guides.models import Contact, Event, Guide, Status
from standortlotse.search import services
from tests.factories import MunicipalityFactory, PropertyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(world):
    tangermuende = MunicipalityFactory(
        name="Tangermünde", ags="15090520", district=world.district_stendal, lat=52.54, lon=11.97
    )
    PropertyFactory(
        title="Gewerbefläche am Elbhafen",
        municipality=tangermuende,
        description_de="Direkt an der Elbe.",
    )
    Guide.objects.create(
        region=world.region,
        slug="wohnen",
        theme="housing",
        title_de="Wohnen in Tangermünde",
        summary_de="Bauplätze und Häuser",
        body_de="Viele **Bauplätze**.",
        status=Status.PUBLISHED,
    )
    Event.objects.create(
        region=world.region,
        title_de="Hafenfest Tangermünde",
        starts_at=timezone.now() + timedelta(days=2),
        location="Tangermünde",
    )
    Contact.objects.create(
        region=world.region,
        organisation=world.editor_a.memberships.get().organisation,
        person="Erika Elbe",
        role_de="Ansiedlung Gewerbeflächen",
        topics=["investment"],
    )
    return tangermuende


def groups(query):
    result = services.search(query)
    return {g.key: [h.title for h in g.hits] for g in result.groups if g.hits}, result


def plain(html):
    return str(html).replace("<mark>", "").replace("</mark>", "")


def test_stemming_finds_singular_from_plural(content):
    found, _r = groups("Gewerbeflächen")
    assert "Gewerbefläche am Elbhafen" in [plain(t) for t in found["properties"]]
    assert found["contacts"]  # "Ansiedlung Gewerbeflächen"


def test_umlaut_folding(content):
    found, _r = groups("Tangermuende")
    assert set(found) >= {"properties", "guides", "events"}
    assert found["events"] and plain(found["events"][0]) == "Hafenfest Tangermünde"


def test_typo_in_a_place_name_is_corrected(content):
    found, result = groups("Tangermunde")
    assert result.corrected_from == "Tangermunde" and result.query == "Tangermünde"
    assert "guides" in found
    _found, result = groups("Gardelgen")
    assert result.query == "Gardelegen"


def test_highlighting_is_escaped(content, world):
    PropertyFactory(title="<b>Halle</b> & Lager", municipality=world.mun_a)
    found, _r = groups("Halle")
    titles = [str(t) for t in found["properties"]]
    assert "&lt;b&gt;<mark>Halle</mark>&lt;/b&gt; &amp; Lager" in titles


def test_groups_are_limited_and_link_to_more(content, world):
    for i in range(7):
        PropertyFactory(title=f"Lagerhalle {i}", municipality=world.mun_a)
    result = services.search("Lagerhalle")
    properties = next(g for g in result.groups if g.key == "properties")
    assert len(properties.hits) == services.PER_GROUP and properties.has_more
    assert properties.more_url.startswith(reverse("properties:search"))


def test_search_page_and_hostile_input(client, content):
    page = client.get(reverse("search"), {"q": "Tangermünde"}).content.decode()
    assert "<mark>Tangermünde</mark>" in page and "Wohnen in" in page
    assert client.get(reverse("search"), {"q": '"><script>alert(1)</script>'}).status_code == 200
    assert (
        "<script>alert(1)"
        not in client.get(reverse("search"), {"q": "<script>alert(1)</script>"}).content.decode()
    )
    empty = client.get(reverse("search"), {"q": "Xylophonwerkstatt"}).content.decode()
    assert "Nichts gefunden" in empty or "Nothing found" in empty
    assert client.get(reverse("search")).status_code == 200
