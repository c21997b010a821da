"""Counts public page views after the response is ready (see counting.py); never sets cookies."""

import logging

from django.db import DatabaseError

from standortlotse.reach import counting

logger = logging.getLogger(__name__)


class ReachMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if counting.should_count(request, response):
            try:
                counting.count(request)
            except DatabaseError:
                # Counting must never break a page.
                logger.warning("page view not counted", exc_info=True)
        return response
