"""The public profile pages in German and English: figures with source and date, demo marks,
transport, travel times, offer, contact, JSON-LD, social card, embed, PDF, comparison."""

import io
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from standortlotse.accounts.models import Organisation
from standortlotse.geo import infrastructure
from tests.factories import OrganisationFactory, RoutingRuleFactory
from tests.properties.test_pdf_template_syntax import assert_clean

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parents[1] / "geo" / "fixtures" / "mini-infrastructure.geojson"


@pytest.fixture
def infra(db):
    infrastructure.load_file(FIXTURE)


def url(name, *args, language="de"):
    with translation.override(language):
        return reverse(name, args=args)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def json_ld_blocks(response) -> list[dict]:
    html = response.content.decode()
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_municipality_page_shows_figures_with_source_and_date(
    client, world, figures, infra, language
):
    response = client.get(url("profiles:municipality", world.mun_a.ags, language=language))
    assert response.status_code == 200
    page = text_of(response)
    if language == "de":
        assert "Standortprofil Stendal" in page
        assert "39.127" in page and "31.12.2023" in page
        assert "Gewerbesteuer-Hebesatz" in page and "400 %" in page.replace("\u00a0", " ")
        assert "Fahrzeit mit dem Auto (Schätzung)" in page
    else:
        assert "Location profile Stendal" in page
        assert "39,127" in page and "31 Dec 2023" in page
        assert "Travel time by car (estimate)" in page
    assert "Statistisches Landesamt Sachsen-Anhalt, Tabelle 12411-0015" in page
    assert 'href="https://statistik.sachsen-anhalt.de/"' in response.content.decode()
    assert "Demo-Wert" not in page  # Stendal's figures are official
    # the trend: both years, oldest first
    assert page.index("2022") < page.index("39.413" if language == "de" else "39,413")
    # the nearest features of the reference data (open junctions, scheduled airports only)
    assert "AS Testdorf" in page and "Stendal Hbf" in page and "BER" in page
    assert "Geplant" not in page and "Sportflugplatz" not in page
    for city in ("Berlin", "Hamburg", "Hannover", "Magdeburg", "Wolfsburg"):
        assert f'data-city="{city}"' in response.content.decode()
    # the published property of Stendal, not Gardelegen's
    assert "Gewerbepark Stendal Nord" in page and "Halle Gardelegen" not in page
    # the transparency figures of the municipality
    assert "transparency-figures" in response.content.decode()


def test_demo_figures_are_marked(client, world, figures):
    response = client.get(url("profiles:municipality", world.mun_b.ags))
    page = text_of(response)
    assert page.count("Demo-Wert") >= 3  # the note, each figure, the trend
    assert "Demo-Wert (keine amtliche Zahl)" in page
    assert "data-demo" in response.content.decode()


def test_demo_figures_are_marked_in_english_under_en(client, world, figures):
    address = url("profiles:municipality", world.mun_b.ags, language="en")
    assert address.startswith("/en/")
    page = text_of(client.get(address))
    assert "Demo value (not an official figure)" in page
    assert "Demo-Wert" not in page and "keine amtliche Zahl" not in page


def test_json_ld_is_an_administrative_area_with_the_figures(client, world, figures):
    response = client.get(url("profiles:municipality", world.mun_a.ags))
    blocks = [b for b in json_ld_blocks(response) if b.get("@type") == "AdministrativeArea"]
    assert len(blocks) == 1
    data = blocks[0]
    assert data["name"] == "Stendal"
    assert data["identifier"]["value"] == world.mun_a.ags
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 52.6, "longitude": 11.86}
    values = {p["propertyID"]: p for p in data["additionalProperty"]}
    assert values["population"]["value"] == 39127
    assert values["population"]["validFrom"] == "2023-12-31"
    assert values["trade_tax_rate_pct"]["measurementTechnique"] == "Regionalstatistik 71231-01-03-5"
    assert data["containedInPlace"]["name"] == "Landkreis Stendal"
    # the head points to the social card
    assert url("profiles:municipality_og", world.mun_a.ags) in response.content.decode()


def test_contact_for_investors_follows_the_routing_rule(client, world):
    # the region's rule for investment inquiries wins over the municipal office (inquiries.routing)
    office = OrganisationFactory(
        name="Investorenservice Altmark",
        kind=Organisation.Kind.ECONOMIC_DEVELOPMENT,
        email="invest@altmark.example",
    )
    RoutingRuleFactory(region=world.region, topic="investment", organisation=office)
    response = client.get(url("profiles:municipality", world.mun_a.ags))
    page = text_of(response)
    assert office.name in page and "invest@altmark.example" in page
    assert f"/kontakt/gemeinde/{world.mun_a.pk}/?thema=investment" in response.content.decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_district_and_region_pages_sum_the_municipalities(client, world, figures, language):
    district = client.get(url("profiles:district", world.district_stendal.key, language=language))
    assert district.status_code == 200
    page = text_of(district)
    assert "Landkreis Stendal" in page and "Stendal" in page
    # one municipality in the test district: its population is the sum
    assert ("39.127" if language == "de" else "39,127") in page
    assert ("Summe über 1 Gemeinde" if language == "de" else "Sum over 1 municipality") in page
    # the district's transparency figures (its one published property)
    figures = district.content.decode().split('class="transparency-figures"', 1)[1]
    figures = figures[: figures.index("</section>")]
    assert "(1 " in figures and ("No figures yet" not in page and "Noch keine" not in figures)
    region = client.get(url("profiles:region", world.region.slug, language=language))
    assert region.status_code == 200
    page = text_of(region)
    # Stendal + Gardelegen (demo): the sum of both, marked as demo since one of them is
    assert ("61.222" if language == "de" else "61,222") in page
    assert ("Demo-Wert" if language == "de" else "Demo value") in page
    assert "Altmarkkreis Salzwedel" in page  # the list of districts
    blocks = [b for b in json_ld_blocks(region) if b.get("@type") == "AdministrativeArea"]
    assert {p["name"] for p in blocks[0]["containsPlace"]} == {
        "Landkreis Stendal",
        "Altmarkkreis Salzwedel",
    }


