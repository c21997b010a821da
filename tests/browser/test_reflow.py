"""Reflow (WCAG 2.2 SC 1.4.10) on every page type: at 320, 360, 390 and 414 px, German and
English, no page is wider than the viewport. A failure names the elements that reach furthest
to the right (tag, id, classes, width), so the rule to fix is found without a screenshot.

One browser context: each page is loaded once and laid out at every width in turn (the viewport
resized), the public pages first, then the back office after an editor's login. Long German
compounds, a long URL and a long title are part of the data, since they are what breaks a
phone's layout.
"""

import re

import pytest

from standortlotse.properties.models import Zoning

pytestmark = pytest.mark.browser

WIDTHS = [320, 360, 390, 414]

# "tag#id.class" of an element, for the failure messages.
DESCRIBE = """
const describe = (el) => {
  if (!el) return 'nothing';
  const cls = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '') + cls;
};
"""

# The elements reaching past the right edge of the viewport that no scroll container of theirs
# clips, deepest first (the culprit itself rather than the ancestors it widens).
WIDEST = (
    "() => {"
    + DESCRIBE
    + """
  const width = window.innerWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 0.5) {
        return true;
      }
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || box.right <= width + 0.5 || clipped(el)) continue;
    let depth = 0;
    for (let p = el; p; p = p.parentElement) depth++;
    out.push({
      depth, right: Math.round(box.right),
      what: describe(el.parentElement) + ' > ' + describe(el),
      text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40),
    });
  }
  out.sort((a, b) => b.depth - a.depth || b.right - a.right);
  return out.slice(0, 4);
}
"""
)

SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"

LONG_TITLE = "Gewerbe-/Industriefläche Grundstücksentwicklungsgesellschaftsgelände Nord"
LONG_URL = "https://www.wirtschaftsfoerderung-altmark.example/gewerbeflaechenverzeichnis/stendal-nord-parzelle-7"


def _world(w):
    """The `world` with what a long page has: long words, a long URL, outlines, a place, a guide,
    a case, an import waiting for its columns and one in the preview."""
    from standortlotse.guides.models import Guide, Status
    from tests.browser.places_support import make_place
    from tests.factories import CaseFactory

    prop = w.prop_a
    prop.title = LONG_TITLE
    prop.description_de = f"Voll erschlossene Fläche. Mehr unter {LONG_URL}"
    prop.description_en = f"Fully serviced plot. More at {LONG_URL}"
    prop.zonings = [Zoning.GE, Zoning.GI]
    prop.contact_name = "Erika Musterfrau-Wirtschaftsförderungsbeauftragte"
    prop.contact_email = "wirtschaftsfoerderung.stendal-nord@landkreis-stendal.example"
    prop.contact_phone = "03931 123 456"
    prop.outline = {
        "type": "Polygon",
        "coordinates": [[[11.85, 52.59], [11.87, 52.59], [11.87, 52.61], [11.85, 52.59]]],
    }
    prop.save()
    w.place = make_place(
        w,
        "Coworking Alte Schule Stendal-Uenglingen",
        offers=("desks", "events"),
        website=LONG_URL,
        contact_email="kontakt@alte-schule-stendal-uenglingen.example",
        opening_info="Mo–Fr 9–18 Uhr",
    )
    w.guide = Guide.objects.create(
        region=w.region,
        slug="gewerbeflaechen",
        theme="work",
        audiences=["investor"],
        title_de="Gewerbeflächenentwicklungskonzept und Ansiedlungsunterstützung",
        title_en="Commercial land development and settlement support",
        summary_de="Wie die Altmark Ansiedlungen begleitet.",
        body_de=f"## Förderprogrammübersicht\n\nMehr unter [{LONG_URL}]({LONG_URL}).",
        body_en=f"## Funding programmes\n\nMore at [{LONG_URL}]({LONG_URL}).",
        status=Status.PUBLISHED,
    )
    CaseFactory(company="Batteriezellenproduktionsgesellschaft Altmark GmbH", sector="Batterien")
    w.mapping_job, w.preview_job = _import_jobs(w)
    return w


