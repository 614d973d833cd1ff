"""The API finds a protected person only by the masked id it shows, in one query and
without masking every protected person's uuid on each request (``person_by_api_id``
keeps the map until the records change); the real uuid answers as an unknown id."""

import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor.api.tombstones import api_id
from people import filters
from people.models import Person
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture  # noqa: F401
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_response_cache(settings):
    settings.API_CACHE_SECONDS = 0


def protected(**kwargs) -> Person:
    return PersonFactory(identity_protected=True, pseudonym="Activist from Taraz", **kwargs)


def test_a_protected_person_is_found_by_the_masked_id_only(anonymous):
    person, others = protected(), [protected() for _ in range(5)]
    masked = api_id(person)

    assert anonymous.get(f"/api/v1/persons/{masked}/").json()["name"] == "Activist from Taraz"
    for value in (person.uuid, uuid.uuid4()):
        response = anonymous.get(f"/api/v1/persons/{value}/")
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert anonymous.get(f"/api/v1/charges/?person={masked}").status_code == HTTPStatus.OK
    assert all(filters.person_by_api_id(Person.objects.all(), str(api_id(other))) == other for other in others)


def test_a_lookup_reads_one_person_row_once_the_map_is_kept():
    people, unprotected = [protected() for _ in range(30)], PersonFactory()
    filters.person_by_api_id(Person.objects.all(), str(api_id(people[0])))  # builds and keeps the map
    for person in (people[-1], unprotected):
        with CaptureQueriesContext(connection) as queries:
            assert filters.person_by_api_id(Person.objects.all(), str(api_id(person))) == person
        # one query of persons (the kept map is one cache read, a query only with the database cache)
        assert [query["sql"] for query in queries if "people_person" in query["sql"]] == [queries[-1]["sql"]]
        assert len(queries) <= 2


def test_protecting_and_unprotecting_move_the_person_between_ids():
    person = PersonFactory()
    assert filters.person_by_api_id(Person.objects.all(), str(person.uuid)) == person
    person.identity_protected, person.pseudonym = True, "Activist from Taraz"
    person.save()
    assert filters.person_by_api_id(Person.objects.all(), str(person.uuid)) is None
    assert filters.person_by_api_id(Person.objects.all(), str(api_id(person))) == person
    person.identity_protected = False
    person.save()
    assert filters.person_by_api_id(Person.objects.all(), str(api_id(person, protected=True))) is None
    assert filters.person_by_api_id(Person.objects.all(), str(person.uuid)) == person


def test_visibility_still_decides():
    hidden = protected(visibility=0)
    assert filters.person_by_api_id(Person.objects.visible_to(20), str(api_id(hidden))) is None
    assert filters.person_by_api_id(Person.objects.all(), str(api_id(hidden))) == hidden
