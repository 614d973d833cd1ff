"""A list request that names no filter (only ``page_size``, ``cursor``, ``ordering`` or
nothing) skips the filterset's form: it must answer exactly what naming every filter
empty answers, and a request that names a filter must still be validated."""

import pytest

from cases.filters import CaseFilter
from cases.models import Case
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture, ids  # noqa: F401
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db):
    return [CaseFactory() for _ in range(4)]


def test_a_list_without_filters_equals_one_with_every_filter_empty(anonymous, cases):
    empty = "&".join(f"{name}=" for name in CaseFilter.base_filters)
    plain = anonymous.get("/api/v1/cases/?page_size=3")
    named = anonymous.get(f"/api/v1/cases/?page_size=3&{empty}")
    assert plain.status_code == named.status_code == 200
    assert plain.json()["results"] == named.json()["results"]
    assert len(ids(plain)) == 3


def test_parameters_that_are_not_filters_do_not_filter(anonymous, cases):
    assert sorted(ids(anonymous.get("/api/v1/cases/?unknown=1&format=json"))) == sorted(str(c.uuid) for c in cases)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("kind=prison", "kind"), ("opened_after=yesterday", "opened_after"), ("updated_since=x", "updated_since")],
)
def test_a_named_filter_is_still_validated(anonymous, cases, query, parameter):
    response = anonymous.get(f"/api/v1/cases/?page_size=3&{query}")
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_two_requests_in_a_row_keep_their_own_filters(anonymous, cases):
    civil = CaseFactory(kind=Case.Kind.CIVIL)
    assert ids(anonymous.get("/api/v1/cases/?kind=civil")) == [str(civil.uuid)]
    assert len(ids(anonymous.get("/api/v1/cases/"))) == len(cases) + 1
    assert ids(anonymous.get("/api/v1/cases/?kind=civil&page_size=10")) == [str(civil.uuid)]
