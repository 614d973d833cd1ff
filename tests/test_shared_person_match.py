"""The search page's statement matches the persons once, not once for the person group
and again for the cases that name them (``kazmonitor.search.shared_subqueries``), and
finds what it found before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor import search
from tests.factories import CaseFactory, ParticipantFactory, PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db

ALIAS_MATCH = 'FROM "people_personalias" INNER JOIN "people_person"'  # the person match's alias branch


def shared(sql: str) -> str:
    return f"({search._SHARED_START}{sql}{search._SHARED_END})"


def test_a_subquery_that_occurs_twice_runs_once_with_its_parameters_in_place():
    sql = f"SELECT 1 = ANY(ARRAY({shared('SELECT %s::int')})), %s, 2 = ANY(ARRAY({shared('SELECT %s::int')})), %s"
    rewritten, params = search.shared_subqueries(sql, [1, "middle", 1, "last"])
    assert rewritten == (
        "WITH kz_shared0 AS MATERIALIZED (SELECT %s::int) SELECT 1 = ANY(ARRAY((SELECT * FROM kz_shared0))), %s, "
        "2 = ANY(ARRAY((SELECT * FROM kz_shared0))), %s"
    )
    assert params == [1, "middle", "last"]
    # other parameters: two different subqueries, left as they are
    assert search.shared_subqueries(sql, [1, "middle", 2, "last"]) == (sql, [1, "middle", 2, "last"])


def test_shared_and_word_lookups_go_into_one_with():
    assert search.with_ctes(["a AS (SELECT 1)"], "WITH b AS (SELECT 2) SELECT 3") == (
        "WITH a AS (SELECT 1), b AS (SELECT 2) SELECT 3"
    )
    assert search.with_ctes(["a AS (SELECT 1)"], "SELECT 3") == "WITH a AS (SELECT 1) SELECT 3"


@pytest.mark.postgresql
def test_the_rewritten_statement_answers_as_the_original():
    ids = shared("SELECT %s::int UNION SELECT 3")
    sql = f"SELECT 1 = ANY(ARRAY({ids})), %s::text, 4 = ANY(ARRAY({ids}))"
    params = [1, "x", 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        original = cursor.fetchone()
        cursor.execute(*search.shared_subqueries(sql, params))
        assert cursor.fetchone() == original == (True, "x", False)


@pytest.mark.postgresql
def test_the_search_page_matches_the_persons_once(client):
    named = PersonFactory(name="Сабыр Жанатұлы", name_latin="Sabyr Zhanatuly")
    aliased = PersonFactory(name="Айдос Мамай", name_latin="Aidos Mamai")
    PersonAliasFactory(person=aliased, name="Zhanatuly A.")
    hidden = PersonFactory(name="Асқар Жанатұлы", identity_protected=True, pseudonym="Witness Z")
    for person in (named, aliased, hidden):
        ParticipantFactory(person=person, case=CaseFactory(title=f"The trial of {person.pk}"))
    client.get("/search/", {"q": "Zhanatuly"})  # compiled once per process

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/search/", {"q": "Zhanatuly"})

    assert [query["sql"].count(ALIAS_MATCH) for query in captured] == [1]
    assert "kz_shared0" in captured[0]["sql"]
    results = page.context["results"]
    assert {row.pk for row in results["persons"]} == {named.pk, aliased.pk}
    assert {row.title for row in results["cases"]} == {f"The trial of {named.pk}", f"The trial of {aliased.pk}"}
    assert b"Witness Z" not in page.content and "Асқар".encode() not in page.content