def test_index_groups_municipalities_by_district(client, world):
    for language in ("de", "en"):
        response = client.get(url("profiles:index", language=language))
        assert response.status_code == 200
        html = response.content.decode()
        for m in (world.mun_a, world.mun_b, world.mun_c):
            assert url("profiles:municipality", m.ags, language=language) in html
        assert (
            html.index("Landkreis Börde")
            < html.index("Haldensleben")
            < html.index("Landkreis Stendal")
        )


def test_unknown_areas_are_404(client, world):
    assert client.get(url("profiles:municipality", "99999999")).status_code == 404
    assert client.get(url("profiles:district", "99999")).status_code == 404
    assert client.get(url("profiles:region", "nirgendwo")).status_code == 404


@pytest.mark.parametrize("language", ["de", "en"])
def test_pdf_has_the_figures_and_sources(client, world, figures, infra, language):
    from pypdf import PdfReader

    response = client.get(url("profiles:municipality_pdf", world.mun_a.ags, language=language))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Stendal" in text
    assert "Statistisches Landesamt Sachsen-Anhalt, Tabelle 12411-0015" in text
    assert "Regionalstatistik 71231-01-03-5" in text
    if language == "de":
        assert "Standortprofil Stendal" in text and "39.127" in text and "Schätzung" in text
    else:
        assert "Location profile Stendal" in text and "39,127" in text and "estimate" in text
    demo = client.get(url("profiles:municipality_pdf", world.mun_b.ags, language=language))
    demo_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(demo.content)).pages)
    assert ("Demo-Wert" if language == "de" else "Demo value (not an official figure)") in demo_text
    assert_clean(text)  # no template syntax reaches the reader (test_pdf_template_syntax)
    assert_clean(demo_text)


def test_social_card_is_a_png(client, world, figures):
    from PIL import Image

    response = client.get(url("profiles:municipality_og", world.mun_a.ags))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert client.get(url("profiles:region_og", world.region.slug)).status_code == 200


def test_embeddable_version_may_be_framed_and_the_page_may_not(client, world, figures):
    embed = client.get(url("profiles:municipality_embed", world.mun_a.ags))
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert "39.127" in text_of(embed) and "<script" not in embed.content.decode()
    page = client.get(url("profiles:municipality", world.mun_a.ags))
    assert "frame-ancestors *" not in page["Content-Security-Policy"]
    assert url("profiles:municipality_embed", world.mun_a.ags) in page.content.decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_compare_up_to_four_municipalities(client, world, figures, language):
    ags = f"{world.mun_a.ags},{world.mun_b.ags}"
    response = client.get(url("profiles:compare", language=language) + f"?ags={ags}")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<tr data-row="population">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    demo = "Demo-Wert" if language == "de" else "Demo value (not an official figure)"
    assert "39" in cells[0] and "22" in cells[1] and demo in cells[1]
    assert 'data-row="travel-Berlin"' in html
    many = ",".join(["15090535", "15081135", "15083270", "15090535"])  # a repeat counts once
    assert "notice" not in client.get(url("profiles:compare") + f"?ags={many}").content.decode()
    from tests.factories import MunicipalityFactory

    extra = [MunicipalityFactory(district=world.district_stendal).ags for _ in range(2)]
    five = ",".join(["15090535", "15081135", "15083270", *extra])
    crowded = client.get(url("profiles:compare") + f"?ags={five}")
    assert 'role="status"' in crowded.content.decode()
    assert len(crowded.context["profiles"]) == 4
    assert client.get(url("profiles:compare") + "?ags=<script>").status_code == 200


def test_sitemap_lists_the_profiles(client, world):
    response = client.get("/sitemap-profiles.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/standort/gemeinde/{world.mun_a.ags}/" in body
    assert f"/en/standort/region/{world.region.slug}/" in body


def test_transparency_ranking_links_to_the_profile(world):
    from standortlotse.transparency import presenters

    assert presenters.municipality_url({"id": world.mun_a.pk, "key": world.mun_a.ags}) == url(
        "profiles:municipality", world.mun_a.ags
    )


def test_an_official_figure_wins_over_a_newer_demo_value(client, world, figures):
    from datetime import date
    from decimal import Decimal

    from standortlotse.profiles.models import DEMO_SOURCE, Figure, Key

    newer_demo = Figure(
        municipality=world.mun_a,
        key=Key.POPULATION,
        value=Decimal(50000),
        as_of=date(2024, 12, 31),
        source=DEMO_SOURCE,
        is_demo=True,
    )
    newer_demo.full_clean()
    newer_demo.save()
    page = text_of(client.get(url("profiles:municipality", world.mun_a.ags)))
    assert "39.127" in page and "50.000" not in page and "Demo-Wert" not in page
