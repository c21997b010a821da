"""Site-wide pages that compose the domain apps: start page, robots.txt, accessibility statement."""

from django.http import HttpResponse
from django.shortcuts import render

from standortlotse.guides.models import Audience
from standortlotse.inquiries.forms import InquiryForm
from standortlotse.properties.selectors import published_properties


def home(request):
    latest = published_properties().prefetch_related("photos").order_by("-published_at")[:6]
    return render(request, "portal/home.html", {"latest": latest, "audiences": Audience.choices})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /datenpflege/",
        "Disallow: /en/datenpflege/",
        "Disallow: /konto/",
        "Disallow: /en/konto/",
        "Disallow: /orte/mein-ort/",
        "Disallow: /en/orte/mein-ort/",
        "Disallow: /investieren/ergebnis/",
        "Disallow: /en/investieren/ergebnis/",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def accessibility(request):
    """Erklärung zur Barrierefreiheit (BITV 2.0 / EU 2016/2102) with a feedback form."""
    form = InquiryForm(initial={"topic": "other"})
    return render(request, "portal/accessibility.html", {"form": form})
