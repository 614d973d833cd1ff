"""Public pages kept in the shared cache for anonymous readers.

A public page (case list, case page, statistics, feeds, sitemaps …) is the same for
every anonymous reader of one language, so it is built once per change of the data
(``kazmonitor.generation``: any save, delete or withdrawal makes every kept page
unreachable at once) and served from the cache until then, for at most
``PAGE_CACHE_SECONDS``.

Kept only when nothing personal can be in it: a ``GET`` of a public URL (``PUBLIC_URLCONF``)
by a reader without a session cookie, answered 200 without setting a cookie. Searches
(the search page, any ``q=``) are not kept unless ``SEARCH_CACHE_SECONDS`` says so
(default 0), so whether someone searched a name before cannot be read off a fast
answer; kept, they live at most that long under a keyed name
(``kazmonitor.api.cache``). Staff (who have a session) always get pages built for them."""

from importlib import import_module

from django.conf import settings

from kazmonitor.api.cache import cached_response, digest_key, is_search, store

# URL names of PUBLIC_URLCONF that are searches whatever their parameters.
SEARCHES = frozenset({"search"})


def _public_names() -> frozenset[str]:
    urlpatterns = import_module(settings.PUBLIC_URLCONF).urlpatterns  # named in settings: no import of the app
    return frozenset(pattern.name for pattern in urlpatterns if pattern.name)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.names = _public_names()

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key and self._keepable(response) and not self._has_csrf_token(request):
            store(key, response, self._lifetime(request))
        return response

    @staticmethod
    def _has_csrf_token(request) -> bool:
        """Whether the page holds a CSRF token (``get_token``: a form posting back). Its
        cookie is set by ``CsrfViewMiddleware`` only after this middleware has answered,
        so ``_keepable`` cannot see it; a kept page would hand one reader's token, and
        with it their CSRF secret, to every later reader."""
        return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable(request):
            return None
        key = digest_key("page", request, 0, "text/html")
        response = cached_response(key)
        if response is None:
            request._page_cache_key = key
        return response

    @staticmethod
    def _lifetime(request) -> int:
        """How long the page may be kept (seconds; 0: not at all)."""
        searched = is_search(request) or request.resolver_match.url_name in SEARCHES
        return settings.SEARCH_CACHE_SECONDS if searched else settings.PAGE_CACHE_SECONDS

    def _cacheable(self, request) -> bool:
        match = request.resolver_match
        return (
            request.method == "GET"
            and match is not None
            and not match.namespace
            and match.url_name in self.names
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and self._lifetime(request) > 0
        )

    @staticmethod
    def _keepable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )
