"""The visual design: the region's theme stylesheet and logo, the header's compact navigation,
the start page's key figures, the vendored KERN UX files and icons, the demo illustrations."""

import gzip
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template, TemplateSyntaxError
from PIL import Image

from standortlotse.portal.selectors import key_figures
from standortlotse.properties.demo import demo_photo
from standortlotse.properties.models import Kind, Status
from tests.factories import PropertyFactory

STATIC = Path(__file__).resolve().parents[2] / "src" / "standortlotse" / "core" / "static"


# --- the start page's figures ------------------------------------------------------------------


@pytest.mark.django_db
def test_key_figures_count_published_records_only(world):
    world.prop_a.area_available_m2 = 120_000
    world.prop_a.save()
    world.prop_b.area_available_m2 = 34_999  # 15.4999 ha in total: rounds down
    world.prop_b.save()
    world.prop_c.area_available_m2 = None
    world.prop_c.save()
    draft = PropertyFactory(municipality=world.mun_a, status=Status.DRAFT)
    draft.area_available_m2 = 900_000
    draft.save()
    figures = key_figures()
    assert figures.properties == 3
    assert figures.hectares == 15
    assert figures.places == 0


@pytest.mark.django_db
def test_key_figures_round_to_the_nearest_hectare(world):
    for prop, area in ((world.prop_a, 5_000), (world.prop_b, 10_000), (world.prop_c, 500)):
        prop.area_available_m2 = area
        prop.save()
    assert key_figures().hectares == 2  # 1.55 ha


@pytest.mark.django_db
def test_key_figures_of_an_empty_register():
    assert key_figures() == key_figures().__class__(hectares=0, properties=0, places=0)


@pytest.mark.django_db
def test_home_shows_figures_entries_map_and_newest_offers(client, world):
    for prop, area in ((world.prop_a, 254_000), (world.prop_b, None), (world.prop_c, None)):
        prop.area_available_m2 = area
        prop.save()
    body = client.get("/").content.decode()
    figures = re.findall(r'<div class="key-figure"><dt>.*?</dt><dd>([^<]*)</dd>', body)
    assert figures == ["25", "3", "0"]
    assert "Standortportal der Region Altmark" in body
    assert 'data-map="search"' in body and "data-map-config" in body and "data-map-legend" in body
    assert body.count('class="card"') == 3  # the newest offers (up to four)
    assert 'href="/lotse/?wer=returner"' in body  # the guided entry
    assert "{%" not in body and "{{" not in body


@pytest.mark.django_db
def test_home_in_english(client, world):
    body = client.get("/en/").content.decode()
    assert "Location portal of the region Altmark" in body
    assert "hectares available" in body


# --- theme and header --------------------------------------------------------------------------


@pytest.mark.django_db
def test_base_links_the_regions_theme_and_kern(client, world):
    world.region.brand_colour = "#1f4037"
    world.region.save()
    body = client.get("/immobilien/").content.decode()
    assert '<html lang="de" data-kern-theme="light">' in body
    assert "vendor/kern/kern.min.css" in body
    link = re.search(r'href="(/theme/altmark\.css\?v=[0-9a-f]{10})"', body)
    assert link
    response = client.get(link.group(1))
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--kern-color-action-default: #1f4037;" in response.content.decode()
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )


@pytest.mark.django_db
def test_a_changed_colour_is_a_new_theme_url(client, world):
    first = re.search(r"/theme/altmark\.css\?v=\w+", client.get("/").content.decode()).group(0)
    world.region.brand_colour = "#5c2a7a"
    world.region.save()  # the cached region is forgotten
    second = re.search(r"/theme/altmark\.css\?v=\w+", client.get("/").content.decode()).group(0)
    assert first != second
    assert "#5c2a7a" in client.get(second).content.decode()
    # the old URL still answers, with the current colour, but only briefly cached
    old = client.get(first)
    assert "#5c2a7a" in old.content.decode() and "max-age=300" in old["Cache-Control"]


@pytest.mark.django_db
def test_theme_of_an_unknown_region_is_404(client):
    assert client.get("/theme/nowhere.css").status_code == 404


@pytest.mark.django_db
def test_without_regions_the_pages_have_no_theme_link(client):
    body = client.get("/").content.decode()
    assert "/theme/" not in body and "kern.min.css" in body


@pytest.mark.django_db
def test_region_refuses_a_light_brand_colour_naming_the_ratio(world):
    world.region.brand_colour = "#7fb3a0"
    with pytest.raises(ValidationError) as error:
        world.region.full_clean()
    message = error.value.message_dict["brand_colour"][0]
    assert re.search(r"\d,\d\d:1", message) and "4,5:1" in message


