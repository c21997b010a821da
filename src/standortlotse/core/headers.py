"""Response headers beside Django's SecurityMiddleware and django-csp.

- Permissions-Policy on every response: no page uses camera, microphone, location, payment or
  device APIs (the map has no "locate me"), so they are switched off, also for frames.
- Pages that carry a CSRF token (every page with a form to post) are `private, no-store`: a
  shared cache (the documented nginx micro-cache) must never hand one visitor's token and
  cookie to the next (docs/deployment.md).
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class HeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # get_token() flags the request whenever a token went into the page, and CsrfViewMiddleware
        # (inside this one) then sets the cookie and clears the flag: either means "has a token".
        if settings.CSRF_COOKIE_NAME in response.cookies or request.META.get(
            "CSRF_COOKIE_NEEDS_UPDATE"
        ):
            add_never_cache_headers(response)
        return response
