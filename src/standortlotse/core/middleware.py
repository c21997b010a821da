"""Clear error pages instead of a server error when the database or the disk fails.

The database down or restarting (OperationalError, InterfaceError): 503 with Retry-After and a
page that says nothing was saved. Disk full while storing an upload (ENOSPC, EDQUOT): 507 with the
same promise. Writes that belong together run in transactions (services), so nothing is half
saved. The pages are rendered without the database (no session, no user, no context processors).
"""

import errno
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def _page(request, template: str, status: int) -> HttpResponse:
    from django.utils.translation import get_language

    html = render_to_string(
        template, {"LANGUAGE_CODE": get_language() or "de", "path": request.path}
    )
    response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


class FailureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A NUL character in a query parameter is never meaningful, and PostgreSQL cannot compare
        # text with it: refuse it here for every page and API operation.
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = "Query parameters must not contain NUL characters."
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_exception(self, request, exception):
        return failure_response(request, exception)


def failure_response(request, exception) -> HttpResponse | None:
    """The 503/507 page for a database or disk failure, None for any other exception. Used for
    exceptions of views (FailureMiddleware) and, through the 500 handler (core.views.server_error),
    of other middleware, e.g. a session that cannot be saved."""
    if isinstance(exception, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", type(exception).__name__)
        return _page(request, "errors/503.html", 503)
    if isinstance(exception, OSError) and exception.errno in DISK_FULL:
        logger.error("storage full while handling an upload")
        return _page(request, "errors/507.html", 507)
    return None
