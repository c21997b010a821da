"""The statistics' SVG: the map by municipality (well-formed, one shape per municipality with its
figures, links to its search, legend, cached) and the trend lines; English under /en/."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone, translation

from standortlotse.geo.models import MunicipalityOutline
from standortlotse.properties import statistics
from standortlotse.properties import statistics_charts as charts
from standortlotse.properties.models import StatisticsSnapshot
from tests.factories import MunicipalityFactory, PropertyFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _square(lon, lat, d=0.05):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
            + [[lon - d, lat - d]]
        ],
    }


@pytest.fixture
def mapped(world):
    """Stendal and a second Stendal municipality with outlines, Gardelegen without (a circle),
    one municipality of Salzwedel without records."""
    MunicipalityOutline.objects.create(municipality=world.mun_a, geometry=_square(11.86, 52.6))
    world.tangermuende = MunicipalityFactory(
        name="Tangermünde", ags="15090550", district=world.district_stendal, lat=52.54, lon=11.97
    )
    MunicipalityOutline.objects.create(
        municipality=world.tangermuende, geometry=_square(11.97, 52.54)
    )
    world.empty = MunicipalityFactory(
        name="Kuhfelde", ags="15081280", district=world.district_salzwedel, lat=52.8, lon=11.1
    )
    PropertyFactory(municipality=world.tangermuende, area_available_m2=2_000)
    PropertyFactory(municipality=world.mun_a, area_available_m2=400_000, zonings=["GE"])
    return world


def _parse(svg: str):
    return ET.fromstring(svg)


def _shapes(root):
    return [
        el for el in root.iter() if el.tag in (f"{SVG}path", f"{SVG}circle") and el.get("data-ags")
    ]


def test_the_map_is_well_formed_with_one_shape_per_municipality_and_its_figures(mapped):
    snap = statistics.current()
    root = _parse(charts.draw_map(snap))
    assert root.tag == f"{SVG}svg" and root.get("viewBox").startswith("0 0 600 ")
    shapes = {el.get("data-ags"): el for el in _shapes(root)}
    # Every municipality of the districts with records: Börde's Haldensleben too.
    expected = {"15090535", "15090550", "15081135", "15081280", "15083270"}
    assert set(shapes) == expected
    assert shapes["15090535"].tag == f"{SVG}path" and shapes["15081135"].tag == f"{SVG}circle"
    titles = {ags: el.find(f"{SVG}title").text for ags, el in shapes.items()}
    assert titles["15090535"] == "Stendal: 2 veröffentlichte Immobilien, 41,5 ha verfügbar"
    assert titles["15081280"] == "Kuhfelde: keine veröffentlichten Immobilien"
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    assert f"/immobilien/?municipality={mapped.mun_a.pk}" in links
    assert not any(f"={mapped.empty.pk}" in href for href in links)  # nothing to find there
    assert all(a.get("aria-label") for a in links.values())
    # The district outlines on top, not in the way of the pointer; coordinates are plain numbers.
    districts = root.find(f"{SVG}g[@class='stat-map-districts']")
    assert districts.get("pointer-events") == "none"
    for el in _shapes(root):
        assert not re.search(r"\d,\d+,", el.get("d", "")), "no decimal comma in the path"
    # The darkest class for the largest area, none for the municipality without records.
    assert "choro-0" in shapes["15081280"].get("class")
    assert shapes["15090535"].get("class") != shapes["15090550"].get("class")


def test_the_map_is_in_english_under_en_and_cached(mapped, django_assert_num_queries):
    snap = statistics.current()
    with translation.override("en"):
        svg = str(charts.municipality_map(snap))
        with django_assert_num_queries(0):
            assert str(charts.municipality_map(snap)) == svg
    titles = [el.find(f"{SVG}title").text for el in _shapes(_parse(svg))]
    assert "Stendal: 2 published properties, 41.5 ha available" in titles
    assert "Kuhfelde: no published properties" in titles
    assert 'aria-label="Map: available area by municipality"' in svg
    german = str(charts.municipality_map(snap))
    assert "Stendal: 2 veröffentlichte Immobilien" in german


def test_a_change_draws_the_map_anew(mapped, django_capture_on_commit_callbacks):
    snap = statistics.current()
    first = charts.municipality_map(snap)
    with django_capture_on_commit_callbacks(execute=True):
        PropertyFactory(municipality=mapped.empty, area_available_m2=10_000)
    again = statistics.current()
    second = charts.municipality_map(again)
    assert first != second and "Kuhfelde: 1 veröffentlichte Immobilie, 1,0 ha verfügbar" in second


def test_class_breaks_and_legend():
    areas = [0, 1_000, 5_000, 20_000, 80_000, 300_000, 1_500_000]
    breaks = charts.class_breaks(areas)
    assert breaks == sorted(set(breaks)) and 1 <= len(breaks) <= 3
    classes = [charts.class_of(a, breaks) for a in areas]
    assert classes[0] == 0 and classes == sorted(classes) and classes[-1] == len(breaks) + 1
    with translation.override("en"):
        legend = [e["label"] for e in charts.legend(breaks)]
    assert legend[0] == "no available area" and legend[1].startswith("up to ")
    assert legend[-1].startswith("more than ") and legend[-1].endswith(" ha")
    assert charts.class_breaks([0, 0]) == [] and charts.legend([])[1]["palette"] == 3
    assert charts.nice_ceiling(37) == 50 and charts.nice_ceiling(0.13) == 0.2


def _series(days):
    start = datetime.date(2026, 11, 1)
    return [
        {
            "day": start + datetime.timedelta(days=n),
            "count": 10 + n,
            "area_m2": 100_000 + 10_000 * n,
            "reconstructed": n < 3,
        }
        for n in range(days)
    ]


@pytest.mark.parametrize(
    "language, first, last, summary",
    [
        ("de", "01.11.2026", "10.11.2026", "Vom 01.11.2026 bis zum 10.11.2026 änderte sich"),
        ("en", "1 Nov 2026", "10 Nov 2026", "From 1 Nov 2026 to 10 Nov 2026 the available area"),
    ],
)
def test_trend_chart_lines_dates_and_summary_in_the_page_language(language, first, last, summary):
    series = _series(10)
    with translation.override(language):
        chart = charts.trend_chart(series, "area_m2")
        text = charts.trend_summary(series)
        html = charts.render_to_string(
            "properties/_trend_chart.html",
            {"chart": chart, "chart_id": "t", "chart_title": "Fläche"},
        )
    root = _parse(html.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    lines = root.findall(f"{SVG}polyline")
    dashed, solid = lines
    assert "trend-line-reconstructed" in dashed.get("class")
    assert len(dashed.get("points").split()) == 4 and len(solid.get("points").split()) == 7
    assert len(root.findall(f"{SVG}circle")) == 10
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert first in labels and last in labels
    assert text.startswith(summary)
    assert ("19,0 ha" if language == "de" else "19.0 ha") in text


def test_one_day_of_trend_is_a_dot_and_a_sentence():
    series = _series(1)
    series[0]["reconstructed"] = False
    with translation.override("en"):
        chart = charts.trend_chart(series, "count")
        assert charts.trend_summary(series) == (
            "On 1 Nov 2026: 10.0 ha available in 10 published properties."
        )
    assert chart["observed"] and not chart["reconstructed"] and len(chart["dots"]) == 1
    assert charts.trend_chart([], "count") is None


def _english(html):
    """The main part of a page, without the line-break hints after slashes."""
    return html.split("<main", 1)[1].split("</main>", 1)[0].replace("<wbr>", "")


def test_page_in_english_every_figure_labelled(client, mapped):
    StatisticsSnapshot.objects.create(
        day=timezone.localdate() - datetime.timedelta(days=40),
        data={"totals": {"count": 1, "area_m2": 10}},
        count=1,
        area_m2=10,
        reconstructed=True,
    )
    html = _english(client.get("/en/statistik/").content.decode())
    for text in (
        "Trend over the last twelve months",
        "By municipality",
        "Available area by district",
        "Available area by zoning",
        "Available area by availability",
        "Available area by kind of property",
        "no available area",
        "commercial/industrial plot",
        "GE – commercial zone",
        "immediately",
        "Landkreis Stendal",  # names stay as they are
        " ha",
        "(dashed line)",
    ):
        assert text in html, text
    for german in ("Gewerbe", "Verfügbar", "sofort", "Gemeinde", "Immobilien", "Stand:"):
        assert german not in html, german
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", html)  # "2 Dec 2026"
    german = _english(client.get("/statistik/").content.decode())
    assert (
        "Entwicklung in den letzten zwölf Monaten" in german and "keine verfügbare Fläche" in german
    )
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", german)


def test_the_page_embeds_the_map_and_the_table_links_to_each_search(client, mapped):
    html = client.get("/statistik/").content.decode()
    assert html.count('class="stat-map"') == 1
    assert f'href="/immobilien/?municipality={mapped.mun_a.pk}">Stendal</a>' in html
    assert 'style="' not in html.split("<main", 1)[1]  # CSP: no inline style
