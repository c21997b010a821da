"""The guided entry on the demo data of `make run`, on a 320 px phone and a 1366 px screen, German
and English: the three questions answered with the keyboard alone (Tab, arrow keys, Space,
typing in the list, Enter), the overview of the selection with a guide for it and the contact of
the municipality's district, nothing wider than the screen, axe finds nothing, "Ask your
question" reached by Tab opens the form about the municipality with the cell's topic. A cell
whose guide is withdrawn falls back to the theme's other guides and says so.

Screenshots of the filled entry and of the overview go to $STANDORTLOTSE_SHOTS/guided-entry/,
else test-artifacts/guided-entry/ in the checkout, for review."""

import os
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
ACTIVE = (
    "() => { const el = document.activeElement; return [el.tagName, el.name || '', "
    "(el.innerText || '').trim(), getComputedStyle(el).outlineStyle]; }"
)
TOWN = "Gardelegen"  # answers housing and life itself, work through the Altmarkkreis Salzwedel
TEXTS = {
    "de": {
        "prefix": "",
        "lead": "Ich ziehe her · Arbeit · Gardelegen",
        "guide": "Herziehen und arbeiten: Stellen, Anerkennung, Pendeln",
        "district": "Gardelegen hat für Arbeit und Fachkräfte keine eigene Ansprechstelle: "
        "Es hilft Ihnen der Altmarkkreis Salzwedel.",
        "ask": "Stellen Sie Ihre Frage",
        "fallback": "Noch gibt es keinen Ratgeber eigens für Ihre Auswahl",
    },
    "en": {
        "prefix": "/en",
        "lead": "I am moving here · Work · Gardelegen",
        "guide": "Moving here and working: jobs, recognition, commuting",
        "district": "Gardelegen has no contact of its own for work and skilled workers: "
        "the Altmarkkreis Salzwedel helps you.",
        "ask": "Ask your question",
        "fallback": "There is no guide written for your choice",
    },
}


@pytest.fixture
def shots():
    folder = Path(os.environ.get("STANDORTLOTSE_SHOTS") or ROOT / "test-artifacts")
    folder = folder / "guided-entry"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(transactional_db, live_server, settings):
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--count", "2", "--allow-production", stdout=StringIO())


def _fits(ui, what):
    scroll_width, inner = ui.page.evaluate(SCROLL_WIDTH)
    assert scroll_width <= inner, f"{what}: {scroll_width} px wide on a {inner} px screen"


def _tab_until(page, wanted, limit=80):
    """Press Tab until the focused element matches; each stop shows a focus outline."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        tag, name, text, outline = page.evaluate(ACTIVE)
        if wanted(tag, name, text):
            assert outline != "none", f"{tag} {name or text}: no visible focus"
            return
    raise AssertionError("not reached with Tab")


def _answer_with_the_keyboard(ui, prefix):
    page = ui.page
    ui.visit(prefix + "/lotse/")
    _tab_until(page, lambda tag, name, text: name == "wer")
    page.keyboard.press("ArrowDown")  # the first choice "coming back" → "moving here"
    assert page.locator('input[name=wer][value="newcomer"]').is_checked()
    page.keyboard.press("Tab")  # into the themes: the first, "work", gets the focus
    page.keyboard.press("Space")
    assert page.locator('input[name=thema][value="work"]').is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "gemeinde"
    page.keyboard.type(TOWN)
    select = page.locator("form.guided-entry select[name=gemeinde]")
    assert select.evaluate("el => el.options[el.selectedIndex].text") == TOWN


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("width", [320, 1366])
def test_entry_by_keyboard_to_the_overview_of_a_selection(demo, new_ui, shots, width, language):
    from standortlotse.geo.models import Municipality

    texts = TEXTS[language]
    ui = new_ui(viewport={"width": width, "height": 900})
    page = ui.page
    _answer_with_the_keyboard(ui, texts["prefix"])
    _fits(ui, "entry")
    page.screenshot(path=shots / f"entry-{language}-{width}.png", full_page=True)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.settle()

    town = Municipality.objects.get(name=TOWN)
    parts = urlsplit(page.url)
    assert parts.path == texts["prefix"] + "/lotse/"
    assert parse_qs(parts.query) == {
        "wer": ["newcomer"],
        "thema": ["work"],
        "gemeinde": [str(town.pk)],
    }
    assert page.locator("main .lead").inner_text() == texts["lead"]
    guides = page.locator('section[aria-labelledby="ov-guides"] .card-list h3 a')
    assert guides.all_inner_texts() == [texts["guide"]]
    assert page.locator("#ov-fallback").count() == 0
    assert page.locator("#ov-responsible").inner_text() == texts["district"]
    office = page.locator('ul[aria-labelledby="ov-responsible"] li.contact-card')
    assert office.count() == 1 and "Altmarkkreis Salzwedel" in office.inner_text()
    _fits(ui, "overview")
    ui.assert_accessible()
    page.screenshot(path=shots / f"overview-{language}-{width}.png", full_page=True)

    _tab_until(page, lambda tag, name, text: tag == "A" and text == texts["ask"], limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    ui.settle()
    assert ui.path() == f"{texts['prefix']}/kontakt/gemeinde/{town.pk}/?thema=work"
    assert page.input_value("#id_topic") == "work"


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_cell_without_its_guide_falls_back_and_says_so(demo, new_ui, shots, language):
    from standortlotse.geo.models import Municipality
    from standortlotse.guides.models import Guide, Status

    Guide.objects.filter(slug="herziehen-und-arbeiten").update(status=Status.DRAFT)
    texts = TEXTS[language]
    town = Municipality.objects.get(name=TOWN)
    ui = new_ui(viewport={"width": 320, "height": 900})
    ui.visit(f"{texts['prefix']}/lotse/?wer=newcomer&thema=work&gemeinde={town.pk}")
    page = ui.page
    assert page.locator("#ov-fallback").inner_text().startswith(texts["fallback"])
    assert page.locator('section[aria-labelledby="ov-guides"] .card-list h3 a').count() >= 1
    assert page.locator('ul[aria-labelledby="ov-responsible"] li.contact-card').count() == 1
    _fits(ui, "fallback")
    ui.assert_accessible()
    page.screenshot(path=shots / f"fallback-{language}-320.png", full_page=True)
