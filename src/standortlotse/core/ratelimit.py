"""A small fixed-window rate limit for public forms, kept in Django's cache.

The client is identified by a salted hash of its address (``core.clientaddress``, which decides
how far ``X-Forwarded-For`` is trusted), so no address is stored.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from standortlotse.core.clientaddress import client_address


def client_key(request) -> str:
    return hashlib.sha256((settings.SECRET_KEY + client_address(request)).encode()).hexdigest()[:32]


def _key(request, scope: str) -> str:
    return f"ratelimit:{scope}:{client_key(request)}"


def hit(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one use; True while the client stays within `limit` uses per window."""
    return hit_key(_key(request, scope), limit, window_seconds)


def hit_key(key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of ``key`` (any cache key); True while it stays within ``limit`` per window."""
    if cache.add(key, 1, window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return True
    return count <= limit
