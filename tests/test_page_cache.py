"""Public pages from the cache for readers without a session: built once per change
of the data, gone at the next save or withdrawal, never kept for staff, for
searches or for a response that sets a cookie."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import resolve

from cases.models import Case
from kazmonitor.models import Visibility
from kazmonitor.page_cache import PublicPageCacheMiddleware
from tests.factories import CaseFactory, ChargeFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_a_public_page_is_built_once_then_served_from_the_cache(client, django_assert_num_queries):
    case = CaseFactory(title="Dispersal in Almaty")
    first = client.get(f"/cases/{case.slug}/")
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the database's content counter, nothing else
        again = client.get(f"/cases/{case.slug}/")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # What the outer middleware adds is added again on every answer.
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == first["X-Frame-Options"]


def test_a_withdrawn_case_leaves_its_page_and_the_list_at_once(client):
    kept, withdrawn = CaseFactory(title="Kept case"), CaseFactory(title="Withdrawn case")
    assert "Withdrawn case" in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{withdrawn.slug}/").status_code == 200

    withdrawn.visibility = Visibility.INTERNAL
    withdrawn.save()

    listing = client.get("/cases/").content.decode()
    assert "Withdrawn case" not in listing
    assert "Kept case" in listing
    assert client.get(f"/cases/{withdrawn.slug}/").status_code == 404
    assert client.get(f"/cases/{kept.slug}/").status_code == 200


def test_a_bulk_update_that_sends_no_signals_still_drops_kept_pages(client):
    case = CaseFactory(title="Withdrawn in bulk")
    assert client.get(f"/cases/{case.slug}/").status_code == 200
    assert "Withdrawn in bulk" in client.get("/cases/").content.decode()

    Case.objects.filter(pk=case.pk).update(visibility=Visibility.INTERNAL)

    assert client.get(f"/cases/{case.slug}/").status_code == 404
    assert "Withdrawn in bulk" not in client.get("/cases/").content.decode()


def test_a_person_protected_after_caching_shows_only_by_pseudonym(client):
    case = CaseFactory()
    person = PersonFactory(name="Marker Realname", name_latin="Marker Realname", pseudonym="Activist A")
    ChargeFactory(case=case, defendant=person)
    assert "Marker Realname" in client.get(f"/cases/{case.slug}/").content.decode()
    person.identity_protected = True
    person.save()
    page = client.get(f"/cases/{case.slug}/").content.decode()
    assert "Marker Realname" not in page
    assert "Activist A" in page


def test_each_language_has_its_own_page(client):
    case = CaseFactory(title="Case title", title_ru="Название дела")
    english = client.get(f"/cases/{case.slug}/").content.decode()
    russian = client.get(f"/ru/cases/{case.slug}/").content.decode()
    assert "Название дела" in russian
    assert "Название дела" not in english
    assert client.get(f"/cases/{case.slug}/").content.decode() == english


def test_readers_with_a_session_get_pages_built_for_them(django_assert_max_num_queries):
    case = CaseFactory()
    staff = User.objects.create_user("editor", password="x", is_staff=True)
    reader = Client()
    reader.force_login(staff)
    reader.get(f"/cases/{case.slug}/")
    with django_assert_max_num_queries(30) as captured:
        assert reader.get(f"/cases/{case.slug}/").status_code == 200
    assert len(captured) > 0
    # and what was built for them was not kept for anonymous readers either
    case.title = "Renamed"
    case.save()
    reader.get(f"/cases/{case.slug}/")
    anonymous = Client()
    with django_assert_max_num_queries(30) as captured:
        anonymous.get(f"/cases/{case.slug}/")
    assert len(captured) > 0


def test_searches_are_never_kept(client, django_assert_max_num_queries):
    CaseFactory(title="Dispersal in Almaty")
    assert "Dispersal in Almaty" in client.get("/search/?q=Almaty").content.decode()
    with django_assert_max_num_queries(30) as captured:
        client.get("/search/?q=Almaty")
    assert len(captured) > 0
    client.get("/cases/?q=Almaty")
    with django_assert_max_num_queries(30) as captured:
        client.get("/cases/?q=Almaty")
    assert len(captured) > 0


def test_not_found_pages_are_not_kept(client):
    assert client.get("/cases/not-yet/").status_code == 404
    CaseFactory(slug="not-yet")
    assert client.get("/cases/not-yet/").status_code == 200


def test_zero_seconds_turns_the_page_cache_off(settings, client, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    case = CaseFactory()
    client.get(f"/cases/{case.slug}/")
    with django_assert_max_num_queries(30) as captured:
        client.get(f"/cases/{case.slug}/")
    assert len(captured) > 0


@pytest.mark.parametrize("path", ["/cases/", "/search/?q=Almaty"])
def test_a_page_holding_a_csrf_token_is_never_kept(settings, path):
    """A public page with a form posting back (``{% csrf_token %}``) holds the reader's
    CSRF secret; its cookie is set by the outer CsrfViewMiddleware after the page cache
    has seen the response, so the token itself must keep the page out of the cache."""
    settings.SEARCH_CACHE_SECONDS = 60
    cache.clear()
    request = RequestFactory().get(path)
    request.resolver_match = resolve(request.path_info)
    middleware = PublicPageCacheMiddleware(lambda request: None)

    def page_with_a_form(request):
        assert middleware.process_view(request, None, (), {}) is None  # not kept yet: build it
        return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    middleware.get_response = page_with_a_form
    assert middleware(request).status_code == 200
    assert request._page_cache_key  # a page the cache would keep…
    assert cache.get(request._page_cache_key) is None  # …but not with a token in it

    plain = RequestFactory().get(path)
    plain.resolver_match = resolve(plain.path_info)
    middleware.get_response = lambda request: middleware.process_view(request, None, (), {}) or HttpResponse("ok")
    middleware(plain)
    assert cache.get(plain._page_cache_key) is not None  # the same page without a form is kept
