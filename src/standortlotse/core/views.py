"""Pages of the ground floor: the health check and the 500 handler (the site-wide pages that compose
domain apps live in standortlotse.portal)."""

import sys

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views import defaults

from standortlotse.core.middleware import failure_response


def health(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The 500 handler. A database or disk failure outside a view (in a middleware, e.g. while
    the session is saved) gets the same clear 503/507 page as one inside a view."""
    response = failure_response(request, sys.exc_info()[1])
    return response if response is not None else defaults.server_error(request)
