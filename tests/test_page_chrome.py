"""The page chrome drawn once per language (``{% once_per_language %}`` in base.html):
every page is byte for byte what base.html without those tags draws, in every language,
whatever page and language were drawn before, under another script prefix too; and
nothing of the request is ever kept in it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve, set_script_prefix
from django.utils import translation

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR) / "templates" / "base.html"
PATHS = ("/", "/cases/?kind=criminal&status=active", "/search/?q=%3Cscript%3E", "/statistics/")


def without_once() -> str:
    """base.html as it would be without the tags: drawn in full on every request."""
    source = BASE.read_text()
    assert "{% once_per_language %}" in source
    return source.replace("{% once_per_language %}", "").replace("{% endonce_per_language %}", "")


def drawn(template, language: str, path: str, prefix: str = "/") -> str:
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            lead = "" if language == settings.LANGUAGE_CODE else f"/{language}"
            request = RequestFactory().get(f"{lead}{path}", SCRIPT_NAME=prefix.rstrip("/"))
            request.resolver_match = resolve(request.path_info)
            return template.render({}, request)
    finally:
        set_script_prefix("/")


def test_base_is_drawn_as_without_the_tags_in_every_language_and_order():
    kept, full = get_template("base.html"), engines["django"].from_string(without_once())
    orders = [("en", "ru", "kk"), ("kk", "en", "ru"), ("ru", "kk", "en")]
    for order in orders:
        for language in order:
            for path in PATHS:
                assert drawn(kept, language, path) == drawn(full, language, path), (language, path)


def test_each_language_and_script_prefix_keeps_its_own_links():
    kept = get_template("base.html")
    english, russian = drawn(kept, "en", "/cases/"), drawn(kept, "ru", "/cases/")
    mounted = drawn(kept, "ru", "/cases/", prefix="/monitor/")
    assert 'href="/persons/"' in english and 'href="/ru/persons/"' not in english
    assert 'href="/ru/persons/"' in russian
    assert 'href="/monitor/ru/persons/"' in mounted
    assert drawn(kept, "en", "/cases/") == english  # after the others: still English


def test_whole_pages_keep_the_request_out_of_the_chrome(client):
    case = CaseFactory(title="Dispersal in Almaty")
    client.get("/ru/search/?q=first-reader-text")
    page = client.get(f"/cases/{case.slug}/?from=second").content.decode()
    assert "first-reader-text" not in page
    assert 'hreflang="ru" href="/ru/cases/' in page  # the language links follow this page
    russian = client.get("/ru/cases/").content.decode()
    assert 'href="/ru/statistics/"' in russian and f"/cases/{case.slug}/" not in russian.split("<main")[0]
