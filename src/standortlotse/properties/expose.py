"""PDF exposé of a property (and a comparison of several), rendered on the server.

HTML templates → PDF with WeasyPrint. Everything the PDF shows is embedded as data URIs: the
map image is drawn here with Pillow (district outline, the property's outline and point; no map
tiles, no third-party request), photos are read from storage, the QR code (segno) links to the
property page. The URL fetcher refuses anything that is not embedded.
"""

from __future__ import annotations

import base64
import io
import math

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from standortlotse.properties.models import Property
from standortlotse.properties.presenters import compare_table, fact_rows

MAP_SIZE = (900, 560)


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _rings(geometry: dict | None) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def map_png(prop: Property, size=MAP_SIZE) -> bytes:
    """A locator map: the district outline, the property (outline and marker), a scale bar."""
    from PIL import Image, ImageDraw

    width, height = size
    district = prop.municipality.district
    district_rings = _rings(district.outline)
    own_rings = _rings(prop.outline)
    points = [pt for ring in district_rings + own_rings for pt in ring] or [[prop.lon, prop.lat]]
    points.append([prop.lon, prop.lat])
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    pad_lon = max(0.02, (max(lons) - min(lons)) * 0.08)
    pad_lat = max(0.015, (max(lats) - min(lats)) * 0.08)
    west, east = min(lons) - pad_lon, max(lons) + pad_lon
    south, north = min(lats) - pad_lat, max(lats) + pad_lat
    # Equirectangular with the cosine of the mean latitude: true shapes at this scale.
    kx = math.cos(math.radians((south + north) / 2))
    scale = min(width / ((east - west) * kx), height / (north - south))
    offset_x = (width - (east - west) * kx * scale) / 2
    offset_y = (height - (north - south) * scale) / 2

    def xy(lon, lat):
        return (offset_x + (lon - west) * kx * scale, offset_y + (north - lat) * scale)

    image = Image.new("RGB", size, (246, 248, 245))
    draw = ImageDraw.Draw(image)
    for ring in district_rings:
        draw.polygon([xy(*pt[:2]) for pt in ring], fill=(228, 236, 226), outline=(80, 110, 90))
    for ring in own_rings:
        draw.polygon([xy(*pt[:2]) for pt in ring], fill=(31, 95, 139), outline=(15, 50, 80))
    x, y = xy(prop.lon, prop.lat)
    draw.ellipse(
        [x - 11, y - 11, x + 11, y + 11], fill=(200, 40, 30), outline=(255, 255, 255), width=3
    )
    draw.text((x + 15, y - 6), prop.locality or prop.municipality.name, fill=(30, 30, 30))
    # scale bar: 10 km (or 1 km when zoomed in)
    km_per_px = 111.32 / scale
    bar_km = 10 if km_per_px * 200 > 10 else 1
    bar_px = bar_km / km_per_px
    draw.rectangle([20, height - 30, 20 + bar_px, height - 24], fill=(30, 30, 30))
    draw.text((20, height - 22), f"{bar_km} km", fill=(30, 30, 30))
    draw.text((width - 260, height - 22), f"{district.name}", fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return _data_uri(buffer.getvalue(), "image/svg+xml")


def qr_inline_svg(url: str, title: str) -> SafeString:
    """The QR code of ``url`` as an <svg> element for a page (vector, no request, no script)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgclass="qr", title=title
    )
    svg = buffer.getvalue().decode()
    # segno's own markup; the title is escaped
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))


def _photos(prop: Property, limit=3) -> list[dict]:
    result = []
    for photo in prop.photos.all()[:limit]:
        try:
            with photo.image.open("rb") as handle:
                data = handle.read()
        except OSError:
            continue  # a missing file must not stop the exposé
        mime = "image/png" if photo.image.name.lower().endswith(".png") else "image/jpeg"
        result.append({"src": _data_uri(data, mime), "alt": photo.alt_text, "credit": photo.credit})
    return result


def page_url(prop: Property, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + prop.get_absolute_url()


def embedded_only_fetcher():
    """WeasyPrint's fetcher limited to data: URIs: the exposé never loads anything from outside."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def html_pdf(html: str) -> bytes:
    """The PDF of an HTML page that embeds everything it shows (exposés, consent letters)."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded with the first PDF, not with the app

    return HTML(string=html, url_fetcher=embedded_only_fetcher(), base_url=None).write_pdf()


def property_pdf(prop: Property, language: str) -> bytes:
    with translation.override(language):
        url = page_url(prop, language)
        html = render_to_string(
            "properties/expose.html",
            {
                "prop": prop,
                "facts": fact_rows(prop),
                "description": prop.description(language),
                "map": _data_uri(map_png(prop), "image/png"),
                "qr": qr_svg(url),
                "url": url,
                "photos": _photos(prop),
                "created": timezone.localdate(),
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_CODE": language,
            },
        )
    return html_pdf(html)


def comparison_pdf(props: list[Property], language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "properties/expose_compare.html",
            {
                "props": props,
                "rows": compare_table(props),
                "urls": [page_url(p, language) for p in props],
                "created": timezone.localdate(),
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_CODE": language,
            },
        )
    return html_pdf(html)
