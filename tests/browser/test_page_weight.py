"""Page weight: the start page, the property search and a detail page stay at or below 150 KB
(HTML, CSS, JS, fonts, images and the map's data, before any map tiles), counted as a browser
on a 1366 x 768 screen transfers them: text compressed with gzip, as WhiteNoise (static files,
level 9) and the web server in front of Django would send it; fonts and pictures as they are."""

import gzip

import pytest

pytestmark = pytest.mark.browser

BUDGET = 150 * 1024
COMPRESSED = (
    "text/",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg",
)


def _with_photos(world, count=6):
    """The world's three properties and `count` more, each with a demo illustration (the start
    page shows the four newest, the search its first page)."""
    from django.utils import timezone

    from standortlotse.properties.demo import demo_photo
    from standortlotse.properties.models import PropertyPhoto
    from tests.factories import PropertyFactory

    props = [world.prop_a, world.prop_b, world.prop_c]
    kinds = ["hall", "office", "plot", "vacant_building", "business_park", "retail"]
    for n in range(count):
        props.append(
            PropertyFactory(
                title=f"Angebot {n}", municipality=world.mun_a, kind=kinds[n % len(kinds)],
                published_at=timezone.now(),
            )
        )  # fmt: skip
    for n, prop in enumerate(props):
        photo = PropertyPhoto(property=prop, alt_text=f"Illustration {n} (Demo)")
        photo.image.save(f"demo-{n}.webp", demo_photo(n, "x", prop.kind), save=False)
        photo.save()
    return props


def _measure(new_ui, path):
    ui = new_ui(viewport={"width": 1366, "height": 768})
    rows = []

    def record(response):
        try:
            body = response.body()
        except Exception:  # a redirect has no body
            return
        kind = response.headers.get("content-type", "")
        size = len(gzip.compress(body, 9)) if kind.startswith(COMPRESSED) else len(body)
        rows.append((size, response.request.resource_type, response.url))

    ui.page.on("response", record)
    ui.visit(path)
    ui.page.wait_for_load_state("networkidle")
    return rows


def _report(rows):
    return "\n".join(
        f"{size / 1024:7.1f} KB {kind:10} {url}" for size, kind, url in sorted(rows)[::-1]
    )


@pytest.mark.parametrize("page", ["home", "search", "detail"])
def test_page_weight_within_budget(live_world, new_ui, page):
    props = _with_photos(live_world)
    path = {"home": "/", "search": "/immobilien/", "detail": f"/immobilien/{props[0].pk}/"}[page]
    rows = _measure(new_ui, path)
    kinds = {kind for _size, kind, _url in rows}
    # what is counted: the page and everything it loads (else the sum proves nothing)
    assert {"document", "stylesheet", "script", "font", "image"} <= kinds, _report(rows)
    assert any("/media/" in url for _s, _k, url in rows), "no photo loaded: " + _report(rows)
    if page != "detail":  # cards and result lists load the photos' small copies only
        media = [url for _s, _k, url in rows if "/media/" in url]
        assert all("/thumbs/" in url for url in media), _report(rows)
    total = sum(size for size, _kind, _url in rows)
    assert total <= BUDGET, f"{path}: {total / 1024:.1f} KB > 150 KB\n" + _report(rows)
