"""The public ranking page in German and English: both tables, server-side sorting, the
explanation, "too few inquiries", no cookie; the figures include for a profile page."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from standortlotse.transparency import presenters
from tests.transparency.test_index import crafted  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

URL = "/transparenz/"


def _names(html: str, table_id: str) -> list[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="row">(.*?)(?:<br>|</th>)', body, re.S)
    ]


def test_page_in_german_without_cookie(client, crafted):  # noqa: F811
    response = client.get(URL)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    html = response.content.decode()
    assert "<h1>Transparenzindex</h1>" in html
    assert "<caption" in html and 'scope="col"' in html
    assert _names(html, "transparency-municipalities") == ["Adorf", "Bedorf", "Cedorf", "Draußen"]
    assert "Testregion" in html
    assert "zu wenige Anfragen" in html  # Bedorf: two answered inquiries
    assert "66,7\u00a0%" in html and "3,5 ha" in html
    assert 'id="explanation"' in html and "So verbessern Sie" in html
    assert reverse("transparency:ranking") in client.get("/").content.decode()  # footer link


def test_page_in_english(client, crafted):  # noqa: F811
    response = client.get("/en" + URL)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "<h1>Transparency index</h1>" in html
    assert "too few inquiries" in html and "66.7\u00a0%" in html and "3.5 ha" in html
    assert "How to improve:" in html
    assert 'href="/en/transparenz/?sort=confirmed"' in html


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["Adorf", "Bedorf", "Cedorf", "Draußen"]),
        ("-name", ["Draußen", "Cedorf", "Bedorf", "Adorf"]),
        # best first; no records (Cedorf) last in both directions
        ("confirmed", ["Draußen", "Adorf", "Bedorf", "Cedorf"]),
        ("-confirmed", ["Bedorf", "Adorf", "Draußen", "Cedorf"]),
        ("age", ["Draußen", "Adorf", "Bedorf", "Cedorf"]),
        ("complete", ["Adorf", "Bedorf", "Draußen", "Cedorf"]),
        # Adorf 2 h, Draußen 2.5 h; Bedorf (too few) and Cedorf (none) after, by name
        ("answer", ["Adorf", "Draußen", "Bedorf", "Cedorf"]),
        ("-answer", ["Draußen", "Adorf", "Bedorf", "Cedorf"]),
        ("area", ["Draußen", "Adorf", "Bedorf", "Cedorf"]),
        ("nonsense", ["Adorf", "Bedorf", "Cedorf", "Draußen"]),
    ],
)
def test_sorting_by_query_parameter(client, crafted, sort, expected):  # noqa: F811
    html = client.get(URL, {"sort": sort} if sort else {}).content.decode()
    assert _names(html, "transparency-municipalities") == expected


def test_the_current_column_says_its_order_and_links_to_the_reverse(client, crafted):  # noqa: F811
    html = client.get(URL, {"sort": "area"}).content.decode()
    assert '<th scope="col" aria-sort="descending">' in html
    assert 'href="/transparenz/?sort=-area"' in html
    html = client.get(URL, {"sort": "-area"}).content.decode()
    assert '<th scope="col" aria-sort="ascending">' in html


def test_municipality_names_link_to_their_page_when_an_app_has_one(
    client,
    crafted,  # noqa: F811
    monkeypatch,
):
    html = client.get(URL).content.decode()
    assert 'href="/gemeinde/' not in html
    # the rule registered by the profiles app is put back after the test (monkeypatch)
    monkeypatch.setattr(presenters, "_municipality_url", None)
    presenters.set_municipality_url(lambda pk, ags: f"/gemeinde/{ags}/")
    html = client.get(URL).content.decode()
    assert f'<a href="/gemeinde/{crafted.m1.ags}/">Adorf</a>' in html
    assert f'href="/immobilien/?municipality={crafted.m1.pk}"' in html  # its properties


def test_figures_include_for_a_profile(crafted):  # noqa: F811
    template = Template("{% load transparency %}{% transparency_figures place %}")
    html = template.render(Context({"place": crafted.m1}))
    assert "Transparenzindex" in html and "66,7\u00a0%" in html and "2 Std." in html
    html = template.render(Context({"place": crafted.m2}))
    assert "zu wenige Anfragen" in html
    html = template.render(Context({"place": crafted.region}))
    assert "60\u00a0%" in html and "5,5 ha" in html
    html = Template("{% load transparency %}{% transparency_figures place 3 %}").render(
        Context({"place": crafted.m3})
    )
    assert "<h3" in html and "keine veröffentlichten Immobilien" in html
