"""Helpers of the browser tests of the creative places (the fixtures are in conftest.py)."""

import re

OWNER_LINK = re.compile(r"https?://\S+?(/orte/mein-ort/[^/\s]+/)")


def png_bytes(size=(320, 200), colour=(200, 120, 40)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_place(
    world,
    name,
    *,
    municipality=None,
    status="published",
    fields=("work",),
    types=("coworking",),
    offers=(),
    photo_alt="",
    **extra,
):
    """A place straight in the database (the submission itself is tested in the browser)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from standortlotse.places.models import Place, PlacePhoto

    municipality = municipality or world.mun_a
    values = {
        "pitch": f"{name}: Raum für Ideen",
        "owner_name": "Erika Muster",
        "owner_email": "erika@example.org",
        "lat": municipality.lat + 0.004,
        "lon": municipality.lon + 0.004,
    }
    values.update(extra)
    place = Place.objects.create(
        name=name,
        region=world.region,
        municipality=municipality,
        status=status,
        published_at=timezone.now() if status == "published" else None,
        verified_on=timezone.localdate() if status == "published" else None,
        **values,
    )
    place.set_values("field", fields)
    place.set_values("type", types)
    place.set_values("offer", offers)
    if photo_alt:
        photo = PlacePhoto(place=place, alt_text=photo_alt, credit="Foto: Erika Muster")
        photo.image.save("photo.png", ContentFile(png_bytes()), save=False)
        photo.save()
    return place


def owner_token(place) -> str:
    """A fresh private owner link token (as the emails carry it) for `place`."""
    return place.new_owner_token()


def owner_link_path(message) -> str:
    """The path of the private owner link in an email (SITE_URL is not the live server)."""
    match = OWNER_LINK.search(message.body)
    assert match, f"no owner link in the email {message.subject!r}:\n{message.body}"
    return match.group(1)


def mails_to(outbox, address):
    return [m for m in outbox if address in m.to]


def decide(moderator, pk, action, message=""):
    """The moderator's review decision on the place's review page (a logged-in UI)."""
    page = moderator.page
    moderator.visit(f"/datenpflege/orte/{pk}/")
    page.select_option("#id_action", action)
    if message:
        page.fill("#id_message", message)
    moderator.submit(page.locator("form:has(#id_action) [type=submit]"))
    assert moderator.path() == f"/datenpflege/orte/{pk}/"
    assert page.locator(f".editor-status .status-{action}").count() == 1, page.url
