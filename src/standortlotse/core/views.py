"""Site-wide pages: start page, health check, the 500 handler."""

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


def server_error(request):
    """The 500 handler. A database or disk failure outside a view (in a middleware, e.g. while
    the session is saved) gets the same clear 503/507 page as one inside a view."""
    import sys

    from django.views import defaults

    from standortlotse.core.middleware import failure_response

    response = failure_response(request, sys.exc_info()[1])
    return response if response is not None else defaults.server_error(request)
