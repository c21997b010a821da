"""English and German as each language writes them: date and number formats (formats/en), the
statistics and the history of a property under /en/ and in German, and municipalities in German
dictionary order (core.collation) in a page's select options and the statistics."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

from standortlotse.properties.models import StatisticsSnapshot
from standortlotse.properties.presenters import format_area
from tests.factories import MunicipalityFactory, PropertyFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)
MOMENT = datetime.datetime(2026, 12, 1, 13, 30, tzinfo=datetime.UTC)  # 14:30 in Berlin


@pytest.mark.parametrize(
    "language, date, short_date, short_datetime",
    [
        ("en", "1 Dec 2026", "1 Dec 2026", "1 Dec 2026, 14:30"),
        ("de", "1. Dezember 2026", "01.12.2026", "01.12.2026 14:30"),
    ],
)
def test_dates_in_the_format_of_each_language(language, date, short_date, short_datetime):
    with translation.override(language):
        assert date_format(DAY) == date
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short_date
        assert date_format(timezone.localtime(MOMENT), "SHORT_DATETIME_FORMAT") == short_datetime


@pytest.mark.parametrize(
    "language, decimal, area",
    [("en", "4.4", "44,000 m² (4.40 ha)"), ("de", "4,4", "44.000 m² (4,40 ha)")],
)
def test_numbers_with_the_separators_of_each_language(language, decimal, area):
    with translation.override(language):
        assert number_format(Decimal("4.4"), decimal_pos=1) == decimal
        assert format_area(44_000) == area


def _rows_of(html, heading):
    """The row headers of the table after a heading, in page order."""
    section = html.split(heading, 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell)  # a municipality's name is a link to its search
        for cell in re.findall(r'<th scope="row">(.+?)</th>', section)
    ]


@pytest.fixture
def municipalities(world):
    names = ["Gardelegen", "Diesdorf", "Zethlingen", "Dähre", "Ückermünde", "Uchtspringe"]
    made = {}
    for n, name in enumerate(names):
        made[name] = (
            world.mun_b
            if name == "Gardelegen"
            else MunicipalityFactory(
                name=name, district=world.district_salzwedel, ags=f"1508199{n}"
            )
        )
        PropertyFactory(title=f"Fläche {n}", municipality=made[name], availability="immediately")
    return made


def test_statistics_in_english_labels_and_municipalities_in_dictionary_order(
    client, municipalities
):
    english = client.get("/en/statistik/").content.decode()
    availability = _rows_of(english, 'id="chart-availability"')
    assert "immediately" in availability and "sofort" not in availability
    order = [m for m in _rows_of(english, "By municipality") if m in municipalities]
    assert order == ["Dähre", "Diesdorf", "Gardelegen", "Uchtspringe", "Ückermünde", "Zethlingen"]
    german = client.get("/statistik/").content.decode()
    assert "sofort" in _rows_of(german, 'id="chart-availability"')
    # The stored snapshot keeps one language; the page relabels it.
    assert StatisticsSnapshot.objects.count() == 1


def test_search_select_lists_municipalities_in_german_dictionary_order(client, municipalities):
    html = client.get("/en/immobilien/").content.decode()
    select = html.split('name="municipality"', 1)[1].split("</select>", 1)[0]
    options = [name for name in re.findall(r">([^<]+)</option>", select) if name in municipalities]
    assert options == ["Dähre", "Diesdorf", "Gardelegen", "Uchtspringe", "Ückermünde", "Zethlingen"]


def test_history_shows_labels_dates_and_numbers_in_the_page_language(client, world):
    prop = world.prop_a
    prop._history_user = world.editor_a
    prop.kind = "hall"
    prop.availability = "from_date"
    prop.available_from = DAY
    prop.area_available_m2 = 12_500
    prop.status = "draft"
    prop.save()
    client.force_login(world.editor_a)
    english = _history_text(client.get(f"/en/datenpflege/{prop.pk}/verlauf/"))
    for shown in [
        "Kind commercial/industrial plot → hall/warehouse",
        "Availability immediately → from date",
        "Available from – → 1 Dec 2026",
        "Available area 15,000 m² → 12,500 m²",
        "Status published → draft",
    ]:
        assert shown in english, shown
    for raw in ["from_date", "2026-12-01", "12500", "area_available_m2"]:
        assert raw not in english
    german = _history_text(client.get(f"/datenpflege/{prop.pk}/verlauf/"))
    for shown in [
        "Art Gewerbe-/Industriefläche → Halle/Lager",
        "Verfügbarkeit sofort → ab Datum",
        "Verfügbar ab – → 01.12.2026",
        "Verfügbare Fläche 15.000 m² → 12.500 m²",
        "Status veröffentlicht → Entwurf",
    ]:
        assert shown in german, shown


def _history_text(response) -> str:
    """The history list as a reader sees it (the entries are sentences)."""
    page = response.content.decode()
    found = re.search(r'<ol class="history">(.*?)</ol>', page, re.S)
    assert found, "no history list"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_demo_places_and_guides_show_their_english_texts_under_en(client, db):
    from django.core.management import call_command

    from standortlotse.guides.models import Guide
    from standortlotse.places.models import Place

    call_command("load_demo", "--count", "1", "--allow-production", stdout=open("/dev/null", "w"))
    assert not Place.objects.filter(is_demo=True, pitch_en="").exists()
    assert not Guide.objects.filter(slug__in=["wohnen-und-bauen"], body_en="").exists()
    place = Place.objects.get(name="Dorfladen Dähre")
    english = client.get(f"/en/orte/{place.pk}/").content.decode()
    assert "Local produce, a post office counter" in english and place.pitch not in english
    assert "This is a <strong>demo record</strong>" in english
    assert place.pitch in client.get(f"/orte/{place.pk}/").content.decode()
    guide = Guide.objects.get(slug="wohnen-und-bauen")
    english = client.get(f"/en/lotse/altmark/{guide.slug}/").content.decode()
    assert "Giving empty buildings a new use" in english and "Leerstand nutzen" not in english
    assert '<meta property="og:title" content="Housing and building">' in english
