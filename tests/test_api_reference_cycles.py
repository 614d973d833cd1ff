"""An API answer's rows are freed when the answer is sent, not left in reference cycles
for the garbage collector (kazmonitor/api/views.py, ``release``): model instances and
serialized data of a list page or a detail. Collecting a page of 50 persons' cycles was
~8% of the request's CPU at national scale (docs/performance.md, "Garbage collection in
the workers"). Requests go through Django's WSGI handler as a server calls it: the test
client keeps references of its own."""

import gc
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from cases.models import Case
from people.models import Person
from tests.factories import CaseFactory, ParticipantFactory, PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(settings):
    settings.API_CACHE_SECONDS = 0
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "anonymous": 1_000_000}
    handler = WSGIHandler()
    # as Django's test client does: the test's transaction stays open across requests
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def get(path: str, **query) -> bytes:
        environ = RequestFactory()._base_environ(PATH_INFO=path, QUERY_STRING=urlencode(query), REQUEST_METHOD="GET")
        answer = {}
        result = handler(environ, lambda status, headers, exc_info=None: answer.update(status=status))
        body = b"".join(result)
        result.close()
        assert answer["status"].startswith("200"), (path, answer, body[:300])
        return body

    yield get
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def garbage_after(request) -> list:
    """The objects that only the garbage collector would have freed after ``request()``."""
    request()  # first use: caches filled, nothing kept of what follows
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        request()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.fixture
def records(db):
    for n in range(12):
        person = PersonFactory(name=f"Сабыр Жанатұлы {n}", name_latin=f"Sabyr Zhanatuly {n}")
        PersonAliasFactory(person=person, name=f"Zhanatuly S. {n}")
        ParticipantFactory(person=person, case=CaseFactory(title=f"Zhanatuly trial {n}"))


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/v1/persons/", {"q": "Zhanatuly", "page_size": 10}),
        ("/api/v1/persons/", {"ordering": "-updated_at"}),
        ("/api/v1/cases/", {"page_size": 5}),
    ],
)
def test_a_list_pages_rows_are_not_left_for_the_garbage_collector(served, records, path, query):
    garbage = garbage_after(lambda: served(path, **query))
    assert [obj for obj in garbage if isinstance(obj, Person | Case)] == []
    assert [obj for obj in garbage if isinstance(obj, dict) and "url" in obj and "id" in obj] == []  # rows written


def test_a_details_record_is_not_left_for_the_garbage_collector(served, records):
    case = Case.objects.order_by("pk").first()
    garbage = garbage_after(lambda: served(f"/api/v1/cases/{case.uuid}/"))
    assert [obj for obj in garbage if isinstance(obj, Person | Case)] == []
