"""Pages of the ground floor: the health checks and the 404 and 500 handlers (the site-wide
pages that compose domain apps live in standortlotse.portal)."""

import sys

from django.http import JsonResponse
from django.views import defaults

from standortlotse.core import health as health_checks
from standortlotse.core.middleware import failure_response


def health(request):
    """For load balancers: 200 when the database answers, 503 otherwise (answered by
    ``core.health.HealthMiddleware`` before the host check; the URL is here for ``reverse``)."""
    return health_checks.live()


def health_ready(request):
    """Readiness: database, cache, worker, disk space, writable folders (``core.health``)."""
    return health_checks.ready()


def page_not_found(request, exception):
    """The 404 handler: JSON under /api/ (a client of the API reads the error as JSON, like
    every other error of the API), the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The 500 handler. A database or disk failure outside a view (in a middleware, e.g. while
    the session is saved) gets the same clear 503/507 page as one inside a view."""
    response = failure_response(request, sys.exc_info()[1])
    return response if response is not None else defaults.server_error(request)