def _import_jobs(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from standortlotse.exchange import services
    from tests.exchange.support import csv_bytes

    rows = [
        ["Bezeichnung", "Gemeinde", "Fläche (ha)", "Bemerkung zur Erschließungssituation"],
        [LONG_TITLE, "Stendal", "3,5", LONG_URL],
        ["Lagerplatz am Bahnhof", "15090535", "groß", "Gleisanschlussmöglichkeit"],
    ]
    content = csv_bytes(rows)
    mapping = services.start(w.moderator, SimpleUploadedFile("flaechen.csv", content))
    preview = services.start(w.moderator, SimpleUploadedFile("flaechen-2.csv", content))
    services.set_mapping(preview, preview.mapping)
    preview.refresh_from_db()
    return mapping, preview


def _owner_path(place):
    from django.urls import reverse

    return reverse("places:owner", args=[place.new_owner_token()])


def _public(w):
    pk_a, pk_b, pk_c = w.prop_a.pk, w.prop_b.pk, w.prop_c.pk
    return {
        "home": "/",
        "search": "/immobilien/",
        "search, no results": "/immobilien/?q=Xylophonwerkstatt",
        "detail": f"/immobilien/{pk_a}/",
        "compare": f"/immobilien/vergleich/?ids={pk_a}&ids={pk_b}&ids={pk_c}",
        "places": "/orte/",
        "place": f"/orte/{w.place.pk}/",
        "place submission": f"/region/{w.region.slug}/mitmachen/",
        "place owner's edit form": _owner_path(w.place),
        "guides": "/lotse/themen/",
        "guide": w.guide.get_absolute_url(),
        "guided entry": "/lotse/",
        "header search": "/suche/?q=Stendal",
        "inquiry form": "/kontakt/",
        "investor profile": "/investieren/suchprofil/",
        "accessibility statement": "/barrierefreiheit/",
        "statistics": "/statistik/",
        "transparency index": "/transparenz/?sort=area",
        "login": "/konto/anmelden/",
    }


def _back_office(w):
    return {
        "property list": "/datenpflege/",
        "freshness dashboard": "/datenpflege/aktualitaet/",
        "reach dashboard": "/datenpflege/reichweite/",
        "property form (new)": "/datenpflege/neu/",
        "property form": f"/datenpflege/{w.prop_a.pk}/",
        "property history": f"/datenpflege/{w.prop_a.pk}/verlauf/",
        "import start": "/datenpflege/import/",
        "import columns": "/datenpflege/import/spalten/",
        "import mapping": f"/datenpflege/import/{w.mapping_job.pk}/",
        "import preview": f"/datenpflege/import/{w.preview_job.pk}/",
        "moderation queue": "/datenpflege/orte/",
        "places import": "/datenpflege/orte/import/",
        "region settings": f"/datenpflege/orte/region/{w.region.slug}/",
        "partner feed form": "/datenpflege/orte/partner/neu/",
        "place review": f"/datenpflege/orte/{w.place.pk}/",
        "cases": "/datenpflege/ansiedlung/",
        "inquiries": "/datenpflege/anfragen/",
        "guides back office": "/datenpflege/lotse/",
    }


def _overflow(ui):
    scroll_width, inner = ui.page.evaluate(SCROLL_WIDTH)
    if scroll_width <= inner:
        return None
    widest = ui.page.evaluate(WIDEST)
    named = (
        "; ".join(f"{e['what']} (right edge {e['right']} px) {e['text']!r}" for e in widest)
        or "(no element box outside: a pseudo-element or a shadow)"
    )
    return f"{scroll_width} px wide: {named}"


def _check(ui, path, problems):
    """`path` loaded once, then laid out at every width (the viewport resized: the media
    queries and the maps follow it as on a phone turned or a window narrowed)."""
    ui.visit(path)
    assert "{%" not in ui.page.content() and "{{" not in ui.page.locator("body").inner_text()
    _check_widths(ui, path, problems)


def _check_widths(ui, path, problems):
    for width in WIDTHS:
        ui.page.set_viewport_size({"width": width, "height": 720})
        if found := _overflow(ui):
            problems.append(f"{width} px {path}: {found}")


@pytest.fixture
def reflow_world(places_world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return _world(places_world)


def test_no_page_is_wider_than_a_phone(reflow_world, new_ui):
    w = reflow_world
    ui = new_ui(viewport={"width": WIDTHS[0], "height": 720})
    problems = []
    for prefix in ("", "/en"):
        for path in _public(w).values():
            _check(ui, prefix + path, problems)
        missing = prefix + "/gibt-es-nicht/"
        ui.watch.tolerate(re.escape(missing), "the 404 page is what this visit is about", "404")
        response = ui.page.goto(ui.url(missing))
        assert response.status == 404
        ui.settle()
        _check_widths(ui, missing, problems)
    ui.login("moderator")
    for prefix in ("", "/en"):
        for path in _back_office(w).values():
            _check(ui, prefix + path, problems)
    assert not problems, "pages wider than the viewport:\n" + "\n".join(problems)


# --- Focus not obscured (WCAG 2.2 SC 2.4.11) by the sticky action bar -------------------------

# After each Tab: is the focused element's centre free, i.e. the topmost element there is the
# focused one or inside it (not the sticky action bar, nothing else on top of it)?
FOCUS_STATE = (
    "() => {"
    + DESCRIBE
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // A link that wraps onto two lines: the centre of its whole box may lie on the paragraph
  // between the two fragments; its first line is where the focus ring starts.
  const rects = el.getClientRects();
  const box = rects.length ? rects[0] : el.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const bar = document.querySelector('.form-actions');
  return {
    what: describe(el),
    free: !!top && (top === el || el.contains(top)),
    under: top ? describe(top) : 'nothing (outside the viewport)',
    last: !!bar && bar.contains(el),
    inForm: !!el.closest('form'),
  };
}
"""
)

# Is the bar stuck to the bottom of the viewport (the form goes on below it)?
BAR_STUCK = """
() => {
  const bar = document.querySelector('.form-actions');
  if (!bar) return false;
  const box = bar.getBoundingClientRect();
  return getComputedStyle(bar).position === 'sticky' && Math.abs(box.bottom - window.innerHeight) < 2;
}
"""

FORMS = {
    "property edit form": lambda w: f"/datenpflege/{w.prop_a.pk}/",
    "place submission form": lambda w: f"/region/{w.region.slug}/mitmachen/",
    "investor profile form": lambda w: "/investieren/suchprofil/",
    "place owner's edit form": lambda w: _owner_path(w.place_a),
}


# Every form on a phone; the longest one on a desktop screen as well.
CASES = [(form, (360, 640)) for form in FORMS] + [("property edit form", (1280, 720))]


@pytest.mark.parametrize(
    ("form", "viewport"), CASES, ids=[f"{form}, {w}x{h}" for form, (w, h) in CASES]
)
def test_tab_never_hides_the_focused_field_under_the_action_bar(
    places_world, new_ui, form, viewport
):
    width, height = viewport
    ui = new_ui(viewport={"width": width, "height": height})
    if form == "property edit form":
        ui.login("editor_a")
    ui.visit(FORMS[form](places_world))
    page = ui.page
    hidden, in_form, stuck = [], 0, 0
    for _step in range(300):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        in_form += state["inForm"]
        stuck += page.evaluate(BAR_STUCK)
        if not state["free"]:
            hidden.append(f"{state['what']} (under {state['under']})")
        if state["last"]:
            break
    else:
        pytest.fail("the submit button of the action bar never got the focus in 300 Tabs")
    assert in_form >= 5, f"only {in_form} focus stops in the form"
    # The bar was over the form for most of the pass: what it could have hidden was checked.
    assert stuck >= in_form // 2, f"the bar was stuck at {stuck} of {in_form} stops only"
    assert not hidden, f"{len(hidden)} focused elements covered ({in_form} stops):\n" + "\n".join(
        hidden
    )
