"""Searches kept on request (``SEARCH_CACHE_SECONDS``, default 0: never).

Opted in, a repeated search is answered from the cache, but only for as long as that
setting says, only until the data changes (a withdrawn or newly protected person is gone
from the next answer), only within one API key's scope, never for staff, and under a
name that holds no plain digest of the searched text. Off (the default), every search is
built, whatever the other caches do."""

import hashlib
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from kazmonitor.api.cache import digest_key
from kazmonitor.models import Visibility
from tests.api_support import (  # noqa: F401
    anonymous_fixture,
    client_for,
    fresh_rate_limits_fixture,
    make_key,
)
from tests.factories import CaseFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _caches_on(settings):
    settings.API_CACHE_SECONDS = 300
    settings.PAGE_CACHE_SECONDS = 300
    settings.SEARCH_CACHE_SECONDS = 60
    cache.clear()


def kept_keys() -> list[str]:
    return [str(key) for key in cache._cache]  # locmem internals


def searched(captured) -> bool:
    """Whether the request searched (read persons) rather than answered from the cache."""
    return any('"people_person"' in query["sql"] for query in captured)


def test_off_by_default_every_search_is_built(settings, client, anonymous, django_assert_max_num_queries):
    settings.SEARCH_CACHE_SECONDS = 0
    ParticipantFactory(person=PersonFactory(name="Жанболат Мамай"), case=CaseFactory(title="Trial"))
    for get, path in (
        (client.get, "/search/?q=Mamai"),
        (client.get, "/cases/?q=Mamai"),
        (anonymous.get, "/api/v1/persons/?q=Mamai"),
    ):
        assert get(path).status_code == 200
        with django_assert_max_num_queries(30) as captured:
            assert get(path).status_code == 200
        assert searched(captured), path
    assert not [key for key in kept_keys() if "search" in key]


def test_a_repeated_public_search_is_served_from_the_cache(client, django_assert_num_queries):
    case = CaseFactory(title="Dispersal in Almaty")
    first = client.get("/search/?q=Almaty")
    assert case.title in first.content.decode()
    with django_assert_num_queries(1):  # the content counter, nothing else
        again = client.get("/search/?q=Almaty")
    assert again.content == first.content
    listed = client.get("/cases/?q=Almaty")  # a list search: built once…
    assert case.title in listed.content.decode()
    with django_assert_num_queries(1):
        assert client.get("/cases/?q=Almaty").content == listed.content  # …then kept
    assert len([key for key in kept_keys() if "page-search:" in key]) == 2


def test_searches_live_only_search_cache_seconds(client, anonymous):
    PersonFactory(name="Жанболат Мамай")
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        client.get("/search/?q=Mamai")
        client.get("/cases/")
        anonymous.get("/api/v1/persons/?q=Mamai")
        anonymous.get("/api/v1/persons/")
    timeouts = {call.args[0].split(":")[0]: call.args[2] for call in stored.call_args_list if ":" in call.args[0]}
    assert timeouts["page-search"] == 60
    assert timeouts["page"] == 300
    assert timeouts["api-response-search"] == 60
    assert timeouts["api-response"] == 300


def test_a_person_withdrawn_or_protected_leaves_the_kept_search_at_once(client, anonymous):
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", pseudonym="Witness K")
    ParticipantFactory(person=person, case=CaseFactory(title="Trial in Almaty"))
    assert "Zhanbolat Mamai" in client.get("/search/?q=Mamai").content.decode()
    assert len(anonymous.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1

    person.identity_protected = True
    person.save()

    page = client.get("/search/?q=Mamai").content.decode()
    assert "Zhanbolat" not in page and "Жанболат" not in page  # found by the pseudonym only
    assert anonymous.get("/api/v1/persons/?q=Mamai").json()["results"] == []

    person.identity_protected = False
    person.visibility = Visibility.INTERNAL
    person.save()
    assert "Zhanbolat" not in client.get("/search/?q=Mamai").content.decode()
    assert anonymous.get("/api/v1/persons/?q=Mamai").json()["results"] == []


def test_api_searches_are_kept_per_key(anonymous, django_assert_num_queries, django_assert_max_num_queries):
    PersonFactory(name="Жанболат Мамай")
    first, second = client_for(make_key(Visibility.PARTNERS)[1]), client_for(make_key(Visibility.PARTNERS)[1])
    assert len(first.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    with django_assert_max_num_queries(30) as captured:  # another key at the same level: built for it
        assert len(second.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    assert searched(captured)
    with django_assert_max_num_queries(30) as captured:  # an anonymous reader too
        anonymous.get("/api/v1/persons/?q=Mamai")
    assert searched(captured)
    with django_assert_max_num_queries(2) as captured:  # the same key again: kept (key check and rate limit only)
        assert len(first.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1


def test_staff_searches_are_never_kept(admin_user, django_assert_max_num_queries):
    CaseFactory(title="Dispersal in Almaty")
    staff = Client()
    staff.force_login(admin_user)
    staff.get("/search/?q=Almaty")
    with django_assert_max_num_queries(40) as captured:
        staff.get("/search/?q=Almaty")
    assert searched(captured)
    assert not [key for key in kept_keys() if "search" in key]


def test_api_searches_from_a_staff_session_are_never_kept(admin_user, django_assert_max_num_queries):
    """The API reads a staff session as anonymous (public level); its searches must not
    join the anonymous scope, where their timing would tell others what staff searched."""
    PersonFactory(name="Жанболат Мамай")
    staff = Client()
    staff.force_login(admin_user)
    assert len(staff.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    with django_assert_max_num_queries(30) as captured:
        assert len(staff.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    assert searched(captured)
    assert not [key for key in kept_keys() if "search" in key]
    with django_assert_max_num_queries(30) as captured:  # nor answered from an anonymous reader's entry
        Client().get("/api/v1/persons/?q=Mamai")
        assert len(staff.get("/api/v1/persons/?q=Mamai").json()["results"]) == 1
    assert len([query for query in captured if "people_person" in query["sql"]]) >= 2


def test_a_kept_search_is_named_by_a_keyed_hash(settings):
    request = RequestFactory().get("/search/", {"q": "Жанболат Мамай"})
    named = digest_key("page", request, 0, "text/html")
    assert named.startswith("page-search:")
    # No plain digest of what the key is made of: trying names against the store's keys
    # needs the SECRET_KEY.
    assert named.split(":", 1)[1] != hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    assert digest_key("page", request, 0, "text/html") != named
    plain = RequestFactory().get("/cases/")
    assert digest_key("page", plain, 0, "text/html").startswith("page:")
