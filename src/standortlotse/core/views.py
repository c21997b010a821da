"""Site-wide pages: start page and health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from standortlotse.properties.selectors import published_properties


def home(request):
    latest = published_properties().prefetch_related("photos").order_by("-published_at")[:6]
    return render(request, "core/home.html", {"latest": latest})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
