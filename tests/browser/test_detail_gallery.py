"""The property page's gallery and share box: thumbnails are buttons (aria-pressed, arrow keys),
the large photo opens a larger view that Escape closes; the link can be copied. Without
JavaScript the photos are plain images and the link is in a text field."""

import pytest
from django.core.files.base import ContentFile

from tests.browser.places_support import png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def gallery_world(live_world):
    from standortlotse.properties.models import PropertyPhoto

    for i, colour in enumerate([(200, 120, 40), (40, 120, 200), (40, 160, 60)]):
        photo = PropertyPhoto(
            property=live_world.prop_a, alt_text=f"Ansicht {i + 1}", credit=f"Foto {i + 1}"
        )
        photo.position = i
        photo.image.save(f"p{i}.png", ContentFile(png_bytes((600, 400), colour)), save=False)
        photo.save()
    return live_world


def test_gallery_with_keyboard_and_share(gallery_world, new_ui):
    ui = new_ui(permissions=["clipboard-read", "clipboard-write"])
    page = ui.page
    ui.visit(gallery_world.prop_a.get_absolute_url())
    thumbs = page.locator(".gallery-thumbs button.gallery-thumb")
    assert thumbs.count() == 3
    assert [t.get_attribute("aria-pressed") for t in thumbs.all()] == ["true", "false", "false"]
    main = page.locator("[data-gallery-main]")
    assert main.get_attribute("alt") == "Ansicht 1"
    thumbs.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert main.get_attribute("alt") == "Ansicht 2"
    assert thumbs.nth(1).get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => document.activeElement.getAttribute('aria-pressed')") == "true"
    assert page.locator("[data-gallery-caption]").inner_text() == "Foto: Foto 2"
    page.keyboard.press("End")
    assert main.get_attribute("alt") == "Ansicht 3"
    thumbs.nth(0).click()
    assert main.get_attribute("alt") == "Ansicht 1"
    # The larger view.
    page.locator(".gallery-enlarge").click()
    dialog = page.locator("dialog.gallery-dialog")
    assert dialog.evaluate("d => d.open")
    assert dialog.locator("img").get_attribute("alt") == "Ansicht 1"
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    # Share: copy the canonical link.
    page.locator("[data-share-copy]").click()
    page.locator("[data-share-status]", has_text="Der Link wurde kopiert.").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.input_value("#share-url")
    assert copied.endswith(gallery_world.prop_a.get_absolute_url())
    assert page.locator(".qr-code svg[role=img]").count() == 1
    ui.assert_accessible()


def test_gallery_without_javascript_shows_plain_images(gallery_world, new_ui):
    ui = new_ui(java_script_enabled=False)
    page = ui.page
    ui.visit(gallery_world.prop_a.get_absolute_url())
    assert page.locator(".gallery-thumb").count() == 0
    visible = [
        img.get_attribute("alt") for img in page.locator(".gallery img").all() if img.is_visible()
    ]
    assert visible == ["Ansicht 1", "Ansicht 2", "Ansicht 3"]
    assert page.locator("[data-share-copy]").is_hidden()
    assert page.locator("[data-compare-toggle]").first.is_hidden()
    assert page.input_value("#share-url").endswith(gallery_world.prop_a.get_absolute_url())
