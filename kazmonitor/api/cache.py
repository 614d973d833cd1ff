"""Responses kept in the shared cache, so that a page many partners read (or a mirror
re-reads) is built once per change of the data instead of once per request.

Only successful JSON ``GET`` responses of the lists and details are kept, after the
key was checked and the rate limit counted (a hit still counts against the limit).

Searches (``q=``) are not kept unless ``SEARCH_CACHE_SECONDS`` says so (default 0):
whether a response comes from the cache shows in its timing, so a kept search tells
whoever repeats it that the same text was searched within that time, and what others
searched for is nobody's business. A deployment that opts in (for speed under load)
gets search entries that are scoped to the API key that searched (anonymous readers
share one scope; staff sessions never), live at most ``SEARCH_CACHE_SECONDS``, and are
named by a keyed hash (``SECRET_KEY``), so the store's keys cannot be matched against
guessed names. The kept answers themselves repeat the searched text: whoever reads the
cache store reads them (docs/performance.md, "Searches kept on request").
The cache key holds everything the response depends on: the content generation
(``kazmonitor.generation``: raised by every save, delete or withdrawal, so a
withdrawn record is gone from the next response), the reader's level, the full URL
(host, path and query), the media type, the language and the date (detentions count
days to today). ``API_CACHE_SECONDS`` bounds how long an entry lives; 0 turns the
cache off."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from kazmonitor import generation

# Larger responses (pages of 500 detailed rows, huge lists) are rebuilt rather than kept.
MAX_BYTES = 2_000_000
_KEPT_HEADERS = ("Content-Type", "Link")


def digest_key(prefix: str, request, level: int, media_type: str) -> str:
    """A cache key for what ``request`` is answered with: the content generation, the
    reader's level, the media type, the language, today's date and the full URL."""
    parts = [
        str(generation.current()),
        str(int(level)),
        media_type,
        get_language() or "",
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
    ]
    if is_search(request):  # scoped to the API key, named by a keyed hash (module docstring)
        parts.append(str(getattr(getattr(request, "auth", None), "pk", "")))
        digest = salted_hmac("kazmonitor.search-cache", "\n".join(parts), algorithm="sha256").hexdigest()
        return f"{prefix}-search:{digest}"
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{prefix}:{digest}"


def is_search(request) -> bool:
    return "q" in request.GET


def response_key(request, level: int, media_type: str) -> str:
    return digest_key("api-response", request, level, media_type)


def lifetime(request) -> int:
    """How long the API answer to ``request`` may be kept (seconds; 0: not at all)."""
    return settings.SEARCH_CACHE_SECONDS if is_search(request) else settings.API_CACHE_SECONDS


def enabled(request) -> bool:
    # A staff session is no API credential (it reads as anonymous), but a search from it
    # is never kept: its timing would tell anonymous readers what staff searched for, as
    # the public pages never keep anything for a session (kazmonitor.page_cache).
    staff = is_search(request) and settings.SESSION_COOKIE_NAME in request.COOKIES
    return request.method == "GET" and lifetime(request) > 0 and not staff


def cached_response(key: str) -> HttpResponse | None:
    """The response kept under ``key`` (API answer or public page), or None."""
    found = cache.get(key)
    if found is None:
        return None
    content, headers = found
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def store(key: str, response, seconds: int, header_names=None) -> None:
    """Keep a rendered response's body and headers (``header_names``, else all but
    Content-Length), unless it is too big to be worth it."""
    if len(response.content) > MAX_BYTES:
        return
    if header_names is None:
        headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
    else:
        headers = {name: response[name] for name in header_names if response.has_header(name)}
    cache.set(key, (response.content, headers), seconds)


def keep(key: str, request, response) -> None:
    """Keep a rendered successful API response (``response.render()`` was called)."""
    if response.status_code == 200:
        store(key, response, lifetime(request), _KEPT_HEADERS)