@pytest.mark.django_db
def test_region_logo_appears_in_the_header(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (47, 93, 80)).save(buffer, format="PNG")
    from django.core.files.base import ContentFile

    world.region.logo.save("logo.png", ContentFile(buffer.getvalue()), save=False)
    world.region.save()
    body = client.get("/").content.decode()
    logo = re.search(
        r'<img class="brand-logo" src="([^"]+)" alt="" height="40" width="(\d+)">', body
    )
    assert logo and logo.group(2) == "120"
    assert 'class="brand-name">Standortlotse' in body  # the name stays: the logo is decoration


@pytest.mark.django_db
def test_header_menu_button_controls_the_menu(client, world):
    body = client.get("/").content.decode()
    button = re.search(r'<button type="button" class="nav-toggle"[^>]*>', body).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="site-menu"' in button
    assert 'id="site-menu"' in body
    assert 'aria-hidden="true"' in body  # icons are decoration
    # without JavaScript nojs.css opens the menu and hides the button
    assert re.search(r'<noscript><link rel="stylesheet" href="[^"]*nojs\.css"></noscript>', body)
    nojs = (STATIC / "css" / "nojs.css").read_text()
    assert ".nav-toggle { display: none !important; }" in nojs


# --- icons -------------------------------------------------------------------------------------


def test_icon_tag_inlines_a_decorative_svg():
    html = Template('{% icon "map" "big" %}').render(Context())
    assert html.startswith('<svg class="icon icon-map big" aria-hidden="true" focusable="false"')
    assert 'stroke="currentColor"' in html and "<!--" not in html and "lucide-map" not in html


def test_icon_tag_refuses_an_icon_that_is_not_vendored():
    with pytest.raises(TemplateSyntaxError, match="not vendored"):
        Template('{% icon "rocket-ship" %}').render(Context())
    with pytest.raises(TemplateSyntaxError, match="invalid name"):
        Template('{% icon "../LICENSE" %}').render(Context())


def test_every_icon_used_in_templates_is_vendored():
    templates = Path(__file__).resolve().parents[2] / "src" / "standortlotse"
    used = set()
    for path in templates.rglob("*.html"):
        used |= set(re.findall(r'{% icon "([a-z0-9-]+)"', path.read_text()))
    assert used, "no icon used"
    vendored = {p.stem for p in (STATIC / "vendor" / "lucide").glob("*.svg")}
    assert used <= vendored, used - vendored


# --- vendored KERN UX --------------------------------------------------------------------------


def test_vendored_kern_is_small_and_complete():
    css = (STATIC / "vendor" / "kern" / "kern.min.css").read_text()
    assert css.startswith("/*! KERN UX @kern-ux/native 2.7.2 (EUPL-1.2")
    assert len(gzip.compress(css.encode(), 9)) < 20_000
    for needed in (
        ".kern-btn{",
        ".kern-alert{",
        ".kern-card{",
        ".kern-table{",
        "--kern-color-action-default",
    ):
        assert needed in css, needed
    assert "prefers-color-scheme" not in css  # light only: no switch to dark with the system
    assert not re.search(r"^(\.kern-dark|\[data-kern-theme=dark\])", css, re.M)  # one rule a line
    assert re.search(r"^\[data-kern-theme=light\], \.kern-light\{\s*--kern-color-layout", css, re.M)
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)
    assert len(fonts) == 2
    for font in fonts:
        assert (STATIC / "vendor" / "kern" / font).stat().st_size < 16_000
    assert (STATIC / "vendor" / "kern" / "LICENSE.md").read_text().startswith("# EUROP")
    assert "SIL OPEN FONT LICENSE" in (STATIC / "vendor" / "kern" / "fonts" / "OFL.txt").read_text()
    assert "ISC License" in (STATIC / "vendor" / "lucide" / "LICENSE").read_text()


# --- demo illustrations ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*Kind.values, ""])
def test_demo_illustrations_are_small_webp(kind):
    data = demo_photo(7, "Demo", kind).read()
    assert len(data) <= 40_000
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP" and image.size == (640, 400)
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours and len(colours) > 20  # a picture, not a flat placeholder


def test_demo_illustrations_differ_by_kind_and_are_deterministic():
    hall, office = demo_photo(1, "x", Kind.HALL).read(), demo_photo(1, "x", Kind.OFFICE).read()
    assert hall != office
    assert demo_photo(1, "x", Kind.HALL).read() == hall  # the seed decides, not chance
