"""Rate limits per API key (or per client address without one), counted in
Django's cache so that every worker process shares the count.

A fixed one-minute window, one cache key per client and window. On Redis (``REDIS_URL``)
a request is one ``INCR`` (atomic; it creates the key at 1), and the window's first
request also sets the key's expiry: Django's ``cache.incr`` there is two round trips
(``EXISTS``, then ``INCRBY``), ~220–250 µs of CPU per API request against ~155–170 µs
(docs/performance.md). On any other cache ``incr`` counts and ``add`` starts the window.
Over the limit: 429 with ``Retry-After`` (seconds until the window ends)."""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

from kazmonitor.security import client_ip

WINDOW_SECONDS = 60
KEPT_SECONDS = WINDOW_SECONDS + 5  # a window's count outlives it a little, never forever


def limit_for(key) -> int:
    """Requests per minute for an API key (its own limit, else its level's default)
    or for anonymous clients (``key`` is None)."""
    limits = settings.API_RATE_LIMITS
    if key is None:
        return limits["anonymous"]
    if getattr(key, "rate_limit", None):
        return key.rate_limit
    return limits["partners"] if int(key.level) < 20 else limits["public"]


def count_request(cache_key: str) -> int:
    """This window's requests of one client, this one included."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(cache_key)
        # Django's own client for the key (RedisCache keeps it in ``_cache``): ints are
        # stored as plain integers there, so cache.get() reads what INCR counts.
        client = backend._cache.get_client(key, write=True)
        count = client.incr(key)
        if count == 1:  # the window's first request (a key left without expiry names a past window)
            client.expire(key, KEPT_SECONDS)
        return count
    try:
        return backend.incr(cache_key)
    except ValueError:  # the window's first request
        return 1 if backend.add(cache_key, 1, timeout=KEPT_SECONDS) else backend.incr(cache_key)


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        key = getattr(request, "auth", None)
        limit = limit_for(key)
        ident = f"key:{key.pk}" if key is not None else f"addr:{client_ip(request._request)}"
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        count = count_request(f"api-rate:{ident}:{window}")
        self.retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
        return count <= limit

    def wait(self):
        return getattr(self, "retry_after", WINDOW_SECONDS)
