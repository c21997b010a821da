"""The client address of a request: the one place that decides it (rate limits, login lockout).

Behind ``TRUSTED_PROXY_HOPS`` reverse proxies that each append the address they saw to
``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), the client is the entry that the
outermost trusted proxy appended: the N-th from the right. Everything left of it was written by
the client and is never believed. With 0 hops (the default) only ``REMOTE_ADDR`` counts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address of the client as the trusted proxies saw it ("" if there is none)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if not entries:
        return remote  # reached us without passing a proxy that sets the header
    # Fewer entries than hops: the leftmost one was still appended by a trusted proxy.
    candidate = entries[-hops] if len(entries) >= hops else entries[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address (a proxy misconfigured, or a forged entry): the proxy's own address.
        return remote
