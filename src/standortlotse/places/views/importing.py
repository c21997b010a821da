"""Importing a partner's file of places, and the public CSV template of the format.

The import itself runs through the same steps as every import (``exchange``: upload, check in
the background, preview, confirm, import, report), with ``places/importing.py`` as its target;
this page only leads there (places cannot import ``exchange``, which sits above them).
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from standortlotse.accounts.decorators import moderator_required
from standortlotse.places import exchange, importing, partners, selectors


@moderator_required
def import_upload(request):
    """The places import's start page (partner feed, source, format, region, file)."""
    return redirect(reverse("exchange:start_target", kwargs={"target": importing.KEY}))


def csv_template(request):
    response = HttpResponse(exchange.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="orte-vorlage.csv"'
    return response


def gogocarto_feed(request):
    """Our published places as a GoGoCarto JSON source, for partner maps to pull."""
    response = JsonResponse(partners.gogocarto_feed(selectors.published_places()))
    response["Access-Control-Allow-Origin"] = "*"
    return response
