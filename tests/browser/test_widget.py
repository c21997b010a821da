"""The places widget on a partner's website: another origin frames /widget/orte/; the frame
shows the places standalone (own minimal page, no app chrome, no scripts), sets no cookie and
loads nothing from anywhere but our origin. The rest of the site refuses to be framed.

The partner page (https://partner.example/) is answered by the test's route, never fetched.
Here our site runs on localhost, so Chromium's Local Network Access checks would block a public
page from framing it (in production both sites are public); the partner origin is granted
that permission, which needs a secure origin, hence https."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

PARTNER = "https://partner.example"


def _partner_page(iframe_html: str) -> str:
    return (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>"
        "<title>Gemeinde Musterdorf</title></head><body><main><h1>Kreativorte bei uns</h1>"
        f"{iframe_html}</main></body></html>"
    )


def _as_partner(ui, iframe_html: str, path: str = "/"):
    """Serve the partner page; let it reach our (here: local) site, as a public one would."""
    ui.watch.serve(PARTNER + path, _partner_page(iframe_html))
    ui.context.grant_permissions(["local-network-access"], origin=PARTNER)


def _open_partner(ui, iframe_html: str, path: str = "/"):
    _as_partner(ui, iframe_html, path)
    with ui.page.expect_response(lambda r: "/widget/orte/" in r.url) as widget_response:
        response = ui.page.goto(PARTNER + path)
    assert response.ok
    ui.page.wait_for_load_state("load")
    return widget_response.value


def _assert_only_partner_page_and_our_origin(ui, path="/"):
    """Every request went to our live server, except the partner page itself."""
    own = ui.watch.origin
    others = [u for u in ui.watch.requests if not u.startswith(own + "/")]
    # Chromium may ask the partner for its favicon; that stays on the partner (answered 404).
    assert [u for u in others if urlsplit(u).path != "/favicon.ico"] == [PARTNER + path], others
    assert all(u.startswith(PARTNER + "/") for u in others), others
    assert ui.watch.external == []


def _frame(ui):
    """The widget's frame in the partner page, loaded."""
    iframes = ui.page.locator("iframe")
    assert iframes.count() == 1
    frame = iframes.element_handle().content_frame()
    frame.wait_for_load_state("load")
    assert frame.url.startswith(ui.watch.origin + "/widget/orte/"), frame.url
    return frame


def test_widget_renders_standalone_in_a_partner_page(places_world, ui):
    world = places_world
    src = ui.url("/widget/orte/?region=altmark")
    response = _open_partner(
        ui,
        f'<iframe src="{src}" title="Kreativorte in der Altmark" width="600" height="400"></iframe>',
    )
    # Framing is allowed for this page (and only this one, see below).
    assert response.status == 200
    assert "x-frame-options" not in response.headers
    csp = response.headers.get("content-security-policy", "")
    assert re.search(r"frame-ancestors \*(;|$)", csp), csp
    assert "set-cookie" not in response.headers

    frame = _frame(ui)
    # The places of the region, each linking to its page on our site, in a new tab.
    names = frame.locator(".widget-list li > a").all_inner_texts()
    assert sorted(names) == sorted(p.name for p in world.published_places)
    assert world.place_submitted.name not in frame.locator("body").inner_text()
    for place in world.published_places:
        link = frame.locator(f'.widget-list a[href="{ui.url(f"/orte/{place.pk}/")}"]')
        assert link.count() == 1, place.name
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
    # Standalone: its own small page with its own stylesheet, none of the app's chrome or
    # scripts; the styles apply inside the frame.
    assert frame.locator("html").get_attribute("lang") == "de"
    assert frame.locator("header, nav, form, script, .lang-switch").count() == 0
    sheets = frame.locator('link[rel="stylesheet"]').evaluate_all("ls => ls.map(l => l.href)")
    assert len(sheets) == 1 and sheets[0].startswith(ui.url("/static/css/widget")), sheets
    assert frame.evaluate("() => getComputedStyle(document.body).margin") == "0px"
    assert frame.locator(".credit a").get_attribute("href") == ui.url("/orte/")

    # Only the partner page and our own origin were asked for anything; no cookie was set.
    _assert_only_partner_page_and_our_origin(ui)
    assert ui.context.cookies() == []
    ui.watch.check(ui.page)

    # A click opens the place on our site in a new tab.
    with ui.context.expect_page() as new_tab:
        frame.locator(f'.widget-list a[href="{ui.url(f"/orte/{world.place_b.pk}/")}"]').click()
    detail = new_tab.value
    detail.wait_for_load_state("load")
    assert urlsplit(detail.url).path == f"/orte/{world.place_b.pk}/"
    assert detail.locator("h1").inner_text() == world.place_b.name


def test_snippet_from_the_embed_builder_works_on_a_partner_page(places_world, ui):
    """The code the embed builder offers, pasted verbatim into a partner page, shows the
    places chosen in the builder."""
    world = places_world
    page = ui.page
    ui.visit("/orte/einbetten/")
    builder = page.locator("form.filters")
    page.select_option("#id_region", "altmark")
    builder.locator('input[name="field"][value="life"]').check()
    ui.submit(builder.locator("[type=submit]"))
    assert parse_qs(urlsplit(page.url).query) == {"region": ["altmark"], "field": ["life"]}
    snippet = page.input_value("#snippet")
    assert snippet.startswith("<iframe ") and snippet.rstrip().endswith("</iframe>"), snippet
    # The builder's own preview shows the same places.
    preview = page.frame_locator("iframe.widget-preview")
    assert preview.locator(".widget-list li > a").all_inner_texts() == [world.place_b.name]

    partner = ui.context.new_page()
    ui.page = partner  # the partner page is now the page the helpers look at
    _open_partner(ui, snippet, path="/kultur/")
    frame = _frame(ui)
    query = parse_qs(urlsplit(frame.url).query)
    assert query == {"region": ["altmark"], "field": ["life"]}, frame.url
    assert frame.locator(".widget-list li > a").all_inner_texts() == [world.place_b.name]
    iframe = partner.locator("iframe")
    assert iframe.get_attribute("title")  # an accessible name for the frame
    assert iframe.get_attribute("loading") == "lazy"
    others = [u for u in ui.watch.requests if not u.startswith(ui.watch.origin + "/")]
    assert [u for u in others if urlsplit(u).path != "/favicon.ico"] == [PARTNER + "/kultur/"]
    assert ui.watch.external == []
    ui.watch.check(partner)


def test_the_rest_of_the_site_refuses_to_be_framed(places_world, ui):
    """Clickjacking protection stays on everywhere else (X-Frame-Options DENY and CSP
    frame-ancestors 'none', which agree): a partner framing the places list gets an empty frame."""
    src = ui.url("/orte/")
    _as_partner(ui, f'<iframe src="{src}" title="Orte"></iframe>')
    with ui.page.expect_response(lambda r: r.url == src) as framed:
        ui.page.goto(PARTNER + "/")
    ui.page.wait_for_load_state("load")
    headers = framed.value.headers
    assert headers.get("x-frame-options", "").upper() == "DENY"
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", "")
    frame = ui.page.frames[1]
    # Chromium replaces the refused document with its error page.
    assert not frame.url.startswith(ui.watch.origin), frame.url
    assert frame.locator("ul.cards").count() == 0
    # Chromium reports the refusal on the console: expected here, nothing else is.
    refused = [e for e in ui.watch.console_errors if "frame" in e["text"].lower()]
    assert refused, ui.watch.console_errors
    ui.watch.console_errors = [e for e in ui.watch.console_errors if e not in refused]
    ui.watch.check(ui.page)
