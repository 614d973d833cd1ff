"""Rate limits per API key (or per client address without one), counted in
Django's cache so that every worker process shares the count.

A fixed one-minute window: ``cache.incr`` counts (atomic on Redis), ``cache.add``
starts the window. Over the limit: 429 with ``Retry-After`` (seconds until the
window ends)."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from kazmonitor.security import client_ip

WINDOW_SECONDS = 60


def limit_for(key) -> int:
    """Requests per minute for an API key (its own limit, else its level's default)
    or for anonymous clients (``key`` is None)."""
    limits = settings.API_RATE_LIMITS
    if key is None:
        return limits["anonymous"]
    if getattr(key, "rate_limit", None):
        return key.rate_limit
    return limits["partners"] if int(key.level) < 20 else limits["public"]


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        key = getattr(request, "auth", None)
        limit = limit_for(key)
        ident = f"key:{key.pk}" if key is not None else f"addr:{client_ip(request._request)}"
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        cache_key = f"api-rate:{ident}:{window}"
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window's first request
            count = 1 if cache.add(cache_key, 1, timeout=WINDOW_SECONDS + 5) else cache.incr(cache_key)
        self.retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
        return count <= limit

    def wait(self):
        return getattr(self, "retry_after", WINDOW_SECONDS)
