"""Social cards (Open Graph images, 1200×630): title, subtitle, photo and the region's branding,
drawn on our server with Pillow, so sharing a page needs no external service."""

from __future__ import annotations

import io
import textwrap

from django.conf import settings
from django.core.cache import cache

SIZE = (1200, 630)
GREEN = (31, 78, 61)
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        try:
            return ImageFont.truetype(f"{folder}/{name}", size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def card(title: str, subtitle: str, photo=None) -> bytes:
    from PIL import Image, ImageDraw, ImageOps

    width, height = SIZE
    image = Image.new("RGB", SIZE, (246, 248, 245))
    text_right = width - 60
    if photo is not None:
        try:
            with photo.open("rb") as handle:
                picture = Image.open(handle).convert("RGB")
                picture = ImageOps.fit(picture, (500, height - 90))
            image.paste(picture, (width - 500, 0))
            text_right = width - 540
        except (OSError, ValueError):
            pass  # no photo file: a card without it
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height - 90, width, height], fill=GREEN)
    draw.text(
        (60, height - 66), settings.SITE_NAME, fill=(255, 255, 255), font=_font(34, bold=True)
    )
    characters = max(14, int((text_right - 60) / 30))
    lines = textwrap.wrap(title, width=characters)[:4]
    y = 70
    for line in lines:
        draw.text((60, y), line, fill=(20, 20, 20), font=_font(56, bold=True))
        y += 70
    draw.text((60, y + 20), subtitle[:60], fill=(60, 60, 60), font=_font(32))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def card_response(record, title: str, subtitle: str):
    """The PNG response of a record's social card, cached until the record changes."""
    from django.http import HttpResponse

    photo = record.photos.first()
    key = f"{record._meta.label_lower}:{record.pk}:{record.updated_at.timestamp()}"
    response = HttpResponse(
        cached_card(key, title, subtitle, photo.image if photo else None), content_type="image/png"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def cached_card(key: str, title: str, subtitle: str, photo=None) -> bytes:
    cache_key = f"og:{key}"
    png = cache.get(cache_key)
    if png is None:
        png = card(title, subtitle, photo)
        cache.set(cache_key, png, 7 * 24 * 3600)
    return png
