"""The admin in the editor's language.

``/admin/`` lies outside ``i18n_patterns``, so Django's ``LocaleMiddleware`` shows it in
``LANGUAGE_CODE`` (English) whatever the editor reads. ``AdminLanguageMiddleware``, placed
right after it, re-activates the language for admin paths only: the ``django_language``
cookie set by the admin's language switcher (``set_language`` at ``/i18n/setlang/``), else
the browser's Accept-Language among ``settings.LANGUAGES``, else ``LANGUAGE_CODE``. The
public site keeps its URL-prefix languages and the API stays in ``LANGUAGE_CODE``."""

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def admin_path_prefix() -> str:
    """``/admin/`` as seen in ``request.path_info`` (without the script prefix)."""
    return "/" + reverse("admin:index").removeprefix(get_script_prefix())


class AdminLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix: str | None = None

    def __call__(self, request):
        if self._prefix is None:
            self._prefix = admin_path_prefix()
        if not request.path_info.startswith(self._prefix):
            return self.get_response(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = language = translation.get_language()
        response = self.get_response(request)
        # The page depends on the cookie and on Accept-Language; LocaleMiddleware only
        # sets Content-Language when it is missing, so this value stands.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers["Content-Language"] = language
        return response
