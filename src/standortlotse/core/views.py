"""Site-wide pages: start page and health check."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from standortlotse.properties.selectors import published_properties


def home(request):
    latest = published_properties().prefetch_related("photos").order_by("-published_at")[:6]
    from standortlotse.guides.models import Audience

    return render(request, "core/home.html", {"latest": latest, "audiences": Audience.choices})


def health(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


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
    from standortlotse.inquiries.forms import InquiryForm

    form = InquiryForm(initial={"topic": "other"})
    return render(request, "core/accessibility.html", {"form": form})
