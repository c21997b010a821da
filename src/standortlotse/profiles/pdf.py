"""The "Standortprofil" PDF (German or English): the figures with their sources, the nearest
infrastructure, travel-time estimates and what is on offer, rendered with the exposé's
WeasyPrint setup (properties.expose: everything embedded, nothing fetched)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from standortlotse.properties import expose


def profile_pdf(profile: dict, language: str, url: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "profiles/pdf.html",
            {
                **profile,
                "url": url,
                "qr": expose.qr_svg(url),
                "created": timezone.localdate(),
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_CODE": language,
            },
        )
    return expose.html_pdf(html)
